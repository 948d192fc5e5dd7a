// The multi-language face of the components (Pulumi's source-based component plugin).
// Pulumi's schema analyzer accepts only interfaces, named string unions, arrays and
// maps, and one class per name in the `hafen:index:` module, so:
//   - Cluster takes `pools` as flat PoolSpec entries (provider + one settings block)
//     instead of TypeScript's discriminated union, and builds exactly what the
//     TypeScript Cluster builds (same token, same children);
//   - the pools are AwsNodePool, DigitalOceanNodePool, … (`hafen:index:AwsNodePool`), each
//     building what `hafen:<provider>:NodePool` builds;
//   - DiscoveryToken and Unit are the TypeScript classes themselves.
// Everything this module exports that is a ComponentResource becomes part of the schema.
import * as pulumi from "@pulumi/pulumi";
import { buildAwsPool } from "../aws/node-pool";
import { buildCluster, clusterFacts, clusterOutputs, resolveCluster } from "../cluster";
import { checkPoolArgs } from "../common/pool-args";
import type { PoolContext } from "../common/context";
import type {
  AwsPool,
  AwsPoolSettings,
  ClientConfigOutput,
  ClusterSettings,
  DigitalOceanPool,
  DigitalOceanPoolSettings,
  LocalPoolSettings,
  MachineInfo,
  OpenStackPool,
  OpenStackPoolSettings,
  PoolRole,
  VspherePool,
  VspherePoolSettings,
} from "../common/types";
import { buildDigitalOceanPool } from "../digitalocean/node-pool";
import { NodePool as LocalPool, type LocalNodePoolArgs } from "../local/node-pool";
import { buildOpenStackPool } from "../openstack/node-pool";
import { buildVspherePool } from "../vsphere/node-pool";
import { toPoolArgs } from "./pool-spec";
import { problem, refuse } from "../common/problems";
import { isRecord } from "../common/read";

export { DiscoveryToken } from "../discovery/token";
export { Unit } from "../unit/unit";

/**
 * Providers a PoolSpec can name. Bare-metal pools are TypeScript-only for now: their
 * image and machine lists use shapes (a union of image kinds, readonly lists) the schema
 * analyzer does not take.
 */
export const PoolProvider = { Aws: "aws", DigitalOcean: "digitalocean", OpenStack: "openstack", Vsphere: "vsphere", Local: "local" } as const;
export type PoolProvider = (typeof PoolProvider)[keyof typeof PoolProvider];

/** Local pool settings in a PoolSpec (name and count are the spec's). */
export interface LocalPoolExtras {
  /** Machines that run the API server: 1 or an odd number ≥ 3. Default 1. */
  control?: number;
  /** Directory holding the machines. Default ~/.hafen/pulumi/<project>-<stack>-<cluster>. */
  dir?: string;
}

/** One node pool: its provider and that provider's settings block (the others absent). */
export interface PoolSpec {
  /** Which provider the pool runs on; its settings go in the block of the same name. */
  provider: PoolProvider;
  /** Pool name: lowercase letters, digits and inner "-", unique in the cluster. */
  name: string;
  /** "control", "worker" or "both". Required for cloud pools; local pools mix roles (see local.control). */
  role?: PoolRole;
  /** Machines in the pool. */
  count: number;
  /** fleet metadata for the pool's machines. */
  metadata?: Record<string, string>;
  /** Overrides the cluster's operatorCidrs for this pool. */
  operatorCidrs?: string[];
  aws?: AwsPoolSettings;
  digitalocean?: DigitalOceanPoolSettings;
  openstack?: OpenStackPoolSettings;
  vsphere?: VspherePoolSettings;
  local?: LocalPoolExtras;
}

export interface ClusterArgs extends ClusterSettings {
  /** Node pools; together they hold 1 or an odd number ≥ 3 of control machines. */
  pools: PoolSpec[];
}

function refuseBareMetal(pools: unknown): void {
  if (!Array.isArray(pools)) return;
  const problems = pools.flatMap((p: unknown, i) =>
    isRecord(p) && p["provider"] === "baremetal" ? [problem("unknown-provider", ["pools", i, "provider"], "baremetal", 'bare-metal pools are available from TypeScript only (hafen.Cluster with {provider: "baremetal", …}); use aws, digitalocean, openstack, vsphere or local here')] : [],
  );
  refuse("hafen:index:Cluster", problems);
}

