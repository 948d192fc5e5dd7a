// The Cluster's pools: one NodePool child per pool argument, and the firewall rules
// that need two pools (a worker pool on another cloud reaching the control pool's API,
// the control pool reaching the workers' agent port, same-provider pools by group).
import type * as pulumi from "@pulumi/pulumi";
import { NodePool as AwsNodePool } from "./aws/node-pool";
import { clusterBareMetalPool } from "./baremetal/cluster-pool";
import type { NodePoolHandle, PeerRule, PoolContext } from "./common/context";
import { firewallRules, peerRules, type Rule } from "./common/firewall";
import type { ResolvedCluster } from "./common/validate";
import type { PoolArgs } from "./common/types";
import { NodePool as DigitalOceanNodePool } from "./digitalocean/node-pool";
import { NodePool as LocalNodePool } from "./local/node-pool";
import { NodePool as OpenStackNodePool } from "./openstack/node-pool";
import { NodePool as VsphereNodePool } from "./vsphere/node-pool";

/** Makes the NodePool child for one pool argument. */
export function makePool(self: pulumi.ComponentResource, c: ResolvedCluster, ctx: PoolContext | undefined, p: PoolArgs): NodePoolHandle {
  const name = `${c.name}-${p.name}`;
  const opts = { parent: self };
  if (p.provider === "local") return new LocalNodePool(name, { clusterName: c.name, pool: withoutProvider(p), metadata: { ...c.metadata }, leaseTtlSeconds: c.leaseTtlSeconds }, opts);
  if (!ctx) throw new Error(`internal: cloud pool ${p.name} without a cluster context`);
  switch (p.provider) {
    case "aws":
      return new AwsNodePool(name, { context: ctx, pool: withoutProvider(p) }, opts);
    case "digitalocean":
      return new DigitalOceanNodePool(name, { context: ctx, pool: withoutProvider(p) }, opts);
    case "openstack":
      return new OpenStackNodePool(name, { context: ctx, pool: withoutProvider(p) }, opts);
    case "vsphere":
      return new VsphereNodePool(name, { context: ctx, pool: withoutProvider(p) }, opts);
    case "baremetal":
      return clusterBareMetalPool(self, name, ctx, withoutProvider(p));
    default: {
      const _never: never = p;
      return _never;
    }
  }
}

function withoutProvider<T extends { provider: string }>(p: T): Omit<T, "provider"> {
  const { provider: _provider, ...rest } = p;
  return rest;
}

/** A cross-pool rule as the target pool applies it, sourced from the peer's outputs. */
export function peerRule(r: Rule, pools: readonly NodePoolHandle[]): PeerRule | undefined {
  const s = r.source;
  if (s.kind === "cidr") return undefined;
  const peer = pools[s.pool]!;
  if (s.kind === "pool") {
    // A same-provider pool without a managed firewall (vSphere) has nothing to reference.
    return peer.peerRef ? { port: r.port, source: { kind: "group", ref: peer.peerRef, name: peer.poolName } } : undefined;
  }
  return { port: r.port, source: { kind: "addresses", ips: peer.publicIps, name: peer.poolName } };
}

/** Adds every rule that needs another pool's outputs. */
export function wirePeers(c: ResolvedCluster, pools: readonly NodePoolHandle[]): void {
  const shapes = c.pools.map((p) => ({ provider: p.provider, role: p.provider === "local" ? ("both" as const) : p.role, operatorCidrs: (p.provider === "local" ? [] : p.operatorCidrs) ?? c.operatorCidrs }));
  const rules = firewallRules(shapes, { store: c.store, publicApi: c.publicApi });
  pools.forEach((pool, t) => {
    const wanted = peerRules(rules, t)
      .map((r) => peerRule(r, pools))
      .filter((r): r is PeerRule => r !== undefined);
    if (wanted.length) pool.allowPeers(wanted);
  });
}
