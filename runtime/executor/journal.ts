// Per-unit output kept on disk: `<dir>/<unit>.log`, in the form journal-format.ts
// describes. The unit's processes append to it directly (the process host opens it as
// their stdout and stderr), so their output never passes through this process — neither
// its memory nor its CPU grows with what units print. The executor's own messages are
// appended here as sys records, synchronously, so each lands in the file before the
// next step of the run (a spawn, a signal) can make the unit write more.
//
// Size bound: a running process keeps its file descriptor, so a file cannot be renamed
// away from it. Rotation is copy-and-truncate instead: once the file passes `maxBytes`,
// its last `maxBytes` bytes (from a line start) replace `<unit>.log.1` and the file is
// truncated to zero; the writers' O_APPEND descriptors then continue at its new end. The
// size is checked after every sys record, before every spawn, and every `checkMs` while
// any unit has spawned, so a unit holds at most about 2 × maxBytes plus what it writes
// within one check interval. Bytes written between the copy and the truncation (a
// window of microseconds) are lost, as with logrotate's copytruncate.
// Unit names are safe file names (units/names.ts allows only [A-Za-z0-9:_.\-@]); callers
// must validate them first.
import { appendFileSync, closeSync, mkdirSync, openSync, readSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { systemClock, type Clock, type Timer } from "../clock";
import { formatSysRecord, LINE_MAX, parseJournal, parseJournalLines, recordTexts } from "./journal-format";

export interface JournalStoreOptions {
  /** Directory of the files (created if missing). */
  readonly dir: string;
  /** Size past which a unit's file is rotated. Default 1 MiB. */
  readonly maxBytes?: number;
  /** Time stamps of sys records (ms since the epoch). Default Date.now. */
  readonly now?: () => number;
  /** Drives the periodic size check. Default the system clock. */
  readonly clock?: Clock;
  /** Interval of the size check while units' processes may write. Default 1000 ms. */
  readonly checkMs?: number;
  /** How often follow() looks for new bytes. Default 100 ms. */
  readonly followMs?: number;
}

/** Most bytes one follow() poll reads; the rest waits for the next poll. */
const FOLLOW_READ_MAX = 4 << 20;

export class JournalStore {
  private readonly maxBytes: number;
  private readonly now: () => number;
  private readonly clock: Clock;
  /** Units whose processes may be writing: their files are checked periodically. */
  private readonly writers = new Set<string>();
  /** Per unit: how many rotations so far, and the file size at the last one. */
  private readonly rotations = new Map<string, { count: number; end: number }>();
  /** Per unit, its followers' "read what is new" functions. */
  private readonly followers = new Map<string, Set<(final: boolean) => void>>();
  private readonly unfollows = new Set<() => void>();
  private checkTimer: Timer | undefined;
  private lastError: Error | undefined;
  private closed = false;

  constructor(private readonly opts: JournalStoreOptions) {
    this.maxBytes = opts.maxBytes ?? 1 << 20;
    this.now = opts.now ?? Date.now;
    this.clock = opts.clock ?? systemClock;
    mkdirSync(opts.dir, { recursive: true });
  }

  /**
   * The file a process of `unit` is about to get as stdout and stderr (to be opened for
   * appending). From now on the file's size is checked periodically, until forget().
   */
  outputPath(unit: string): string {
    this.guard(() => this.rotateIfFull(unit));
    this.writers.add(unit);
    this.armCheck();
    return this.file(unit);
  }

  /** Appends one of the executor's own messages about `unit`. Never throws. */
  sys(unit: string, text: string): void {
    this.guard(() => {
      appendFileSync(this.file(unit), formatSysRecord(this.now(), text));
      this.rotateIfFull(unit);
    });
  }

  /** No process of `unit` writes any more (it was unloaded): stop checking its file. */
  forget(unit: string): void {
    this.writers.delete(unit);
  }

  /** Rotates every file written to that passed maxBytes. */
  checkSizes(): void {
    for (const unit of this.writers) this.guard(() => this.rotateIfFull(unit));
  }

  /**
   * The last `n` lines' text, oldest first. Rejects once after journal writes failed
   * (a full or broken disk loses journal lines, never the executor), then works again.
   */
  async tail(unit: string, n: number): Promise<string[]> {
    const failed = this.lastError;
    this.lastError = undefined;
    if (failed) throw new Error(`journal lines were lost: ${failed.message}`);
    if (n <= 0) return [];
    const current = parseJournalLines(await tailLines(this.file(unit), n));
    const older = current.length < n ? parseJournalLines(await tailLines(`${this.file(unit)}.1`, n - current.length)) : [];
    return recordTexts([...older, ...current]).slice(-n);
  }

  /**
   * Calls `onLine` with the text of every line written to the unit's file from now on
   * (polling every `followMs`, and right before each rotation), until the returned
   * function is called; that call first delivers what was written up to it.
   */
  follow(unit: string, onLine: (line: string) => void): () => void {
    const file = this.file(unit);
    let offset = sizeOf(file);
    let seen = this.rotations.get(unit)?.count ?? 0;
    const deliver = lineAssembler(onLine);
    const poll = (final: boolean) => {
      this.guard(() => {
        const rot = this.rotations.get(unit);
        if (rot && rot.count !== seen) {
          // The unread end of the old file is the end of `.1` (a tail copy).
          if (rot.count === seen + 1 && rot.end > offset) deliver(readEnd(`${file}.1`, rot.end - offset), false);
          seen = rot.count;
          offset = 0;
        }
        const size = sizeOf(file);
        if (size < offset) offset = 0; // truncated by someone else
        const bytes = readRange(file, offset, Math.min(size - offset, FOLLOW_READ_MAX));
        offset += bytes.length;
        deliver(bytes, final);
      });
    };
    const timer = setInterval(() => poll(false), this.opts.followMs ?? 100);
    timer.unref();
    const set = this.followers.get(unit) ?? new Set();
    this.followers.set(unit, set.add(poll));
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      set.delete(poll);
      if (set.size === 0) this.followers.delete(unit);
      this.unfollows.delete(stop);
      poll(true);
    };
    this.unfollows.add(stop);
    return stop;
  }

  /** Stops the size check, and delivers followers what is new (they get nothing more). */
  close(): void {
    this.closed = true;
    this.checkTimer?.cancel();
    this.checkTimer = undefined;
    for (const stop of [...this.unfollows]) stop();
  }

  private file(unit: string): string {
    return join(this.opts.dir, `${unit}.log`);
  }

  private armCheck(): void {
    if (this.checkTimer || this.closed) return;
    this.checkTimer = this.clock.setTimeout(() => {
      this.checkTimer = undefined;
      this.checkSizes();
      if (this.writers.size > 0) this.armCheck();
    }, this.opts.checkMs ?? 1000);
  }

  private rotateIfFull(unit: string): void {
    const file = this.file(unit);
    const size = sizeOf(file);
    if (size <= this.maxBytes) return;
    for (const poll of this.followers.get(unit) ?? []) poll(false); // nothing unread is cut away
    // `.1` ends where the file ended at `size`, so a follower can find its place in it.
    writeFileSync(`${file}.1`, fromLineStart(readRange(file, size - this.maxBytes, this.maxBytes)));
    truncateSync(file, 0);
    const r = this.rotations.get(unit);
    this.rotations.set(unit, { count: (r?.count ?? 0) + 1, end: size });
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.lastError = e as Error;
    }
  }
}

