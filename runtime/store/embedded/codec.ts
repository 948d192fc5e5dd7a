// On-disk records of the embedded store. Every record is a frame:
//   u32 LE length of payload | u32 LE CRC-32 of (length bytes + payload) | payload (JSON)
// The CRC covers the length so a zero-filled tail (a crash after the file grew but
// before its data reached the disk) never reads as a valid empty frame.
import type { KeyValue, LeaseId } from "../types";
import type { Change } from "./keyspace";

export type WalRecord =
  /** One revision's changes (a put, a delete, a transaction). */
  | { readonly t: "rev"; readonly rev: number; readonly ch: readonly Change[] }
  | { readonly t: "grant"; readonly id: LeaseId; readonly ttl: number }
  /** A lease revoked or expired; `rev` 0 and no changes when no key was attached. */
  | { readonly t: "revoke"; readonly id: LeaseId; readonly rev: number; readonly ch: readonly Change[] };

export interface SnapshotRecord {
  readonly t: "snap";
  readonly v: 1;
  readonly rev: number;
  readonly nextLeaseId: string;
  /** Replay WAL segments from this sequence number on. */
  readonly walSeq: number;
  readonly kvs: readonly KeyValue[];
  readonly leases: readonly (readonly [LeaseId, number])[];
}

const HEADER = 8;
/** Larger lengths can only be garbage: no record comes near it (entries are <= 1 MiB). */
export const MAX_FRAME = 256 * 1024 * 1024;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE), continuing from `crc` when given. */
export function crc32(buf: Uint8Array, crc = 0): number {
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function encodeFrame(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(HEADER + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  payload.copy(frame, HEADER);
  frame.writeUInt32LE(crc32(payload, crc32(frame.subarray(0, 4))), 4);
  return frame;
}

export interface Scan {
  readonly payloads: { readonly offset: number; readonly payload: Buffer }[];
  /** Offset just past the last valid frame. */
  readonly validEnd: number;
  /** Why scanning stopped before the end of the buffer, if it did. */
  readonly stop?: string;
}

/** Reads frames until the buffer ends or a frame is incomplete or fails its CRC. */
export function scanFrames(buf: Buffer): Scan {
  const payloads: { offset: number; payload: Buffer }[] = [];
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < HEADER) return { payloads, validEnd: off, stop: `${buf.length - off} stray bytes at offset ${off}` };
    const len = buf.readUInt32LE(off);
    if (len === 0 || len > MAX_FRAME) return { payloads, validEnd: off, stop: `bad frame length ${len} at offset ${off}` };
    if (off + HEADER + len > buf.length) {
      return { payloads, validEnd: off, stop: `frame at offset ${off} needs ${len} bytes, ${buf.length - off - HEADER} present` };
    }
    const payload = buf.subarray(off + HEADER, off + HEADER + len);
    if (crc32(payload, crc32(buf.subarray(off, off + 4))) !== buf.readUInt32LE(off + 4)) {
      return { payloads, validEnd: off, stop: `checksum mismatch in frame at offset ${off}` };
    }
    payloads.push({ offset: off, payload });
    off += HEADER + len;
  }
  return { payloads, validEnd: off };
}

// JSON layout of changes: ["p", key, value] / ["p", key, value, lease] / ["d", key].
type ChangeJson = [string, ...string[]];

function changeToJson(ch: Change): ChangeJson {
  if (ch.type === "delete") return ["d", ch.key];
  return ch.lease === undefined ? ["p", ch.key, ch.value] : ["p", ch.key, ch.value, ch.lease];
}

export function encodeRecord(rec: WalRecord): Buffer {
  const json = rec.t === "grant" ? rec : { ...rec, ch: rec.ch.map(changeToJson) };
  return encodeFrame(Buffer.from(JSON.stringify(json)));
}

export function encodeSnapshot(snap: SnapshotRecord): Buffer {
  return encodeFrame(Buffer.from(JSON.stringify(snap)));
}

/** Thrown for a frame whose checksum holds but whose content is not a record. */
export class BadRecord extends Error {}

const isStr = (v: unknown): v is string => typeof v === "string";
const isRev = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isLease = (v: unknown): v is string => isStr(v) && /^[1-9][0-9]{0,18}$/.test(v);