/** A Hafen cluster (see the TypeScript Cluster for every argument's default and conflicts). */
export class Cluster extends pulumi.ComponentResource {
  /** API endpoints (https://ADDRESS:7480) of the control machines. */
  declare public readonly endpoints: pulumi.Output<string[]>;
  /** The discovery token URL (secret). */
  declare public readonly discoveryUrl: pulumi.Output<string>;
  /** Every machine: name, provider, pool, role, public and private address. */
  declare public readonly machines: pulumi.Output<MachineInfo[]>;
  /** What `hafen --config FILE` reads: endpoint, token, ca (secret). */
  declare public readonly clientConfig: pulumi.Output<ClientConfigOutput>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    refuseBareMetal(args?.pools);
    const resolved = resolveCluster(name, { ...args, pools: toPoolArgs(args?.pools) });
    super("hafen:index:Cluster", name, clusterFacts(resolved), opts);
    const parts = buildCluster(this, resolved);
    this.endpoints = parts.endpoints;
    this.discoveryUrl = parts.discoveryUrl;
    this.machines = parts.machines;
    this.clientConfig = parts.clientConfig;
    this.registerOutputs(clusterOutputs(resolved, parts));
  }
}

export interface AwsNodePoolArgs {
  /** The cluster this pool joins. */
  context: PoolContext;
  pool: AwsPool;
}

/** EC2 machines of one Hafen cluster pool. */
export class AwsNodePool extends pulumi.ComponentResource {
  declare public readonly machines: pulumi.Output<MachineInfo[]>;
  constructor(name: string, args: AwsNodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    checkPoolArgs("hafen:index:AwsNodePool", "aws", args);
    super("hafen:index:AwsNodePool", name, {}, opts);
    this.machines = buildAwsPool(this, args).machines;
    this.registerOutputs({ machines: this.machines });
  }
}

export interface DigitalOceanNodePoolArgs {
  /** The cluster this pool joins. */
  context: PoolContext;
  pool: DigitalOceanPool;
}

/** DigitalOcean Droplets of one Hafen cluster pool. */
export class DigitalOceanNodePool extends pulumi.ComponentResource {
  declare public readonly machines: pulumi.Output<MachineInfo[]>;
  constructor(name: string, args: DigitalOceanNodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    checkPoolArgs("hafen:index:DigitalOceanNodePool", "digitalocean", args);
    super("hafen:index:DigitalOceanNodePool", name, {}, opts);
    this.machines = buildDigitalOceanPool(this, args).machines;
    this.registerOutputs({ machines: this.machines });
  }
}

export interface OpenStackNodePoolArgs {
  /** The cluster this pool joins. */
  context: PoolContext;
  pool: OpenStackPool;
}

/** OpenStack instances of one Hafen cluster pool. */
export class OpenStackNodePool extends pulumi.ComponentResource {
  declare public readonly machines: pulumi.Output<MachineInfo[]>;
  constructor(name: string, args: OpenStackNodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    checkPoolArgs("hafen:index:OpenStackNodePool", "openstack", args);
    super("hafen:index:OpenStackNodePool", name, {}, opts);
    this.machines = buildOpenStackPool(this, args).machines;
    this.registerOutputs({ machines: this.machines });
  }
}

export interface VsphereNodePoolArgs {
  /** The cluster this pool joins. */
  context: PoolContext;
  pool: VspherePool;
}

/** vSphere VMs of one Hafen cluster pool. */
export class VsphereNodePool extends pulumi.ComponentResource {
  declare public readonly machines: pulumi.Output<MachineInfo[]>;
  constructor(name: string, args: VsphereNodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    checkPoolArgs("hafen:index:VsphereNodePool", "vsphere", args);
    super("hafen:index:VsphereNodePool", name, {}, opts);
    this.machines = buildVspherePool(this, args).machines;
    this.registerOutputs({ machines: this.machines });
  }
}

export interface LocalNodePoolSpec {
  /** Cluster name (names the default directory). */
  clusterName: string;
  pool: LocalPoolSettings;
  /** Cluster-wide fleet metadata. */
  metadata?: Record<string, string>;
  /** Machine lease TTL in seconds. Default 5. */
  leaseTtlSeconds?: number;
}

/** Machines on this computer through the runtime's launcher. */
export class LocalNodePool extends pulumi.ComponentResource {
  declare public readonly machines: pulumi.Output<MachineInfo[]>;
  /** API base URL on 127.0.0.1. */
  declare public readonly endpoint: pulumi.Output<string>;
  /** Admin token (secret). */
  declare public readonly adminToken: pulumi.Output<string>;
  constructor(name: string, args: LocalNodePoolSpec, opts?: pulumi.ComponentResourceOptions) {
    super("hafen:index:LocalNodePool", name, {}, opts);
    const pool = new LocalPool(name, args as LocalNodePoolArgs, { parent: this });
    this.machines = pool.machines;
    this.endpoint = pool.endpoint;
    this.adminToken = pool.adminToken;
    this.registerOutputs({ machines: this.machines, endpoint: this.endpoint, adminToken: this.adminToken });
  }
}
