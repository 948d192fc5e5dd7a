// `hafen:index:Cluster`: node pools on any mix of clouds (or local machines), formed
// through discovery, secured with the cluster's CA and tokens, running the declared
// units. Everything is validated before the first child exists (components/common/
// validate.ts): a bad program fails at preview with every problem's field path.
import * as pulumi from "@pulumi/pulumi";
import { makePool, wirePeers } from "./cluster-pools";
import type { NodePoolHandle, PoolContext } from "./common/context";
import { PORTS, SEALED_CA_KEY_NAME } from "./common/defaults";
import { ComponentArgsError } from "./common/problems";
import { clusterCa } from "./common/tls";
import { clusterTokens } from "./common/tokens";
import type { ClientConfigOutput, ClusterArgs, MachineInfo } from "./common/types";
import { validateCluster, type ResolvedCluster } from "./common/validate";
import { poolSize } from "./common/plan";
import { DiscoveryToken } from "./discovery/token";
import { SealedSecret } from "./discovery/sealed";
import type { NodePool as LocalNodePool } from "./local/node-pool";
import { Unit } from "./unit/unit";

export const CLUSTER_TYPE = "hafen:index:Cluster";

/** What a Cluster (or the multi-language facade) exposes. */
export interface ClusterParts {
  readonly pools: NodePoolHandle[];
  readonly units: Unit[];
  readonly endpoints: pulumi.Output<string[]>;
  readonly discoveryUrl: pulumi.Output<string>;
  readonly machines: pulumi.Output<MachineInfo[]>;
  readonly clientConfig: pulumi.Output<ClientConfigOutput>;
}

function discoveryUrl(self: pulumi.ComponentResource, c: ResolvedCluster): pulumi.Output<string> {
  const d = c.discovery!;
  if (d.url !== undefined) return pulumi.secret(pulumi.output(d.url));
  return new DiscoveryToken(`${c.name}-discovery`, { service: d.service!, size: c.control, ...(d.ca && { ca: d.ca }) }, { parent: self }).url;
}

/**
 * The CA key, sealed with the bootstrap token, in the discovery service for the control
 * machines' first boot: the only way it leaves the stack (components/README.md "TLS").
 */
function sealedCaKey(self: pulumi.ComponentResource, c: ResolvedCluster, discovery: pulumi.Output<string>, caKey: pulumi.Output<string>, bootstrap: pulumi.Output<string>): SealedSecret {
  const ca = c.discovery?.ca;
  return new SealedSecret(
    `${c.name}-ca-key-sealed`,
    { discoveryUrl: discovery, name: SEALED_CA_KEY_NAME, plaintext: caKey, bootstrapToken: bootstrap, ttlSeconds: c.tls.sealedKeyTtlSeconds, ...(ca && { ca }) },
    { parent: self },
  );
}

function cloudContext(self: pulumi.ComponentResource, c: ResolvedCluster): { ctx: PoolContext; admin: pulumi.Output<string>; caCert: pulumi.Output<string>; discovery: pulumi.Output<string> } {
  const tokens = clusterTokens(c.name, self);
  const ca = clusterCa(c.name, c.tls.caValidityHours, self);
  const discovery = discoveryUrl(self, c);
  const sealed = sealedCaKey(self, c, discovery, ca.keyPem, tokens.bootstrap);
  const ctx: PoolContext = {
    clusterName: c.name,
    os: c.os,
    configFormat: c.format,
    store: c.store,
    sshAuthorizedKeys: [...c.sshAuthorizedKeys],
    metadata: { ...c.metadata },
    discoveryUrl: discovery,
    adminToken: tokens.admin,
    bootstrapToken: tokens.bootstrap,
    ...(c.bootstrapExpiresAt !== undefined && { bootstrapExpiresAt: c.bootstrapExpiresAt }),
    caCertPem: ca.certPem,
    runtime: c.runtime!,
    images: { ...c.images },
    leaseTtlSeconds: c.leaseTtlSeconds,
    operatorCidrs: [...c.operatorCidrs],
    publicApi: c.publicApi,
    machinesDependOn: [sealed],
  };
  return { ctx, admin: tokens.admin, caCert: ca.certPem, discovery };
}

/** API endpoints of the control machines: public address where there is one. */
function endpointsOf(machines: pulumi.Output<MachineInfo[]>): pulumi.Output<string[]> {
  return machines.apply((ms) => ms.filter((m) => m.role !== "worker").map((m) => `https://${m.publicIp || m.privateIp}:${PORTS.api}`));
}

function units(self: pulumi.ComponentResource, c: ResolvedCluster, config: pulumi.Output<ClientConfigOutput>, pools: NodePoolHandle[]): Unit[] {
  const dependsOn = pools as unknown as pulumi.Resource[];
  return c.units.map((u) => new Unit(`${c.name}-${u.name}`, { cluster: config, name: u.name, contents: u.contents, desiredState: u.desiredState ?? "launched" }, { parent: self, dependsOn }));
}

