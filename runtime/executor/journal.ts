// Per-unit output kept on disk: `<dir>/<unit>.log`, one line per output line,
//   2025-01-01T12:00:00.000Z out[1234] the line as the process wrote it
// with tags out[pid] / err[pid] for the unit's stdout/stderr and `sys` for the
// executor's own messages about the unit. When a file would pass `maxBytes` it is renamed
// to `<unit>.log.1` (replacing the previous one), so a unit never holds more than about
// 2 × maxBytes. Writes are batched per event-loop turn and kept in order per unit;
// tail() waits for what was written before it. Unit names are safe file names
// (units/names.ts allows only [A-Za-z0-9:_.\-@]); callers must validate them first.
import { appendFile, open, rename, stat } from "node:fs/promises";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export type JournalStream = "out" | "err" | "sys";

const LINE = /^\S+ (?:out\[\d+\]|err\[\d+\]|sys) (.*)$/s;

export class JournalStore {
  private readonly pending = new Map<string, string[]>();
  private readonly sizes = new Map<string, number>();
  private readonly listeners = new Map<string, Set<(line: string) => void>>();
  private flushing: Promise<void> = Promise.resolve();
  private scheduled = false;
  private lastError: Error | undefined;

  constructor(
    private readonly dir: string,
    private readonly maxBytes = 1 << 20,
    private readonly now: () => number = Date.now,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  append(unit: string, stream: JournalStream, pid: number | undefined, text: string): void {
    const tag = stream === "sys" ? "sys" : `${stream}[${pid ?? 0}]`;
    const list = this.pending.get(unit) ?? [];
    list.push(`${new Date(this.now()).toISOString()} ${tag} ${text}\n`);
    this.pending.set(unit, list);
    for (const l of this.listeners.get(unit) ?? []) l(text);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.flush();
      });
    }
  }

  /** Writes everything appended so far; resolves when it is on disk (not fsync'd). */
  flush(): Promise<void> {
    const batch = [...this.pending];
    this.pending.clear();
    this.flushing = this.flushing.then(async () => {
      for (const [unit, lines] of batch) {
        // A full or broken disk loses journal lines, never the executor: the error is
        // kept for the next tail() to report once.
        await this.write(unit, lines).catch((e: Error) => (this.lastError = e));
      }
    });
    return this.flushing;
  }

  /** The last `n` lines' text, oldest first. */
  async tail(unit: string, n: number): Promise<string[]> {
    await this.flush();
    const failed = this.lastError;
    this.lastError = undefined;
    if (failed) throw new Error(`journal lines were lost: ${failed.message}`);
    if (n <= 0) return [];
    const current = await tailLines(this.file(unit), n);
    const older = current.length < n ? await tailLines(`${this.file(unit)}.1`, n - current.length) : [];
    return [...older, ...current].map((l) => LINE.exec(l)?.[1] ?? l);
  }

  follow(unit: string, onLine: (line: string) => void): () => void {
    const set = this.listeners.get(unit) ?? new Set();
    set.add(onLine);
    this.listeners.set(unit, set);
    return () => {
      set.delete(onLine);
      if (set.size === 0) this.listeners.delete(unit);
    };
  }

  private file(unit: string): string {
    return join(this.dir, `${unit}.log`);
  }

  /** Appends lines, rotating whenever the next line would pass maxBytes. */
  private async write(unit: string, lines: readonly string[]): Promise<void> {
    const file = this.file(unit);
    let size = this.sizes.get(unit) ?? (await stat(file).then((s) => s.size, () => 0));
    let chunk = "";
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      if (size > 0 && size + bytes > this.maxBytes) {
        if (chunk !== "") await appendFile(file, chunk);
        await rename(file, `${file}.1`).catch(() => undefined);
        chunk = "";
        size = 0;
      }
      chunk += line;
      size += bytes;
    }
    if (chunk !== "") await appendFile(file, chunk);
    this.sizes.set(unit, size);
  }
}

/** The last `n` lines of a file (without their newlines); [] when it does not exist. */
export async function tailLines(file: string, n: number): Promise<string[]> {
  const fh = await open(file, "r").catch(() => undefined);
  if (!fh) return [];
  try {
    const { size } = await fh.stat();
    const chunks: Buffer[] = [];
    let pos = size;
    let newlines = 0;
    while (pos > 0 && newlines <= n) {
      const len = Math.min(64 * 1024, pos);
      pos -= len;
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, pos);
      chunks.unshift(buf);
      for (const b of buf) if (b === 0x0a) newlines++;
    }
    const lines = Buffer.concat(chunks).toString("utf8").split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    if (pos > 0) lines.shift(); // the first piece may be a partial line
    return lines.slice(-n);
  } finally {
    await fh.close();
  }
}
