// The service's data: the last good data set, the files it came from, and the writes
// that change them. Every operation runs one at a time (reloads from disk, API writes),
// so a reload never sees half an API write. A bad data set — from a file edited on disk
// or from an API write — is refused whole and the last good set keeps being served.
import { randomBytes } from "node:crypto";
import { mkdir, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildDataSet, type AssetIndex, type SourceDoc } from "./data-set";
import { buildFromFiles, digestOf, loadDataDir, parseFiles, readDataDirSafely, type ParseCache, type RawFile } from "./loader";
import { DIRS, NAME, NAME_TEXT, type BootData, type DocKind } from "./model";
import type { BootProblem } from "./problems";
import { isRecord } from "./read";

export interface Snapshot {
  readonly data: BootData;
  readonly docs: readonly SourceDoc[];
  readonly files: readonly RawFile[];
  readonly digest: string;
  readonly generation: number;
}

export interface ReloadStatus {
  readonly at: Date;
  readonly ok: boolean;
  readonly problems: readonly BootProblem[];
}

/** An API write: documents to put (value) or delete (null), and names that must not
 *  exist yet (create-only, so a Pulumi stack never takes over an operator's file). */
export interface Change {
  readonly groups?: Readonly<Record<string, unknown>>;
  readonly profiles?: Readonly<Record<string, unknown>>;
  readonly absent?: { readonly groups?: readonly string[]; readonly profiles?: readonly string[] };
}

export type ApplyResult =
  | { readonly ok: true; readonly generation: number; readonly changed: number }
  | { readonly ok: false; readonly status: 400 | 409 | 422; readonly message: string; readonly problems?: readonly BootProblem[] };

export class LoadError extends Error {
  constructor(readonly problems: readonly BootProblem[]) {
    super(`the data directory has ${problems.length} problem(s)`);
  }
}

const KINDS: readonly [keyof Change & ("groups" | "profiles"), DocKind][] = [["groups", "group"], ["profiles", "profile"]];

function checkChangeShape(body: unknown): string | undefined {
  if (!isRecord(body)) return "expected a JSON object {groups?, profiles?, absent?}";
  const extra = Object.keys(body).filter((k) => !["groups", "profiles", "absent"].includes(k));
  if (extra.length) return `unknown field ${JSON.stringify(extra[0])}; accepted: groups, profiles, absent`;
  for (const [key] of KINDS) {
    const m = body[key];
    if (m === undefined) continue;
    if (!isRecord(m)) return `${key} must be an object of name → document (or null to delete)`;
    for (const [name, v] of Object.entries(m)) {
      if (!NAME.test(name)) return `${key}[${JSON.stringify(name)}]: names are ${NAME_TEXT}`;
      if (v !== null && !isRecord(v)) return `${key}.${name} must be a document object or null`;
    }
  }
  const absent = body["absent"];
  if (absent !== undefined) {
    if (!isRecord(absent)) return "absent must be {groups?: [names], profiles?: [names]}";
    for (const [k, v] of Object.entries(absent)) {
      if (k !== "groups" && k !== "profiles") return `absent.${k}: accepted keys are groups, profiles`;
      if (!Array.isArray(v) || v.some((n) => typeof n !== "string")) return `absent.${k} must be a list of names`;
    }
  }
  return undefined;
}

