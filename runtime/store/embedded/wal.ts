// The write-ahead log writer: appends frames to the current segment file and resolves
// each append only once it is on disk. Group commit: appends that arrive while a sync is
// in flight (or in the same tick) are written and synced together, so N concurrent
// writers share one fsync instead of queueing N of them.
//
// Segments are opened with O_DSYNC where the platform has it, so one write call returns
// with its data durable (what write + fdatasync gave). That is one trip through the
// thread pool per batch instead of two: on a busy event loop each trip waits for a turn
// of the loop, and a store read waits for the batch in flight (store.ts `read`). Here a
// 3 MB write + fdatasync takes 3–7 ms, a loop turn under load up to tens of ms.
// Measured: 64 puts in flight 18–27k/s → 25–37k/s; bench/placement 5,400–6,300 →
// 6,100–7,100 placements/s, with every unit running 0.1–0.2 s sooner.
import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";

export function segmentName(seq: number): string {
  return `wal-${String(seq).padStart(16, "0")}.log`;
}

export const SEGMENT_PATTERN = /^wal-(\d{16})\.log$/;

/** O_DSYNC, or 0 where the platform has none (then every batch is followed by fdatasync). */
const DSYNC: number = constants.O_DSYNC ?? 0;

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

type Item =
  | { readonly kind: "data"; readonly buf: Buffer; readonly resolve: () => void; readonly reject: (e: Error) => void }
  | { readonly kind: "rotate"; readonly resolve: (seq: number) => void; readonly reject: (e: Error) => void };

export interface WalStats {
  /** Frames appended and synced. */
  records: number;
  /** Batches made durable (synced writes); records / syncs is the group-commit factor. */
  syncs: number;
  bytes: number;
}

export class Wal {
  readonly stats: WalStats = { records: 0, syncs: 0, bytes: 0 };
  private queue: Item[] = [];
  private running = false;
  private failure: Error | undefined;
  private idle: (() => void)[] = [];
  private bytesSinceRotate: number;

  private constructor(
    private readonly dir: string,
    private seq: number,
    private fh: FileHandle,
    private size: number,
  ) {
    this.bytesSinceRotate = size;
  }

  /** Opens segment `seq` (which must exist, already validated) to append at `size`. */
  static async open(dir: string, seq: number, size: number): Promise<Wal> {
    return new Wal(dir, seq, await open(join(dir, segmentName(seq)), constants.O_RDWR | DSYNC), size);
  }

  /** Bytes appended to the segment current writes go to. */
  get segmentBytes(): number {
    return this.bytesSinceRotate;
  }

  append(frame: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.bytesSinceRotate += frame.length;
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: "data", buf: frame, resolve, reject });
      this.kick();
    });
  }

  /**
   * Everything appended before this call goes to the current segment, everything after
   * to a new one. Resolves with the new segment's number once the old one is synced.
   */
  rotate(): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    this.bytesSinceRotate = 0;
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: "rotate", resolve, reject });
      this.kick();
    });
  }

  /** Writes and syncs what is queued, then closes the file. */
  async close(): Promise<void> {
    if (this.running) await new Promise<void>((r) => this.idle.push(r));
    await this.fh.close().catch(() => undefined);
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    // setImmediate, not a microtask: lets every writer woken by the previous sync queue
    // its next record first, so they share the next sync.
    setImmediate(() => void this.run());
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.failure) {
        const first = this.queue[0]!;
        if (first.kind === "rotate") {
          this.queue.shift();
          await this.nextSegment();
          first.resolve(this.seq);
          continue;
        }
        let n = 0;
        while (n < this.queue.length && this.queue[n]!.kind === "data") n++;
        const batch = this.queue.splice(0, n) as Extract<Item, { kind: "data" }>[];
        await this.writeBatch(batch);
      }
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.running = false;
      for (const r of this.idle.splice(0)) r();
    }
  }

  private async writeBatch(batch: Extract<Item, { kind: "data" }>[]): Promise<void> {
    try {
      const buf = batch.length === 1 ? batch[0]!.buf : Buffer.concat(batch.map((b) => b.buf));
      let done = 0;
      while (done < buf.length) {
        const { bytesWritten } = await this.fh.write(buf, done, buf.length - done, this.size + done);
        done += bytesWritten;
      }
      if (!DSYNC) await this.fh.datasync();
      this.size += buf.length;
      this.stats.records += batch.length;
      this.stats.syncs += 1;
      this.stats.bytes += buf.length;
    } catch (err) {
      for (const b of batch) b.reject(err as Error);
      throw err;
    }
    for (const b of batch) b.resolve();
  }

  private async nextSegment(): Promise<void> {
    const next = this.seq + 1;
    const fh = await open(join(this.dir, segmentName(next)), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | DSYNC, 0o600);
    await fsyncDir(this.dir);
    await this.fh.close();
    this.fh = fh;
    this.seq = next;
    this.size = 0;
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const item of this.queue.splice(0)) item.reject(err);
  }
}
