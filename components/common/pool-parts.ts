// Pieces every node pool shares: its machine plan, its own firewall rules, and the
// outputs the Cluster reads. A pool module supplies only what its provider does.
import * as pulumi from "@pulumi/pulumi";
import type { NodePoolHandle, PoolContext, PeerRule } from "./context";
import { firewallRules, ownRules, type Rule } from "./firewall";
import { poolMachines, type MachinePlan } from "./plan";
import type { MachineInfo, PoolArgs, PoolProvider, PoolRole } from "./types";

/** What a pool's build function returns; the pool component copies it onto itself. */
export interface PoolParts {
  readonly machines: pulumi.Output<MachineInfo[]>;
  readonly publicIps: pulumi.Output<string>[];
  readonly privateIps: pulumi.Output<string>[];
  readonly peerRef?: pulumi.Output<string>;
  allowPeers(rules: readonly PeerRule[]): void;
}

export function planPool(ctx: PoolContext, pool: PoolArgs): MachinePlan[] {
  return poolMachines(ctx.clusterName, 0, pool, ctx.metadata ?? {});
}

/** Ingress rules the pool makes by itself: SSH and API from the operators, its own members. */
export function ownPoolRules(ctx: PoolContext, pool: { role: PoolRole; provider: PoolProvider; operatorCidrs?: string[] }): Rule[] {
  const shape = { provider: pool.provider, role: pool.role, operatorCidrs: pool.operatorCidrs ?? ctx.operatorCidrs };
  return ownRules(firewallRules([shape], { store: ctx.store, publicApi: ctx.publicApi }), 0);
}

export function machineInfos(plan: readonly MachinePlan[], publicIps: readonly pulumi.Output<string>[], privateIps: readonly pulumi.Output<string>[]): pulumi.Output<MachineInfo[]> {
  return pulumi.all([pulumi.all([...publicIps]), pulumi.all([...privateIps])]).apply(([pub, priv]): MachineInfo[] =>
    plan.map((m, i) => ({ name: m.hostname, provider: m.provider, pool: m.pool, role: m.role, publicIp: pub[i] ?? "", privateIp: priv[i] ?? "" })),
  );
}

export type { NodePoolHandle };
