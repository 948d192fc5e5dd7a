// The cluster's keyspace in the store. Everything Hafen keeps lives under one root so a
// shared etcd can hold several clusters. Layout (values are JSON, see records.ts):
//
//   <root>/machines/<machineId>             MachineRecord, attached to the machine's lease
//   <root>/metadata/<machineId>             MetadataOverrides set through PATCH /machines;
//                                           outlive the machine (fleet semantics)
//   <root>/units/<unitName>                 UnitRecord: options, hash, desiredState
//   <root>/schedule/<machineId>/<bucket>    the machine's assignments whose unit names
//                                           fall in bucket 0..f (records.ts bucketOf),
//                                           written by the engine leader only
//   <root>/unschedulable/<unitName>         why the engine could not place a unit
//   <root>/states/<machineId>/<bucket>      the UnitStateRecords the agent reported for
//                                           the units of that bucket, attached to the
//                                           machine's lease
//   <root>/credentials/<machineId>          sha256 of the machine's own API token
//   <root>/engine/leader                    the engine leader's lease-bound key
//
// Assignments are keyed by machine first so one prefix watch serves one agent: an agent
// wakes only for its own changes (fleet's agents all watched one job tree).

import { bucketOf } from "./records";

export const DEFAULT_ROOT = "/hafen";

export interface Keyspace {
  readonly root: string;
  readonly machines: string;
  readonly metadata: string;
  readonly units: string;
  readonly schedule: string;
  readonly unschedulable: string;
  readonly states: string;
  readonly credentials: string;
  readonly leader: string;
  machine(id: string): string;
  machineMetadata(id: string): string;
  unit(name: string): string;
  machineSchedule(machineId: string): string;
  /** The bucket record holding `unit`'s assignment on the machine. */
  assignment(machineId: string, unit: string): string;
  scheduleBucket(machineId: string, bucket: string): string;
  unschedulableUnit(name: string): string;
  machineStates(machineId: string): string;
  /** The bucket record holding `unit`'s state on the machine. */
  unitState(machineId: string, unit: string): string;
  credential(machineId: string): string;
}

export function keyspace(root = DEFAULT_ROOT): Keyspace {
  const r = root.replace(/\/+$/, "");
  const ks = {
    root: r,
    machines: `${r}/machines/`,
    metadata: `${r}/metadata/`,
    units: `${r}/units/`,
    schedule: `${r}/schedule/`,
    unschedulable: `${r}/unschedulable/`,
    states: `${r}/states/`,
    credentials: `${r}/credentials/`,
    leader: `${r}/engine/leader`,
  };
  return {
    ...ks,
    machine: (id) => ks.machines + id,
    machineMetadata: (id) => ks.metadata + id,
    unit: (name) => ks.units + name,
    machineSchedule: (id) => `${ks.schedule}${id}/`,
    assignment: (id, unit) => `${ks.schedule}${id}/${bucketOf(unit)}`,
    scheduleBucket: (id, bucket) => `${ks.schedule}${id}/${bucket}`,
    unschedulableUnit: (name) => ks.unschedulable + name,
    machineStates: (id) => `${ks.states}${id}/`,
    unitState: (id, unit) => `${ks.states}${id}/${bucketOf(unit)}`,
    credential: (id) => ks.credentials + id,
  };
}

/** Splits `<prefix><a>/<b>` into [a, b]; undefined when the key has another shape. */
export function splitPair(key: string, prefix: string): [string, string] | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const rest = key.slice(prefix.length);
  const slash = rest.indexOf("/");
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  return [rest.slice(0, slash), rest.slice(slash + 1)];
}
