// Which traffic each pool's firewall lets in, derived from the pools' roles and
// providers. Pure: the pools turn these rules into security-group rules, firewall
// rules or nothing (vSphere, local), and tests check the derivation directly.
//
//   ssh   22         from the operator CIDRs
//   api   7480       control pools: from every cluster machine and the operator CIDRs
//                    (0.0.0.0/0 and ::/0 only with publicApi, documented as unsafe)
//   agent 7481       every pool: from the control machines (servers relay journals)
//   etcd  2379-2380  control pools with store etcd: from the control machines
// A source on the same provider is the peer pool itself (security group, tag or remote
// group: private addresses); on another provider it is the peer's public addresses,
// because etcd peers stay inside one provider's network and everything else crosses
// clouds over HTTPS.
import type { StoreKind } from "../../machine";
import { PORTS } from "./defaults";
import type { PoolProvider, PoolRole } from "./types";

export type PortName = "ssh" | "api" | "agent" | "etcd";

export const PORT_RANGES: Readonly<Record<PortName, { readonly from: number; readonly to: number }>> = {
  ssh: { from: PORTS.ssh, to: PORTS.ssh },
  api: { from: PORTS.api, to: PORTS.api },
  agent: { from: PORTS.agent, to: PORTS.agent },
  etcd: { from: PORTS.etcdClient, to: PORTS.etcdPeer },
};

export type RuleSource =
  /** An address range (operator CIDRs, or the whole internet with publicApi). */
  | { readonly kind: "cidr"; readonly cidr: string }
  /** The members of pool `pool` on the same provider (may be the target itself). */
  | { readonly kind: "pool"; readonly pool: number }
  /** The public addresses of pool `pool`, on another provider. */
  | { readonly kind: "public-ips"; readonly pool: number };

export interface Rule {
  readonly target: number;
  readonly port: PortName;
  readonly source: RuleSource;
}

export interface PoolShape {
  readonly provider: PoolProvider;
  readonly role: PoolRole;
  readonly operatorCidrs: readonly string[];
}

export interface FirewallOptions {
  readonly store: StoreKind;
  readonly publicApi: boolean;
}

export const PUBLIC_CIDRS = ["0.0.0.0/0", "::/0"] as const;

const isControl = (p: PoolShape) => p.role !== "worker";

function peer(pools: readonly PoolShape[], target: number, from: number): RuleSource {
  return pools[from]!.provider === pools[target]!.provider ? { kind: "pool", pool: from } : { kind: "public-ips", pool: from };
}

function rulesFor(pools: readonly PoolShape[], t: number, opts: FirewallOptions): Rule[] {
  const target = pools[t]!;
  const out: Rule[] = [];
  const add = (port: PortName, source: RuleSource) => out.push({ target: t, port, source });
  for (const cidr of target.operatorCidrs) add("ssh", { kind: "cidr", cidr });
  pools.forEach((p, s) => {
    if (isControl(p)) add("agent", peer(pools, t, s));
  });
  if (!isControl(target)) return out;
  pools.forEach((_, s) => add("api", peer(pools, t, s)));
  for (const cidr of target.operatorCidrs) add("api", { kind: "cidr", cidr });
  if (opts.publicApi) for (const cidr of PUBLIC_CIDRS) add("api", { kind: "cidr", cidr });
  if (opts.store === "etcd") {
    pools.forEach((p, s) => {
      if (isControl(p) && p.provider === target.provider) add("etcd", { kind: "pool", pool: s });
    });
  }
  return out;
}

/** Every ingress rule of every pool, grouped by target pool in pool order. */
export function firewallRules(pools: readonly PoolShape[], opts: FirewallOptions): Rule[] {
  return pools.flatMap((_, t) => rulesFor(pools, t, opts));
}

/** Rules a pool can make alone: sources that are address ranges or the pool itself. */
export function ownRules(rules: readonly Rule[], target: number): Rule[] {
  return rules.filter((r) => r.target === target && (r.source.kind === "cidr" || r.source.pool === target));
}

/** Rules that need another pool's outputs (its group or its public addresses). */
export function peerRules(rules: readonly Rule[], target: number): Rule[] {
  return rules.filter((r) => r.target === target && r.source.kind !== "cidr" && r.source.pool !== target);
}

/** Stable short name of a rule for resource names: "api-from-pool-2", "ssh-10-0-0-0-8". */
export function ruleName(r: Rule, poolNames: readonly string[]): string {
  switch (r.source.kind) {
    case "cidr":
      return `${r.port}-${r.source.cidr.includes(":") ? "v6-" : ""}${r.source.cidr.replace(/[^0-9a-fA-F]+/g, "-").replace(/^-+|-+$/g, "")}`;
    case "pool":
      return r.source.pool === r.target ? `${r.port}-self` : `${r.port}-from-${poolNames[r.source.pool]}`;
    case "public-ips":
      return `${r.port}-from-${poolNames[r.source.pool]}-public`;
    default: {
      const _never: never = r.source;
      return _never;
    }
  }
}
