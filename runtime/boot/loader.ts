// The data directory on disk → parsed documents → a validated data set. Layout:
//   DIR/groups/<name>.yaml|.yml|.json     one group per file, named by the file
//   DIR/profiles/<name>.yaml|.yml|.json   one profile per file
// Hidden files and other extensions (editor backups, README.md) are ignored.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { buildDataSet, type AssetIndex, type SourceDoc } from "./data-set";
import { DIRS, NAME, NAME_TEXT, type BootData, type DocKind } from "./model";
import type { BootProblem } from "./problems";
import { parseDataFile } from "./yaml-file";

export const EXTENSIONS = [".yaml", ".yml", ".json"];
const MAX_FILES = 20_000;

export interface RawFile {
  readonly kind: DocKind;
  readonly name: string;
  /** Relative to the data directory. */
  readonly file: string;
  readonly text: string;
}

export type Loaded =
  | { readonly ok: true; readonly data: BootData; readonly docs: readonly SourceDoc[]; readonly files: readonly RawFile[]; readonly digest: string }
  | { readonly ok: false; readonly problems: readonly BootProblem[] };

async function listKind(dir: string, kind: DocKind, out: RawFile[], problems: BootProblem[]): Promise<void> {
  const sub = DIRS[kind];
  let entries;
  try {
    entries = await readdir(join(dir, sub), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const ext = extname(e.name);
    if (e.name.startsWith(".") || !EXTENSIONS.includes(ext) || !e.isFile()) continue;
    const file = `${sub}/${e.name}`;
    const name = e.name.slice(0, -ext.length);
    if (out.length >= MAX_FILES) {
      problems.push({ code: "too-large", file, at: [], value: file, message: `more than ${MAX_FILES} data files` });
      return;
    }
    if (!NAME.test(name)) {
      problems.push({ code: "invalid-value", file, at: [], value: JSON.stringify(name), message: `the file name is the ${kind} name; ${kind} names are ${NAME_TEXT}` });
      continue;
    }
    const bytes = await readFile(join(dir, file));
    try {
      out.push({ kind, name, file, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) });
    } catch {
      problems.push({ code: "syntax", file, at: [], value: `<${bytes.length} bytes>`, message: "file is not UTF-8 text" });
    }
  }
}

export async function readDataDir(dir: string): Promise<{ files: RawFile[]; problems: BootProblem[] }> {
  const files: RawFile[] = [];
  const problems: BootProblem[] = [];
  await listKind(dir, "group", files, problems);
  await listKind(dir, "profile", files, problems);
  return { files, problems };
}

/** Fingerprint of the files and of the assets they may refer to: equal fingerprints
 *  give equal data sets, so a reload that finds the same one skips validation. */
export function digestOf(files: readonly RawFile[], assets?: AssetIndex): string {
  const h = createHash("sha256");
  for (const f of [...files].sort((a, b) => (a.file < b.file ? -1 : 1))) h.update(`${f.file}\0${f.text}\0`);
  for (const [path, a] of [...(assets ?? [])].sort((x, y) => (x[0] < y[0] ? -1 : 1))) h.update(`asset\0${path}\0${a.sha256}\0`);
  return h.digest("hex");
}

/** Parsed files by name, reused while their text is unchanged (a reload or an API
 *  write re-parses only what changed; YAML parsing dominates a reload otherwise). */
export type ParseCache = Map<string, { readonly text: string; readonly doc: SourceDoc; readonly problems: readonly BootProblem[] }>;

export function parseFiles(files: readonly RawFile[], cache?: ParseCache): { docs: SourceDoc[]; problems: BootProblem[] } {
  const docs: SourceDoc[] = [];
  const problems: BootProblem[] = [];
  for (const f of files) {
    const hit = cache?.get(f.file);
    if (hit && hit.text === f.text) {
      docs.push(hit.doc);
      problems.push(...hit.problems);
      continue;
    }
    const parsed = parseDataFile(f.text, f.file);
    const doc: SourceDoc = parsed.ok
      ? { kind: f.kind, name: f.name, file: f.file, value: parsed.value, lineOf: parsed.lineOf }
      : { kind: f.kind, name: f.name, file: f.file, value: undefined, unparsed: true };
    const own = parsed.ok ? [] : parsed.problems;
    cache?.set(f.file, { text: f.text, doc, problems: own });
    docs.push(doc);
    problems.push(...own);
  }
  if (cache) {
    const present = new Set(files.map((f) => f.file));
    for (const k of [...cache.keys()]) if (!present.has(k)) cache.delete(k);
  }
  return { docs, problems };
}

/** Parses and validates files read from the directory (with the problems reading found). */
export function buildFromFiles(files: readonly RawFile[], readProblems: readonly BootProblem[], assets: AssetIndex, cache?: ParseCache): Loaded {
  const parsed = parseFiles(files, cache);
  const built = buildDataSet(parsed.docs, assets);
  const problems = [...readProblems, ...parsed.problems, ...(built.ok ? [] : built.problems)];
  if (problems.length || !built.ok) return { ok: false, problems };
  return { ok: true, data: built.data, docs: parsed.docs, files, digest: digestOf(files, assets) };
}

export async function readDataDirSafely(dir: string): Promise<{ files: RawFile[]; problems: BootProblem[] }> {
  try {
    return await readDataDir(dir);
  } catch (err) {
    return { files: [], problems: [{ code: "syntax", at: [], value: JSON.stringify(dir), message: `cannot read the data directory: ${(err as Error).message}` }] };
  }
}

/** Reads, parses and validates the whole directory; any problem rejects the whole set. */
export async function loadDataDir(dir: string, assets: AssetIndex, cache?: ParseCache): Promise<Loaded> {
  const read = await readDataDirSafely(dir);
  return buildFromFiles(read.files, read.problems, assets, cache);
}
