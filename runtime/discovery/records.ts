// What the discovery service writes to disk: one record per state change, one line per
// record, `<crc32 as 8 hex digits> <json>\n`. The checksum and the final newline let a
// restart tell a record cut short by a crash (or a torn sector) from a whole one; replay
// stops at the first bad line. Pure: encoding and decoding only, the file is journal.ts's.
import type { SealedEntry } from "./sealed";
import type { ServerRecord } from "./servers";

export type SetAction = "create" | "set" | "update";

export interface MemberNode {
  readonly id: string;
  readonly value: string;
  readonly createdIndex: number;
  readonly modifiedIndex: number;
}

/** One entry of a token's event history, enough to answer a late `wait=true` poll. */
export interface HistoryEvent {
  readonly action: SetAction | "delete";
  /** Full etcd key, e.g. `/<token>/<id>` or `/<token>/_config/size`. */
  readonly key: string;
  /** Absent for deletes. */
  readonly value?: string;
  readonly createdIndex: number;
  /** The event's own index. */
  readonly modifiedIndex: number;
  readonly prev?: { readonly value: string; readonly createdIndex: number; readonly modifiedIndex: number };
}

/** A server record; its `expiresAt` is wall-clock time, so a TTL keeps running across restarts. */
export type ServerEntry = ServerRecord;

export type LogRecord =
  | { readonly t: "token"; readonly token: string; readonly size: number; readonly index: number }
  | { readonly t: "set"; readonly token: string; readonly id: string; readonly value: string; readonly index: number; readonly action: SetAction }
  | { readonly t: "delete"; readonly token: string; readonly id: string; readonly index: number }
  | ({ readonly t: "server"; readonly token: string } & ServerEntry)
  | { readonly t: "server-delete"; readonly token: string; readonly id: string }
  | ({ readonly t: "sealed"; readonly token: string } & SealedEntry)
  | { readonly t: "sealed-delete"; readonly token: string; readonly name: string }
  /** A whole token, written by compaction in place of its history of records. */
  | {
      readonly t: "snapshot";
      readonly token: string;
      readonly size: number;
      readonly createdIndex: number;
      readonly index: number;
      /** Highest index whose event was dropped from the history (0: none dropped). */
      readonly clearedThrough: number;
      readonly members: readonly MemberNode[];
      readonly history: readonly HistoryEvent[];
      readonly servers: readonly ServerEntry[];
      /** Absent in logs written before sealed records existed. */
      readonly sealed?: readonly SealedEntry[];
    };

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE), as zlib computes it. */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function encodeRecord(record: LogRecord): Buffer {
  const json = Buffer.from(JSON.stringify(record), "utf8");
  const head = Buffer.from(crc32(json).toString(16).padStart(8, "0") + " ", "ascii");
  return Buffer.concat([head, json, Buffer.from("\n")]);
}

export interface Decoded {
  readonly records: LogRecord[];
  /** Bytes from the start that hold whole, valid records. */
  readonly goodBytes: number;
  /** Set when bytes after `goodBytes` were not a valid record. */
  readonly bad?: { readonly offset: number; readonly line: number; readonly reason: string };
}

export function decodeRecords(data: Buffer): Decoded {
  const records: LogRecord[] = [];
  let offset = 0;
  while (offset < data.length) {
    const nl = data.indexOf(0x0a, offset);
    const line = records.length + 1;
    if (nl < 0) return { records, goodBytes: offset, bad: { offset, line, reason: "record cut short (no final newline)" } };
    const parsed = decodeLine(data.subarray(offset, nl));
    if (typeof parsed === "string") return { records, goodBytes: offset, bad: { offset, line, reason: parsed } };
    records.push(parsed);
    offset = nl + 1;
  }
  return { records, goodBytes: offset };
}

function decodeLine(line: Buffer): LogRecord | string {
  if (line.length < 10 || line[8] !== 0x20) return "malformed record header";
  const want = parseInt(line.subarray(0, 8).toString("ascii"), 16);
  const json = line.subarray(9);
  if (!/^[0-9a-f]{8}$/.test(line.subarray(0, 8).toString("ascii")) || crc32(json) !== want) return "checksum mismatch";
  let value: unknown;
  try {
    value = JSON.parse(json.toString("utf8"));
  } catch {
    return "checksum matches but JSON does not parse";
  }
  return isRecord(value) ? value : "record of unknown shape";
}

const isNum = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
const isStr = (x: unknown): x is string => typeof x === "string";

function isSealedEntry(x: unknown): boolean {
  if (typeof x !== "object" || x === null) return false;
  const e = x as Record<string, unknown>;
  return isStr(e["name"]) && isStr(e["blob"]) && isNum(e["expiresAt"]);
}

function isRecord(x: unknown): x is LogRecord {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Record<string, unknown>;
  if (!isStr(r["token"])) return false;
  switch (r["t"]) {
    case "token":
      return isNum(r["size"]) && isNum(r["index"]);
    case "set":
      return isStr(r["id"]) && isStr(r["value"]) && isNum(r["index"]) && ["create", "set", "update"].includes(r["action"] as string);
    case "delete":
      return isStr(r["id"]) && isNum(r["index"]);
    case "server":
      return isStr(r["id"]) && isStr(r["endpoint"]) && typeof r["meta"] === "object" && r["meta"] !== null && isNum(r["expiresAt"]);
    case "server-delete":
      return isStr(r["id"]);
    case "sealed":
      return isStr(r["name"]) && isStr(r["blob"]) && isNum(r["expiresAt"]);
    case "sealed-delete":
      return isStr(r["name"]);
    case "snapshot":
      return isNum(r["size"]) && isNum(r["index"]) && isNum(r["createdIndex"]) && isNum(r["clearedThrough"]) &&
        Array.isArray(r["members"]) && Array.isArray(r["history"]) && Array.isArray(r["servers"]) &&
        (r["sealed"] === undefined || (Array.isArray(r["sealed"]) && r["sealed"].every(isSealedEntry)));
    default:
      return false;
  }
}
