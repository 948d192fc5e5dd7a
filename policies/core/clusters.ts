// Clusters as the stack declares them: machines grouped by their `hafen:cluster` tag
// (or, untagged, by the discovery URL their settings name), plus what Cluster components
// state. Machines whose role is neither tagged nor in their settings are not part of any
// cluster. Launch templates describe machines but are not machines: never counted.
import { clusterFacts, type ClusterFacts } from "./hafen-components";
import { inspect, type HafenSettingsView } from "./inspect";
import { machineOf, type MachineView, type Role } from "./machines";
import type { ResourceView } from "./policy";
import { TYPES } from "./types";

export interface ClusterMachine {
  readonly resource: ResourceView;
  readonly machine: MachineView;
  readonly role: Role;
  /** Hafen settings from its user data, when known. */
  readonly settings?: HafenSettingsView;
}

export interface ClusterView {
  readonly name: string;
  readonly machines: readonly ClusterMachine[];
  /** The Cluster component of that name, when the stack has one. */
  readonly component?: { readonly resource: ResourceView; readonly facts: ClusterFacts };
}

export const isControl = (m: ClusterMachine) => m.role === "control" || m.role === "both";

function settingsOf(m: MachineView): HafenSettingsView | undefined {
  return m.userData.state === "known" ? inspect(m.userData.value, m.userData.given).settings : undefined;
}

export function clustersOf(resources: readonly ResourceView[]): ClusterView[] {
  const byName = new Map<string, { machines: ClusterMachine[]; component?: ClusterView["component"] }>();
  const entry = (name: string) => byName.get(name) ?? byName.set(name, { machines: [] }).get(name)!;
  for (const r of resources) {
    if (r.type === TYPES.hafenCluster) {
      const facts = clusterFacts(r.name, r.props);
      entry(facts.name).component = { resource: r, facts };
      continue;
    }
    const machine = machineOf(r.type, r.props);
    if (!machine || machine.kind !== "instance") continue;
    const settings = settingsOf(machine);
    const role = machine.role ?? settings?.role;
    const name = machine.cluster ?? (settings?.discovery ? `discovery ${settings.discovery}` : undefined);
    if (!role || !name) continue;
    entry(name).machines.push({ resource: r, machine, role, ...(settings && { settings }) });
  }
  return [...byName.entries()].map(([name, e]) => ({ name, machines: e.machines, ...(e.component && { component: e.component }) }));
}

/** Control machines counted from the machines, else from the component's controlCount. */
export function controlCount(c: ClusterView): { readonly count: number; readonly from: "machines" | "component" } | undefined {
  const control = c.machines.filter(isControl).length;
  if (c.machines.length > 0) return { count: control, from: "machines" };
  const declared = c.component?.facts.controlCount;
  return declared === undefined ? undefined : { count: declared, from: "component" };
}

export function names(ms: readonly ClusterMachine[], max = 6): string {
  const list = ms.map((m) => m.resource.name);
  return list.length <= max ? list.join(", ") : `${list.slice(0, max).join(", ")} and ${list.length - max} more`;
}