export class DataStore {
  private current: Snapshot;
  private last: ReloadStatus;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private readonly assets: () => AssetIndex,
    first: Omit<Snapshot, "generation">,
    private readonly now: () => Date,
    private readonly parsed: ParseCache,
  ) {
    this.current = { ...first, generation: 1 };
    this.last = { at: now(), ok: true, problems: [] };
  }

  /** Loads the directory (creating groups/ and profiles/); throws LoadError if it is bad. */
  static async open(dir: string, assets: () => AssetIndex, now: () => Date = () => new Date()): Promise<DataStore> {
    for (const sub of Object.values(DIRS)) await mkdir(join(dir, sub), { recursive: true });
    const parsed: ParseCache = new Map();
    const loaded = await loadDataDir(dir, assets(), parsed);
    if (!loaded.ok) throw new LoadError(loaded.problems);
    return new DataStore(dir, assets, { data: loaded.data, docs: loaded.docs, files: loaded.files, digest: loaded.digest }, now, parsed);
  }

  snapshot(): Snapshot {
    return this.current;
  }

  /** Resolves once every queued reload and write has finished. */
  idle(): Promise<void> {
    return this.serial(async () => undefined);
  }

  lastReload(): ReloadStatus {
    return this.last;
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Re-reads the directory; keeps the current set unless the new one is whole and good. */
  reload(): Promise<ReloadStatus> {
    return this.serial(async () => {
      const read = await readDataDirSafely(this.dir);
      const assets = this.assets();
      if (read.problems.length === 0 && digestOf(read.files, assets) === this.current.digest) {
        this.last = { at: this.now(), ok: true, problems: [] };
        return this.last; // nothing changed (e.g. the echo of our own API write)
      }
      const loaded = buildFromFiles(read.files, read.problems, assets, this.parsed);
      if (loaded.ok) this.current = { data: loaded.data, docs: loaded.docs, files: loaded.files, digest: loaded.digest, generation: this.current.generation + 1 };
      this.last = { at: this.now(), ok: loaded.ok, problems: loaded.ok ? [] : loaded.problems };
      return this.last;
    });
  }

  /** Validates the data set the change would produce; writes files only if it is good. */
  apply(body: unknown): Promise<ApplyResult> {
    return this.serial(async () => {
      const bad = checkChangeShape(body);
      if (bad) return { ok: false, status: 400, message: bad };
      const change = body as Change;
      const cur = this.current;
      const exists = (kind: DocKind, name: string) => cur.files.some((f) => f.kind === kind && f.name === name);
      const taken = KINDS.flatMap(([key, kind]) => (change.absent?.[key] ?? []).filter((n) => exists(kind, n)).map((n) => `${DIRS[kind]}/${n}`));
      if (taken.length) return { ok: false, status: 409, message: `already defined: ${taken.join(", ")}; these names must not exist yet` };
      const files = new Map(cur.files.map((f) => [`${f.kind}/${f.name}`, f]));
      const writes: RawFile[] = [];
      const removes: RawFile[] = [];
      for (const [key, kind] of KINDS) {
        for (const [name, value] of Object.entries(change[key] ?? {})) {
          const old = files.get(`${kind}/${name}`);
          if (value === null) {
            if (old) removes.push(old);
            files.delete(`${kind}/${name}`);
            continue;
          }
          const text = `${JSON.stringify(value, null, 2)}\n`;
          const next: RawFile = { kind, name, file: old?.file ?? `${DIRS[kind]}/${name}.json`, text };
          if (old?.text !== text) writes.push(next);
          files.set(`${kind}/${name}`, next);
        }
      }
      const all = [...files.values()];
      const parsed = parseFiles(all, this.parsed);
      const built = buildDataSet(parsed.docs, this.assets());
      const problems = [...parsed.problems, ...(built.ok ? [] : built.problems)];
      if (problems.length || !built.ok) return { ok: false, status: 422, message: `the change was refused; nothing was written (${problems.length} problem(s))`, problems };
      for (const w of writes) await this.writeAtomically(w);
      for (const r of removes) await unlink(join(this.dir, r.file)).catch(() => undefined);
      const changed = writes.length + removes.length;
      if (changed) this.current = { data: built.data, docs: parsed.docs, files: all, digest: digestOf(all, this.assets()), generation: cur.generation + 1 };
      return { ok: true, generation: this.current.generation, changed };
    });
  }

  private async writeAtomically(f: RawFile): Promise<void> {
    const target = join(this.dir, f.file);
    const tmp = join(this.dir, DIRS[f.kind], `.${f.name}.${randomBytes(4).toString("hex")}.tmp`);
    await writeFile(tmp, f.text, { mode: 0o640 });
    await rename(tmp, target);
  }
}
