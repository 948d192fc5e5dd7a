// Durability for the embedded store: the data directory's lock, the WAL, and snapshots
// that bound how much log a restart replays.
//
// Snapshot protocol (each step survives a crash before the next):
//   1. capture the state and queue a WAL rotation in the same tick, so the old segments
//      hold exactly the records the snapshot covers;
//   2. once the old segment is synced and the new one exists, write snapshot.tmp, sync
//      it, rename it over `snapshot`, sync the directory;
//   3. delete the segments the snapshot covers (recovery also deletes leftovers).
import { mkdirSync } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { encodeRecord, encodeSnapshot, type SnapshotRecord, type WalRecord } from "./codec";
import { acquireLock, type DirLock } from "./lock";
import { recover, SNAPSHOT_FILE, SNAPSHOT_TMP, type RecoveryReport } from "./recovery";
import { captureSnapshot, type State, type StateOptions } from "./state";
import { fsyncDir, segmentName, Wal, type WalStats } from "./wal";

export interface JournalStats extends WalStats {
  snapshots: number;
}

export interface JournalOptions extends StateOptions {
  /** Start a snapshot once the current segment has this many bytes. */
  readonly snapshotBytes: number;
}

async function writeSnapshot(dir: string, snap: SnapshotRecord): Promise<void> {
  const tmp = join(dir, SNAPSHOT_TMP);
  const fh = await open(tmp, "w", 0o600);
  try {
    await fh.writeFile(encodeSnapshot(snap));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, SNAPSHOT_FILE));
  await fsyncDir(dir);
}

export class Journal {
  private snapshotting: Promise<void> | undefined;
  private snapshots = 0;

  private constructor(
    private readonly dir: string,
    private readonly wal: Wal,
    private readonly lock: DirLock,
    private readonly state: State,
    private readonly snapshotBytes: number,
    private readonly onFailure: (err: Error) => void,
  ) {}

  /** Locks `dir` (creating it), recovers its state and opens the log for appending. */
  static async open(
    dir: string,
    opts: JournalOptions,
    now: number,
    onFailure: (err: Error) => void,
  ): Promise<{ journal: Journal; state: State; report: RecoveryReport }> {
    mkdirSync(dir, { recursive: true, mode: 0o700 }); // the log may hold secrets
    const lock = acquireLock(dir);
    try {
      const { state, tailSeq, tailSize, report } = recover(dir, opts, now);
      const wal = await Wal.open(dir, tailSeq, tailSize);
      return { journal: new Journal(dir, wal, lock, state, opts.snapshotBytes, onFailure), state, report };
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  get stats(): JournalStats {
    return { ...this.wal.stats, snapshots: this.snapshots };
  }

  /**
   * Appends a record the state already reflects; resolves once it is on disk. Must be
   * called in the same tick as the state change (snapshots rely on it).
   */
  append(rec: WalRecord): Promise<void> {
    const done = this.wal.append(encodeRecord(rec));
    if (this.wal.segmentBytes >= this.snapshotBytes && !this.snapshotting) this.snapshot();
    return done;
  }

  /**
   * Snapshots the state as it is now (tests and tools); resolves when that snapshot is on
   * disk. A snapshot already running captured an older state, so it is awaited first and
   * a fresh one is taken after it (unless another caller already started one meanwhile,
   * which then also covers this call's state).
   */
  async snapshotNow(): Promise<void> {
    const running = this.snapshotting;
    if (running) {
      await running;
      if (this.snapshotting && this.snapshotting !== running) return this.snapshotting;
    }
    this.snapshot();
    return this.snapshotting!;
  }

  /** Flushes what is queued, waits for a running snapshot, closes and unlocks. */
  async close(): Promise<void> {
    await this.snapshotting?.catch(() => undefined);
    await this.wal.close();
    this.lock.release();
  }

  private snapshot(): void {
    const captured = captureSnapshot(this.state);
    const rotated = this.wal.rotate();
    this.snapshotting = (async () => {
      const walSeq = await rotated;
      await writeSnapshot(this.dir, { ...captured, walSeq });
      for (let seq = walSeq - 1; seq >= 1; seq--) {
        try {
          await unlink(join(this.dir, segmentName(seq)));
        } catch {
          break; // older ones went with earlier snapshots
        }
      }
      this.snapshots++;
    })()
      .catch((err: unknown) => this.onFailure(err instanceof Error ? err : new Error(String(err))))
      .finally(() => {
        this.snapshotting = undefined;
      });
  }
}
