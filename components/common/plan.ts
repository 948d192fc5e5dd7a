// The cluster's shape as plain data: which machines exist, their names, roles and fleet
// metadata, how many run the API server, which store they use. Pure; validation and
// every pool start from here, so names and metadata are decided in one place.
import type { MachineRole, StoreKind } from "../../machine";
import type { PoolArgs, PoolProvider } from "./types";

export interface MachinePlan {
  readonly poolIndex: number;
  readonly pool: string;
  readonly provider: PoolProvider;
  /** 1-based position in the pool. */
  readonly index: number;
  /** `<cluster>-<pool>-<index>` (bare metal: `<cluster>-<pool>-<machine name>`); also the machine's name in the cluster. */
  readonly hostname: string;
  readonly role: MachineRole;
  /** Cluster metadata, then pool metadata, then Hafen's own keys (provider, pool, role, region, zone). */
  readonly metadata: Readonly<Record<string, string>>;
}

/** Metadata keys Hafen sets on every machine; users may not set them. */
export const RESERVED_METADATA = ["provider", "pool", "role", "region", "zone"] as const;

export function hostnameOf(cluster: string, pool: string, index: number | string): string {
  return `${cluster}-${pool}-${index}`;
}

/** Machines in a pool: counted, or listed (bare metal). */
export function poolSize(p: PoolArgs): number {
  return p.provider === "baremetal" ? p.machines.length : p.count;
}

/** Machines of one pool that run the API server. */
export function poolControlCount(p: PoolArgs): number {
  if (p.provider === "local") return p.control ?? 1;
  return p.role === "worker" ? 0 : poolSize(p);
}

export function controlCount(pools: readonly PoolArgs[]): number {
  return pools.reduce((n, p) => n + poolControlCount(p), 0);
}

/** embedded for one control machine, etcd (a Raft quorum) for more. */
export function defaultStore(control: number): StoreKind {
  return control <= 1 ? "embedded" : "etcd";
}

/** region/zone as far as the pool's arguments tell them. */
function placement(p: PoolArgs, index: number): Record<string, string> {
  switch (p.provider) {
    case "aws": {
      const zones = p.availabilityZones ?? [];
      const zone = zones.length ? zones[(index - 1) % zones.length] : undefined;
      return { ...(p.region && { region: p.region }), ...(zone && { zone }) };
    }
    case "digitalocean":
      return { region: p.region };
    case "openstack":
      return { ...(p.region && { region: p.region }), ...(p.availabilityZone && { zone: p.availabilityZone }) };
    case "vsphere":
      return { region: p.datacenter };
    case "baremetal":
    case "local":
      return {};
    default: {
      const _never: never = p;
      return _never;
    }
  }
}

export function poolRole(p: PoolArgs): MachineRole {
  return p.provider === "local" ? "both" : p.role;
}

/** The machines of pool `poolIndex`, in order. */
export function poolMachines(cluster: string, poolIndex: number, p: PoolArgs, clusterMetadata: Readonly<Record<string, string>> = {}): MachinePlan[] {
  const role = poolRole(p);
  return Array.from({ length: poolSize(p) }, (_, i) => {
    const index = i + 1;
    // Local machines get their roles from the launcher, so no role key there.
    const own = { provider: p.provider, pool: p.name, ...(p.provider !== "local" && { role }), ...placement(p, index) };
    const metadata = { ...clusterMetadata, ...(p.metadata ?? {}), ...own };
    const hostname = hostnameOf(cluster, p.name, p.provider === "baremetal" ? p.machines[i]!.name : index);
    return { poolIndex, pool: p.name, provider: p.provider, index, hostname, role, metadata };
  });
}
