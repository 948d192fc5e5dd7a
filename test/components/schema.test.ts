// The multi-language schema: Pulumi's analyzer reads components/plugin's TypeScript and
// must list the Cluster, DiscoveryToken, Unit and every pool, with their inputs typed.
// (The analyzer type-checks the whole program, cloud typings included: this file is slow.)
import { hafenComponentProvider } from "../../components/provider";

interface Schema {
  name: string;
  resources: Record<string, { isComponent?: boolean; inputProperties: Record<string, { type?: string; $ref?: string; items?: unknown; description?: string }>; requiredInputs?: string[]; properties: Record<string, unknown> }>;
  types: Record<string, { type: string; enum?: { value: string }[]; properties?: Record<string, unknown> }>;
}

let schema: Schema;
beforeAll(async () => {
  schema = JSON.parse(await hafenComponentProvider().getSchema()) as Schema;
}, 120_000);

test("lists the Cluster, DiscoveryToken, Unit and the pools as components", () => {
  expect(schema.name).toBe("hafen");
  expect(Object.keys(schema.resources).sort()).toEqual(
    ["Cluster", "DiscoveryToken", "Unit", "AwsNodePool", "DigitalOceanNodePool", "OpenStackNodePool", "VsphereNodePool", "LocalNodePool"].map((c) => `hafen:index:${c}`).sort(),
  );
  expect(Object.values(schema.resources).every((r) => r.isComponent)).toBe(true);
});

test("Cluster inputs: pools as PoolSpec entries, enums for the closed sets, documented", () => {
  const c = schema.resources["hafen:index:Cluster"]!;
  expect(c.requiredInputs).toEqual(["pools"]);
  expect(c.inputProperties["pools"]).toMatchObject({ type: "array", items: { $ref: "#/types/hafen:index:PoolSpec" } });
  expect(c.inputProperties["os"]!.$ref).toBe("#/types/hafen:index:OsFamily");
  expect(schema.types["hafen:index:OsFamily"]!.enum!.map((e) => e.value)).toEqual(["flatcar", "fedora-coreos"]);
  expect(schema.types["hafen:index:PoolProvider"]!.enum!.map((e) => e.value).sort()).toEqual(["aws", "digitalocean", "local", "openstack", "vsphere"]);
  expect(Object.keys(schema.types["hafen:index:PoolSpec"]!.properties!).sort()).toEqual(["aws", "count", "digitalocean", "local", "metadata", "name", "openstack", "operatorCidrs", "provider", "role", "vsphere"]);
  expect(c.inputProperties["publicApi"]!.description).toContain("UNSAFE");
  expect(Object.keys(c.properties).sort()).toEqual(["clientConfig", "discoveryUrl", "endpoints", "machines"]);
});

test("DiscoveryToken and Unit inputs", () => {
  expect(schema.resources["hafen:index:DiscoveryToken"]!.requiredInputs?.sort()).toEqual(["service", "size"]);
  expect(Object.keys(schema.resources["hafen:index:Unit"]!.inputProperties).sort()).toEqual(["cluster", "contents", "desiredState", "name", "options", "waitSeconds"]);
});
