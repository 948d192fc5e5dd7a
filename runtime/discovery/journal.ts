// The discovery service's durable storage: one append-only log per data directory.
//
// Why a log and not a file per token: a write costs one fdatasync of one file (a file
// per token costs write-tmp, fsync, rename, fsync-dir, three syncs), concurrent writes
// share a sync (group commit: everything queued while one sync runs goes out in the
// next), and no token ever becomes a file name. The log is compacted by writing one
// snapshot record per token to a new file (fsync, rename over the log, fsync the dir),
// in place of the batch that was due, once the log outgrows 4× its last snapshot.
//
// Contract with the caller: append() in the same synchronous step as the in-memory
// change, and reveal nothing of that change (no response, no woken long-poll) before
// durable(seq) resolves. Then a crash, kill -9 included, loses only what nobody saw.
// A record cut short by a crash is found on open by its checksum; everything before
// it is kept, the rest is moved aside to a `.corrupt-*` file and logged.
import { promises as fsp, mkdirSync, readFileSync, writeFileSync, existsSync, unlinkSync, openSync, closeSync, fsyncSync, ftruncateSync } from "node:fs";
import { join } from "node:path";
import { decodeRecords, encodeRecord, type LogRecord } from "./records";

export interface JournalOptions {
  readonly dir: string;
  /** Applies one replayed record; returns a warning for a record that does not fit. */
  readonly replay: (record: LogRecord) => string | undefined;
  /** The whole current state as records, for compaction. */
  readonly snapshot: () => LogRecord[];
  readonly warn: (message: string) => void;
  /** Compact once the log exceeds this and 4× the last snapshot (default 1 MiB). */
  readonly compactMinBytes?: number;
}

const LOG = "discovery.log";
const LOCK = "LOCK";

export class Journal {
  private pending: Buffer[] = [];
  private appended = 0;
  private durableSeq = 0;
  private flushing: Promise<void> | undefined;
  private failure: Error | undefined;
  private waiters: { seq: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  private bytes = 0;
  private snapshotBytes = 0;
  private closed = false;
  /** Data syncs so far (records per sync shows how well group commit works). */
  syncs = 0;
  compactions = 0;

  private constructor(
    private readonly opts: JournalOptions,
    private fh: fsp.FileHandle,
  ) {}

  /** Takes the directory's lock, replays the log into the caller's state, opens it for appends. */
  static async open(opts: JournalOptions): Promise<{ journal: Journal; replayed: number }> {
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    takeLock(opts.dir);
    try {
      const path = join(opts.dir, LOG);
      const tmp = `${path}.compact`;
      if (existsSync(tmp)) unlinkSync(tmp); // a compaction that never reached its rename
      const replayed = existsSync(path) ? replayFile(path, opts) : { count: 0, bytes: 0 };
      const fh = await fsp.open(path, "a", 0o600);
      await syncDir(opts.dir);
      const journal = new Journal(opts, fh);
      journal.bytes = replayed.bytes;
      journal.snapshotBytes = replayed.bytes;
      return { journal, replayed: replayed.count };
    } catch (err) {
      releaseLock(opts.dir);
      throw err;
    }
  }

  /** Queues a record; returns its sequence number for durable(). */
  append(record: LogRecord): number {
    this.pending.push(encodeRecord(record));
    this.appended++;
    if (!this.flushing) this.flushing = this.flushLoop();
    return this.appended;
  }

  /** The sequence number of the last appended record. */
  get lastSeq(): number {
    return this.appended;
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /** Resolves once record `seq` (and all before it) is on disk; rejects if storage failed. */
  durable(seq: number = this.appended): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (seq <= this.durableSeq) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0 && !this.failure) {
        const upto = this.appended;
        const batch = Buffer.concat(this.pending);
        this.pending = [];
        const threshold = Math.max(this.opts.compactMinBytes ?? 1 << 20, 4 * this.snapshotBytes);
        if (this.bytes + batch.length > threshold) await this.compact();
        else await this.write(batch);
        this.durableSeq = upto;
        this.settle();
      }
    } catch (err) {
      this.failure = new Error(`discovery log write failed: ${(err as Error).message}`);
      this.settle();
    } finally {
      this.flushing = undefined;
    }
  }

  private async write(batch: Buffer): Promise<void> {
    for (let off = 0; off < batch.length; ) off += (await this.fh.write(batch, off)).bytesWritten;
    await this.fh.datasync();
    this.syncs++;
    this.bytes += batch.length;
  }

  /** Replaces the log with a snapshot of the current state, which already includes the
   * batch being flushed (the caller appends in step with its in-memory changes). */
  private async compact(): Promise<void> {
    const data = Buffer.concat(this.opts.snapshot().map(encodeRecord));
    const path = join(this.opts.dir, LOG);
    const tmp = await fsp.open(`${path}.compact`, "w", 0o600);
    try {
      for (let off = 0; off < data.length; ) off += (await tmp.write(data, off)).bytesWritten;
      await tmp.sync();
      this.syncs++;
    } finally {
      await tmp.close();
    }
    await fsp.rename(`${path}.compact`, path);
    await syncDir(this.opts.dir);
    await this.fh.close();
    this.fh = await fsp.open(path, "a", 0o600);
    this.bytes = data.length;
    this.snapshotBytes = data.length;
    this.compactions++;
  }

  private settle(): void {
    const keep: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (this.failure) w.reject(this.failure);
      else if (w.seq <= this.durableSeq) w.resolve();
      else keep.push(w);
    }
    this.waiters = keep;
  }

  /** Flushes what is queued, closes the file and releases the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.fh.close();
    releaseLock(this.opts.dir);
  }
}

function replayFile(path: string, opts: JournalOptions): { count: number; bytes: number } {
  const data = readFileSync(path);
  const decoded = decodeRecords(data);
  for (const [i, r] of decoded.records.entries()) {
    const warning = opts.replay(r);
    if (warning) opts.warn(`${path}:${i + 1}: ${warning}`);
  }
  if (decoded.bad) {
    const aside = `${path}.corrupt-${Date.now()}`;
    writeFileSync(aside, data.subarray(decoded.bad.offset), { mode: 0o600 });
    const fd = openSync(path, "r+");
    try {
      ftruncateSync(fd, decoded.goodBytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    opts.warn(
      `${path}:${decoded.bad.line}: ${decoded.bad.reason}; kept the ${decoded.records.length} records before byte ${decoded.bad.offset}, ` +
        `moved the remaining ${data.length - decoded.bad.offset} bytes to ${aside}`,
    );
  }
  return { count: decoded.records.length, bytes: decoded.goodBytes };
}

async function syncDir(dir: string): Promise<void> {
  const d = await fsp.open(dir, "r");
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** Data directories this process holds (the lock file's pid cannot tell: a container's
 * service is often pid 1 both before and after a restart). */
const heldHere = new Set<string>();

/** One service per data directory: a second one would interleave writes in the log.
 * A lock left by a process that no longer exists (kill -9) is taken over. */
function takeLock(dir: string): void {
  const path = join(dir, LOCK);
  if (heldHere.has(path)) throw new Error(`data directory ${dir} is already in use by this process`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: "wx", mode: 0o600 });
      heldHere.add(path);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number(readFileSync(path, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid))
        throw new Error(`data directory ${dir} is in use by process ${pid} (lock file ${path})`);
      unlinkSync(path);
    }
  }
  throw new Error(`could not take the lock ${path}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function releaseLock(dir: string): void {
  heldHere.delete(join(dir, LOCK));
  try {
    unlinkSync(join(dir, LOCK));
  } catch {
    // already gone: nothing to release
  }
}