/** Builds every child of a validated cluster under `self`. */
export function buildCluster(self: pulumi.ComponentResource, c: ResolvedCluster): ClusterParts {
  if (c.local) {
    const pool = makePool(self, c, undefined, c.pools[0]!) as LocalNodePool;
    const clientConfig = pulumi.secret(pulumi.all([pool.endpoint, pool.adminToken]).apply(([endpoint, token]): ClientConfigOutput => ({ endpoint, token })));
    return { pools: [pool], units: units(self, c, clientConfig, [pool]), endpoints: pool.endpoint.apply((e) => [e]), discoveryUrl: pool.discoveryUrl, machines: pool.machines, clientConfig };
  }
  const { ctx, admin, caCert, discovery } = cloudContext(self, c);
  const pools = c.pools.map((p) => makePool(self, c, ctx, p));
  wirePeers(c, pools);
  const machines = pulumi.all(pools.map((p) => p.machines)).apply((lists) => lists.flat());
  const endpoints = endpointsOf(machines);
  const clientConfig = pulumi.secret(pulumi.all([endpoints, admin, caCert]).apply(([e, token, ca]): ClientConfigOutput => ({ endpoint: e[0] ?? "", token, ca })));
  return { pools, units: units(self, c, clientConfig, pools), endpoints, discoveryUrl: discovery, machines, clientConfig };
}

/**
 * What the Cluster registers as its inputs and, with the discovery URL, among its outputs:
 * the facts the policy pack reads (policies/core/hafen-components.ts). Nothing secret.
 */
export function clusterFacts(c: ResolvedCluster): pulumi.Inputs {
  return {
    name: c.name,
    controlCount: c.control,
    production: c.production,
    local: c.local,
    store: c.store,
    // Cloud machines get the CA certificate and issue their own keys at boot.
    tls: { enabled: !c.local },
    // A size only for a token the Cluster (or the local launcher) makes: a given URL's size is not known here.
    discovery: { managed: false, ...(c.discovery?.service !== undefined && { service: c.discovery.service }), ...((c.local || c.discovery?.service !== undefined) && { size: c.control }) },
    pools: c.pools.map((p) => ({ name: p.name, provider: p.provider, role: p.provider === "local" ? "both" : p.role, count: poolSize(p) })),
  };
}

/** The outputs a Cluster registers (facade and TypeScript class alike). */
export function clusterOutputs(c: ResolvedCluster, parts: ClusterParts): pulumi.Inputs {
  const facts = clusterFacts(c);
  return {
    ...facts,
    discovery: pulumi.all([parts.discoveryUrl]).apply(([url]) => ({ ...(facts["discovery"] as object), url })),
    endpoints: parts.endpoints,
    discoveryUrl: parts.discoveryUrl,
    machines: parts.machines,
    clientConfig: parts.clientConfig,
  };
}

/** Validates args for a cluster named `name`; throws one error naming every problem. */
export function resolveCluster(name: string, args: unknown): ResolvedCluster {
  const v = validateCluster(name, args);
  if (!v.ok) throw new ComponentArgsError(CLUSTER_TYPE, v.problems);
  return v.value;
}

/**
 * A Hafen cluster: `new Cluster("prod", { pools: [...], discovery: {service}, sshAuthorizedKeys, runtime })`.
 * See ClusterArgs for every argument, its default and what it conflicts with.
 */
export class Cluster extends pulumi.ComponentResource {
  /** API endpoints (https://ADDRESS:7480) of the control machines. */
  declare public readonly endpoints: pulumi.Output<string[]>;
  /** The discovery token URL (secret). */
  declare public readonly discoveryUrl: pulumi.Output<string>;
  /** Every machine: name, provider, pool, role, public and private address. */
  declare public readonly machines: pulumi.Output<MachineInfo[]>;
  /** What `hafen --config FILE` reads: {endpoint, token, ca} (secret). */
  declare public readonly clientConfig: pulumi.Output<ClientConfigOutput>;
  /** The NodePool children, in the order of `pools`. */
  readonly pools: readonly NodePoolHandle[];
  /** The Unit children, in the order of `units`. */
  readonly units: readonly Unit[];

  constructor(name: string, args: ClusterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const resolved = resolveCluster(name, args);
    super(CLUSTER_TYPE, name, clusterFacts(resolved), opts);
    const parts = buildCluster(this, resolved);
    this.pools = parts.pools;
    this.units = parts.units;
    this.endpoints = parts.endpoints;
    this.discoveryUrl = parts.discoveryUrl;
    this.machines = parts.machines;
    this.clientConfig = parts.clientConfig;
    this.registerOutputs(clusterOutputs(resolved, parts));
  }
}
