// The multi-language face under mocks: Pulumi's plugin runner finds exactly the eight
// components in components/plugin, and the facade Cluster, given flat PoolSpec entries,
// builds the same children as the TypeScript Cluster given the union form.
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import * as plugin from "../../components/plugin";
import { toPoolArgs } from "../../components/plugin/pool-spec";
import { Cluster } from "../../components/cluster";
import { childRecorder, installMocks, resolve } from "./mocks";
import { awsPool, clusterArgs, doPool } from "./fixtures";

installMocks();

/** A union-form pool as a flat PoolSpec: its provider's settings in the block of that name. */
const spec = (p: ReturnType<typeof awsPool> | ReturnType<typeof doPool>) => {
  const { provider, name, role, count, ...rest } = p;
  return { provider, name, role, count, [provider]: rest };
};

test("the plugin module exports the eight components and nothing else that Pulumi would serve", () => {
  expect(getPulumiComponents(plugin).map((c) => c.name).sort()).toEqual(["AwsNodePool", "Cluster", "DigitalOceanNodePool", "DiscoveryToken", "LocalNodePool", "OpenStackNodePool", "Unit", "VsphereNodePool"]);
});

test("PoolSpec → PoolArgs: the provider's block is lifted, the others dropped", () => {
  expect(toPoolArgs([{ provider: "aws", name: "a", role: "control", count: 1, aws: { ami: "x" }, digitalocean: { size: "s" } }])).toEqual([{ provider: "aws", name: "a", role: "control", count: 1, ami: "x" }]);
  expect(toPoolArgs([{ provider: "gcp", name: "a", count: 1 }])).toEqual([{ provider: "gcp", name: "a", count: 1 }]);
  expect(toPoolArgs("nope")).toBe("nope");
});

test("a PoolSpec without its provider's block is refused naming the missing fields", () => {
  expect(() => new plugin.Cluster("flat", { ...clusterArgs(), pools: [{ provider: "aws", name: "control", role: "control", count: 1 }] })).toThrow(/pools\[0\]\.instanceType: missing-field/);
});

test("bare-metal pools are refused by name in the multi-language Cluster (TypeScript only)", () => {
  expect(() => new plugin.Cluster("flat", { ...clusterArgs(), pools: [spec(awsPool()), { provider: "baremetal", name: "rack", role: "worker", count: 1 }] as never })).toThrow(
    /pools\[1\]\.provider: unknown-provider: bare-metal pools are available from TypeScript only/,
  );
});

test("facade and TypeScript Cluster build the same children", async () => {
  const a = childRecorder();
  const ts = new Cluster("same", clusterArgs({ pools: [awsPool(), doPool()] }), { transformations: a.transformations });
  await resolve(ts.machines);
  const tsChildren = a.children.map((c) => `${c.type} ${c.name}`);
  const b = childRecorder();
  const flat = new plugin.Cluster("same", { ...clusterArgs(), pools: [spec(awsPool()), spec(doPool())] as never }, { transformations: b.transformations });
  await resolve(flat.machines);
  expect(b.children.map((c) => `${c.type} ${c.name}`)).toEqual(tsChildren);
  expect(await resolve(flat.machines)).toEqual(await resolve(ts.machines));
});