function parse(payload: Buffer): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(payload.toString("utf8"));
  } catch (err) {
    throw new BadRecord(`not JSON (${(err as Error).message})`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new BadRecord("not a JSON object");
  return v as Record<string, unknown>;
}

function decodeChange(v: unknown): Change {
  if (!Array.isArray(v) || !v.every(isStr)) throw new BadRecord(`change ${JSON.stringify(v)} is not a string array`);
  if (v[0] === "d" && v.length === 2 && v[1] !== "") return { type: "delete", key: v[1] };
  if (v[0] === "p" && v.length === 3 && v[1] !== "") return { type: "put", key: v[1], value: v[2] };
  if (v[0] === "p" && v.length === 4 && v[1] !== "" && isLease(v[3])) return { type: "put", key: v[1], value: v[2], lease: v[3] };
  throw new BadRecord(`change ${JSON.stringify(v).slice(0, 80)} has an unknown shape`);
}

function decodeChanges(v: unknown): Change[] {
  if (!Array.isArray(v)) throw new BadRecord("changes are not an array");
  return v.map(decodeChange);
}

export function decodeRecord(payload: Buffer): WalRecord {
  const o = parse(payload);
  switch (o.t) {
    case "rev":
      if (!isRev(o.rev) || o.rev === 0) throw new BadRecord(`bad revision ${JSON.stringify(o.rev)}`);
      return { t: "rev", rev: o.rev, ch: decodeChanges(o.ch) };
    case "grant":
      if (!isLease(o.id) || !isRev(o.ttl) || o.ttl === 0) throw new BadRecord(`bad lease grant ${JSON.stringify(o)}`);
      return { t: "grant", id: o.id, ttl: o.ttl };
    case "revoke":
      if (!isLease(o.id) || !isRev(o.rev)) throw new BadRecord(`bad lease revoke ${JSON.stringify(o).slice(0, 80)}`);
      return { t: "revoke", id: o.id, rev: o.rev, ch: decodeChanges(o.ch) };
    default:
      throw new BadRecord(`unknown record type ${JSON.stringify(o.t)}`);
  }
}

function decodeKv(v: unknown): KeyValue {
  const o = v as Record<string, unknown>;
  if (typeof v !== "object" || v === null || !isStr(o.key) || o.key === "" || !isStr(o.value)) {
    throw new BadRecord(`snapshot entry ${JSON.stringify(v).slice(0, 80)} is not a key-value`);
  }
  if (!isRev(o.createRevision) || !isRev(o.modRevision) || !isRev(o.version) || (o.lease !== undefined && !isLease(o.lease))) {
    throw new BadRecord(`snapshot entry for ${JSON.stringify(o.key)} has bad revisions or lease`);
  }
  const kv = { key: o.key, value: o.value, createRevision: o.createRevision, modRevision: o.modRevision, version: o.version };
  return o.lease === undefined ? kv : { ...kv, lease: o.lease as string };
}

export function decodeSnapshot(payload: Buffer): SnapshotRecord {
  const o = parse(payload);
  if (o.t !== "snap" || o.v !== 1) throw new BadRecord(`not a version-1 snapshot (t=${JSON.stringify(o.t)}, v=${JSON.stringify(o.v)})`);
  if (!isRev(o.rev) || !isRev(o.walSeq) || !isStr(o.nextLeaseId) || !/^[0-9]+$/.test(o.nextLeaseId)) {
    throw new BadRecord("snapshot header fields are missing or malformed");
  }
  if (!Array.isArray(o.kvs) || !Array.isArray(o.leases)) throw new BadRecord("snapshot kvs/leases are not arrays");
  const leases = o.leases.map((l: unknown) => {
    if (!Array.isArray(l) || l.length !== 2 || !isLease(l[0]) || !isRev(l[1]) || l[1] === 0) {
      throw new BadRecord(`snapshot lease ${JSON.stringify(l)} is malformed`);
    }
    return [l[0], l[1]] as const;
  });
  return { t: "snap", v: 1, rev: o.rev, nextLeaseId: o.nextLeaseId, walSeq: o.walSeq, kvs: o.kvs.map(decodeKv), leases };
}
