// The firewall derivation without Pulumi: worked examples, and properties that hold for
// any mix of pools (fast-check, bounded runs).
import fc from "fast-check";
import { firewallRules, ownRules, peerRules, PUBLIC_CIDRS, ruleName, type PoolShape, type Rule } from "../../components/common/firewall";

const view = (r: Rule) => `${r.target}:${r.port}<${r.source.kind === "cidr" ? r.source.cidr : `${r.source.kind}:${r.source.pool}`}`;

test("one control pool and a worker pool on another cloud", () => {
  const pools: PoolShape[] = [
    { provider: "aws", role: "control", operatorCidrs: ["198.51.100.0/24"] },
    { provider: "digitalocean", role: "worker", operatorCidrs: [] },
  ];
  expect(firewallRules(pools, { store: "etcd", publicApi: false }).map(view)).toEqual([
    "0:ssh<198.51.100.0/24",
    "0:agent<pool:0",
    "0:api<pool:0",
    "0:api<public-ips:1",
    "0:api<198.51.100.0/24",
    "0:etcd<pool:0",
    "1:agent<public-ips:0",
  ]);
});

test("the embedded store opens no etcd ports; publicApi opens only the API", () => {
  const pools: PoolShape[] = [{ provider: "aws", role: "both", operatorCidrs: [] }];
  const rules = firewallRules(pools, { store: "embedded", publicApi: true }).map(view);
  expect(rules).toEqual(["0:agent<pool:0", "0:api<pool:0", "0:api<0.0.0.0/0", "0:api<::/0"]);
});

test("rule names are stable and distinct", () => {
  const names = ["a", "b"];
  expect(ruleName({ target: 0, port: "api", source: { kind: "cidr", cidr: "0.0.0.0/0" } }, names)).toBe("api-0-0-0-0-0");
  expect(ruleName({ target: 0, port: "api", source: { kind: "cidr", cidr: "::/0" } }, names)).toBe("api-v6-0");
  expect(ruleName({ target: 0, port: "etcd", source: { kind: "pool", pool: 0 } }, names)).toBe("etcd-self");
  expect(ruleName({ target: 0, port: "agent", source: { kind: "public-ips", pool: 1 } }, names)).toBe("agent-from-b-public");
});

const shape = fc.record({
  provider: fc.constantFrom("aws" as const, "digitalocean" as const, "openstack" as const, "vsphere" as const),
  role: fc.constantFrom("control" as const, "worker" as const, "both" as const),
  operatorCidrs: fc.array(fc.constantFrom("10.0.0.0/8", "198.51.100.0/24", "2001:db8::/32"), { maxLength: 2 }),
});
const opts = fc.record({ store: fc.constantFrom("etcd" as const, "embedded" as const), publicApi: fc.boolean() });

test("properties: who may reach what", () => {
  fc.assert(
    fc.property(fc.array(shape, { minLength: 1, maxLength: 6 }), opts, (pools, o) => {
      const rules = firewallRules(pools, o);
      const control = (i: number) => pools[i]!.role !== "worker";
      for (const r of rules) {
        // The internet reaches nothing but the API, and only with publicApi.
        if (r.source.kind === "cidr" && (PUBLIC_CIDRS as readonly string[]).includes(r.source.cidr)) expect(r.port === "api" && o.publicApi).toBe(true);
        // etcd only between control pools of one provider, only with store etcd.
        if (r.port === "etcd") {
          expect(o.store).toBe("etcd");
          expect(r.source.kind).toBe("pool");
          if (r.source.kind === "pool") expect(control(r.source.pool) && control(r.target) && pools[r.source.pool]!.provider === pools[r.target]!.provider).toBe(true);
        }
        // Workers expose no API; the agent port admits only control machines.
        if (r.port === "api") expect(control(r.target)).toBe(true);
        if (r.port === "agent") expect(r.source.kind !== "cidr" && control(r.source.pool)).toBe(true);
        // Public addresses only across providers; groups only within one.
        if (r.source.kind === "public-ips") expect(pools[r.source.pool]!.provider).not.toBe(pools[r.target]!.provider);
        if (r.source.kind === "pool") expect(pools[r.source.pool]!.provider).toBe(pools[r.target]!.provider);
      }
      // Every control pool admits every pool to its API; every pool admits every control pool to its agent.
      pools.forEach((_, t) =>
        pools.forEach((__, s) => {
          if (control(t)) expect(rules.some((r) => r.target === t && r.port === "api" && r.source.kind !== "cidr" && r.source.pool === s)).toBe(true);
          if (control(s)) expect(rules.some((r) => r.target === t && r.port === "agent" && r.source.kind !== "cidr" && r.source.pool === s)).toBe(true);
        }),
      );
      // Own and peer rules split each pool's rules without overlap.
      pools.forEach((_, t) => {
        const mine = rules.filter((r) => r.target === t);
        expect(ownRules(rules, t).length + peerRules(rules, t).length).toBe(mine.length);
      });
    }),
    { numRuns: 300 },
  );
});
