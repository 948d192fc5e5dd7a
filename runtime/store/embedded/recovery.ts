// Opening a data directory: load the snapshot, replay the WAL segments after it, and cut
// off a torn tail (a crash in the middle of an append). Only the newest segment may end
// in a torn frame — every older one was synced before the next was started — so damage
// anywhere else is corruption and opening refuses rather than silently dropping
// acknowledged writes.
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StoreError } from "../types";
import { BadRecord, decodeRecord, decodeSnapshot, scanFrames } from "./codec";
import { applyRecord, emptyState, stateFromSnapshot, type State, type StateOptions } from "./state";
import { SEGMENT_PATTERN, segmentName } from "./wal";

export const SNAPSHOT_FILE = "snapshot";
export const SNAPSHOT_TMP = "snapshot.tmp";

export interface RecoveryReport {
  /** Revision of the snapshot loaded, if any. */
  readonly snapshotRevision?: number;
  readonly segments: number;
  readonly records: number;
  /** Bytes cut off the end of the newest segment, and why. */
  readonly truncatedBytes: number;
  readonly truncatedReason?: string;
}

export interface Recovered {
  readonly state: State;
  /** The segment to keep appending to, and its valid length. */
  readonly tailSeq: number;
  readonly tailSize: number;
  readonly report: RecoveryReport;
}

function corrupt(where: string, why: string): StoreError {
  return new StoreError(
    "unavailable",
    `embedded store data is damaged: ${where}: ${why}. Restore the directory from a backup or move it aside.`,
  );
}

function listSegments(dir: string): number[] {
  return readdirSync(dir)
    .map((name) => SEGMENT_PATTERN.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

function loadSnapshot(dir: string, opts: StateOptions, now: number): { state: State; walSeq: number } | undefined {
  const path = join(dir, SNAPSHOT_FILE);
  if (!existsSync(path)) return undefined;
  const buf = readFileSync(path);
  const scan = scanFrames(buf);
  if (scan.stop || scan.payloads.length !== 1) throw corrupt(path, scan.stop ?? `${scan.payloads.length} frames, expected 1`);
  try {
    const snap = decodeSnapshot(scan.payloads[0]!.payload);
    return { state: stateFromSnapshot(snap, opts, now), walSeq: snap.walSeq };
  } catch (err) {
    throw corrupt(path, (err as Error).message);
  }
}

/** Replays one segment; returns its valid length and what stopped the scan early. */
function replaySegment(state: State, path: string, now: number): { records: number; validEnd: number; size: number; stop?: string } {
  const buf = readFileSync(path);
  const scan = scanFrames(buf);
  for (const { offset, payload } of scan.payloads) {
    try {
      applyRecord(state, decodeRecord(payload), now);
    } catch (err) {
      const why = err instanceof BadRecord ? `bad record: ${err.message}` : (err as Error).message;
      throw corrupt(`${path} offset ${offset}`, why);
    }
  }
  return { records: scan.payloads.length, validEnd: scan.validEnd, size: buf.length, ...(scan.stop ? { stop: scan.stop } : {}) };
}

function truncateTo(path: string, size: number): void {
  const fd = openSync(path, "r+");
  try {
    ftruncateSync(fd, size);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Opens the state in `dir` (which must exist and be locked by the caller). */
export function recover(dir: string, opts: StateOptions, now: number): Recovered {
  if (existsSync(join(dir, SNAPSHOT_TMP))) unlinkSync(join(dir, SNAPSHOT_TMP)); // an unfinished snapshot
  const snap = loadSnapshot(dir, opts, now);
  const state = snap?.state ?? emptyState(opts);
  const snapshotRevision = snap?.state.keyspace.revision;
  const all = listSegments(dir);
  const firstSeq = snap?.walSeq ?? all[0] ?? 1;
  for (const seq of all.filter((s) => s < firstSeq)) unlinkSync(join(dir, segmentName(seq))); // covered by the snapshot
  const segments = all.filter((s) => s >= firstSeq);
  if (segments.length === 0) {
    writeFileSync(join(dir, segmentName(firstSeq)), "", { flag: "wx", mode: 0o600 });
    segments.push(firstSeq);
  }
  let records = 0;
  let tailSize = 0;
  let truncated: { bytes: number; reason: string } | undefined;
  segments.forEach((seq, i) => {
    const path = join(dir, segmentName(seq));
    if (seq !== firstSeq + i) throw corrupt(path, `segment ${firstSeq + i} is missing`);
    const r = replaySegment(state, path, now);
    records += r.records;
    const last = i === segments.length - 1;
    if (r.stop && !last) throw corrupt(path, `${r.stop} in a segment that is not the newest`);
    if (r.stop) {
      truncateTo(path, r.validEnd);
      truncated = { bytes: r.size - r.validEnd, reason: r.stop };
    }
    tailSize = r.validEnd;
  });
  const report: RecoveryReport = {
    ...(snapshotRevision === undefined ? {} : { snapshotRevision }),
    segments: segments.length,
    records,
    truncatedBytes: truncated?.bytes ?? 0,
    ...(truncated ? { truncatedReason: truncated.reason } : {}),
  };
  return { state, tailSeq: segments[segments.length - 1]!, tailSize, report };
}
