// The JSON records kept in the store (layout in keys.ts) and their decoders. Records are
// written only by Hafen, but a store can be shared or damaged, so every read goes
// through a decoder that returns undefined for anything malformed instead of throwing.
import type { UnitOption } from "../executor/types";

/** fleet's job states: not scheduled / scheduled and loaded / scheduled and started. */
export type JobState = "inactive" | "loaded" | "launched";
export const JOB_STATES: readonly JobState[] = ["inactive", "loaded", "launched"];

export function isJobState(s: unknown): s is JobState {
  return typeof s === "string" && (JOB_STATES as readonly string[]).includes(s);
}

export type MachineRole = "control" | "worker" | "both";

export interface MachineRecord {
  /** 32 lowercase hex, kept on the machine's disk so a restart re-registers the same id. */
  readonly id: string;
  /** Host name, or m1..mN on local clusters. */
  readonly name: string;
  readonly primaryIP: string;
  /** Metadata the machine announces itself (settings); PATCHed overrides are separate. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly role: MachineRole;
  readonly version: string;
  /** ms since epoch when this registration began. */
  readonly registeredAt: number;
}

export interface UnitRecord {
  readonly name: string;
  readonly options: readonly UnitOption[];
  /** fleet-style SHA-1 of the unit contents. */
  readonly hash: string;
  readonly desiredState: JobState;
}

/** Written by the engine leader, grouped in buckets under schedule/<machine>/<bucket>. */
export interface Assignment {
  readonly unit: string;
  readonly hash: string;
  /** What the agent must achieve: loaded (not started) or launched (running). */
  readonly desiredState: Exclude<JobState, "inactive">;
  /** Global units keep running when their agent loses its lease (design.md). */
  readonly global: boolean;
}

/** Reported by the agent under states/<machine>/<unit>; fleet's UnitState. */
export interface UnitStateRecord {
  readonly name: string;
  readonly hash: string;
  readonly machineID: string;
  readonly systemdLoadState: string;
  readonly systemdActiveState: string;
  readonly systemdSubState: string;
}

export interface UnschedulableRecord {
  readonly unit: string;
  readonly reason: string;
}

type Obj = Record<string, unknown>;

function parseObject(text: string): Obj | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
  } catch {
    return undefined;
  }
}

const isStr = (v: unknown): v is string => typeof v === "string";

export function isStringMap(v: unknown): v is Record<string, string> {
  return v !== null && typeof v === "object" && !Array.isArray(v) && Object.values(v as Obj).every(isStr);
}

export function isUnitOptionList(v: unknown): v is UnitOption[] {
  return (
    Array.isArray(v) &&
    v.every((o) => o !== null && typeof o === "object" && isStr(o.section) && isStr(o.name) && isStr(o.value))
  );
}

export function decodeMachine(text: string): MachineRecord | undefined {
  const o = parseObject(text);
  if (!o || !isStr(o.id) || !isStr(o.name) || !isStr(o.primaryIP) || !isStringMap(o.metadata)) return undefined;
  if (o.role !== "control" && o.role !== "worker" && o.role !== "both") return undefined;
  if (!isStr(o.version) || typeof o.registeredAt !== "number") return undefined;
  return o as unknown as MachineRecord;
}

export function decodeUnit(text: string): UnitRecord | undefined {
  const o = parseObject(text);
  if (!o || !isStr(o.name) || !isStr(o.hash) || !isJobState(o.desiredState) || !isUnitOptionList(o.options)) return undefined;
  return o as unknown as UnitRecord;
}

export function decodeAssignment(text: string): Assignment | undefined {
  return checkAssignment(parseObject(text));
}

function checkAssignment(o: Record<string, unknown> | undefined): Assignment | undefined {
  if (!o || !isStr(o.unit) || !isStr(o.hash) || typeof o.global !== "boolean") return undefined;
  if (o.desiredState !== "loaded" && o.desiredState !== "launched") return undefined;
  return o as unknown as Assignment;
}

/**
 * A machine's assignments are kept in SCHEDULE_BUCKETS bucket records,
 * schedule/<machine>/<bucket>, each {"assignments":[Assignment, ...]} sorted by unit
 * name. Grouping is what makes a deployment cheap: 2,000 units on 10 machines are 160
 * keys — 160 watch events on every server, a few transactions — not 2,000. A change
 * to one unit rewrites only its bucket (1/16 of the machine's assignments).
 * bucketOf() is part of the stored format: changing it moves every unit.
 */
export const SCHEDULE_BUCKETS = 16;

/** The bucket of a unit: FNV-1a (32 bit) of its name, modulo 16, as one hex digit. */
export function bucketOf(unit: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < unit.length; i++) {
    h ^= unit.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((h >>> 0) % SCHEDULE_BUCKETS).toString(16);
}

export function isBucketName(s: string): boolean {
  return /^[0-9a-f]$/.test(s);
}

/** A bucket record from Assignment texts already sorted by unit name. */
export function encodeBucket(assignmentTexts: readonly string[]): string {
  return `{"assignments":[${assignmentTexts.join(",")}]}`;
}

/** A bucket's assignments; undefined when the record or any entry in it is malformed. */
export function decodeBucket(text: string): Assignment[] | undefined {
  return decodeList(text, "assignments", checkAssignment);
}

/** The list under `field` of a bucket record, each entry checked; undefined if any fails. */
function decodeList<T>(text: string, field: string, check: (o: Record<string, unknown>) => T | undefined): T[] | undefined {
  const o = parseObject(text);
  const list = o?.[field];
  if (!Array.isArray(list)) return undefined;
  const out: T[] = [];
  for (const entry of list as unknown[]) {
    const v = entry !== null && typeof entry === "object" && !Array.isArray(entry) ? check(entry as Record<string, unknown>) : undefined;
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

export function decodeUnitState(text: string): UnitStateRecord | undefined {
  return checkUnitState(parseObject(text));
}

function checkUnitState(o: Record<string, unknown> | undefined): UnitStateRecord | undefined {
  if (!o || !isStr(o.name) || !isStr(o.hash) || !isStr(o.machineID)) return undefined;
  if (!isStr(o.systemdLoadState) || !isStr(o.systemdActiveState) || !isStr(o.systemdSubState)) return undefined;
  return o as unknown as UnitStateRecord;
}

/**
 * A machine's reported states, grouped like its assignments: states/<machine>/<bucket>
 * holds {"states":[UnitStateRecord, ...]} for the units of that bucket (bucketOf),
 * sorted by name. A report rewrites only the buckets whose text changed.
 */
export function encodeStateBucket(stateTexts: readonly string[]): string {
  return `{"states":[${stateTexts.join(",")}]}`;
}

/** A state bucket's records; undefined when it or any entry in it is malformed. */
export function decodeStateBucket(text: string): UnitStateRecord[] | undefined {
  return decodeList(text, "states", checkUnitState);
}

export function decodeMetadata(text: string): Record<string, string> | undefined {
  const o = parseObject(text);
  return o && isStringMap(o) ? o : undefined;
}

export function decodeUnschedulable(text: string): UnschedulableRecord | undefined {
  const o = parseObject(text);
  return o && isStr(o.unit) && isStr(o.reason) ? (o as unknown as UnschedulableRecord) : undefined;
}