/** Feeds bytes in, calls `onLine` per whole line (record); `final` flushes a partial one. */
function lineAssembler(onLine: (line: string) => void): (bytes: Buffer, final: boolean) => void {
  let carry = Buffer.alloc(0);
  return (bytes, final) => {
    const all = carry.length > 0 ? Buffer.concat([carry, bytes]) : bytes;
    // A line without its LF waits for more, unless it grew past LINE_MAX bytes.
    const whole = all.lastIndexOf(0x0a) + 1;
    const cut = final || all.length - whole > LINE_MAX ? all.length : whole;
    carry = Buffer.from(all.subarray(cut));
    if (cut > 0) for (const t of recordTexts(parseJournal(all.subarray(0, cut).toString("utf8")))) onLine(t);
  };
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw e;
  }
}

/** `len` bytes of `file` from `pos` (fewer if it is shorter); empty when it is missing. */
function readRange(file: string, pos: number, len: number): Buffer {
  if (len <= 0) return Buffer.alloc(0);
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return Buffer.alloc(0);
    throw e;
  }
  try {
    const buf = Buffer.alloc(len);
    let got = 0;
    for (let i = 0; i < 1000 && got < len; i++) {
      const n = readSync(fd, buf, got, len - got, pos + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** The last `len` bytes of `file`. */
function readEnd(file: string, len: number): Buffer {
  const size = sizeOf(file);
  return readRange(file, Math.max(0, size - len), Math.min(len, size));
}

/** `buf`, cut out of the middle of a file, from its first line start on. */
function fromLineStart(buf: Buffer): Buffer {
  const nl = buf.indexOf(0x0a);
  return nl >= 0 && nl < buf.length - 1 ? buf.subarray(nl + 1) : buf;
}

/**
 * The last `n` lines of a file (without their newlines); [] when it does not exist.
 * A file emptied by a rotation while it is read (the size check runs between our
 * reads) is read again, at most three times; a short read never leaves zero bytes in.
 */
export async function tailLines(file: string, n: number): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    const r = await tailOnce(file, n);
    if (r.complete || attempt >= 3) return r.lines;
  }
}

async function tailOnce(file: string, n: number): Promise<{ lines: string[]; complete: boolean }> {
  const fh = await open(file, "r").catch(() => undefined);
  if (!fh) return { lines: [], complete: true };
  try {
    const { size } = await fh.stat();
    const chunks: Buffer[] = [];
    let pos = size;
    let newlines = 0;
    let complete = true;
    while (pos > 0 && newlines <= n) {
      const len = Math.min(64 * 1024, pos);
      pos -= len;
      const buf = Buffer.alloc(len);
      const { bytesRead } = await fh.read(buf, 0, len, pos);
      if (bytesRead < len) {
        complete = false; // the file shrank under us
        chunks.unshift(buf.subarray(0, bytesRead));
        break;
      }
      chunks.unshift(buf);
      for (const b of buf) if (b === 0x0a) newlines++;
    }
    const lines = Buffer.concat(chunks).toString("utf8").split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    if (pos > 0 || !complete) lines.shift(); // the first piece may be a partial line
    return { lines: lines.slice(-n), complete };
  } finally {
    await fh.close();
  }
}
