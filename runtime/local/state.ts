// cluster.json: everything `local up` decided and started, so later commands (status,
// kill, start, down) act on exactly those processes — verified by pid and start time.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { ProcessRef } from "./processes";
import type { MachinePorts, ControlCount } from "./plan";

export interface LocalMachineState {
  readonly name: string;
  readonly id: string;
  readonly role: "both" | "worker";
  readonly ports: MachinePorts;
  readonly root: string;
  process?: ProcessRef;
}

export interface LocalClusterState {
  readonly version: 1;
  readonly dir: string;
  readonly control: ControlCount;
  readonly store: "embedded" | "etcd";
  readonly leaseTtlSeconds: number;
  readonly discovery: { readonly port: number; readonly url: string; process?: ProcessRef };
  readonly machines: LocalMachineState[];
  /** API endpoints of the control machines. */
  readonly endpoints: readonly string[];
  readonly createdAt: string;
}

export function readState(path: string): LocalClusterState | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is damaged (${(err as Error).message}); stop its processes by hand or remove the directory`);
  }
  const s = obj as Partial<LocalClusterState> | null;
  if (!s || s.version !== 1 || !Array.isArray(s.machines) || !s.discovery || !Array.isArray(s.endpoints)) {
    throw new Error(`${path} is not a Hafen local cluster state (version 1)`);
  }
  return s as LocalClusterState;
}

export function writeState(path: string, state: LocalClusterState): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}
