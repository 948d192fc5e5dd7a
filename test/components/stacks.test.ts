// Every example stack runs under mocks with its own example config
// (stacks/<stack>/Pulumi.<stack>.yaml, the file a user starts from) and builds:
// the multicloud one puts control on AWS and workers on DigitalOcean and OpenStack.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { installMocks, resolve } from "./mocks";
import type { MachineInfo } from "../../components/common/types";

installMocks();

const STACKS = join(__dirname, "..", "..", "stacks");

/** The stack's example config as Pulumi hands it to a program (values as strings, objects as JSON). */
function useConfig(stack: string, extra: Record<string, string> = {}): void {
  const doc = parse(readFileSync(join(STACKS, stack, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  const flat = Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  pulumi.runtime.setAllConfig({ ...flat, ...extra }, Object.keys(extra));
}

interface ProgramModule {
  endpoints: pulumi.Output<string[]>;
  machines: pulumi.Output<MachineInfo[]>;
  clientConfig: pulumi.Output<unknown>;
}

async function run(stack: string, extra: Record<string, string> = {}): Promise<MachineInfo[]> {
  useConfig(stack, extra);
  const m = require(join(STACKS, stack)) as ProgramModule;
  const [machines] = await Promise.all([resolve(m.machines), resolve(m.endpoints), resolve(m.clientConfig)]);
  return machines;
}

const summary = (ms: MachineInfo[]) => ms.map((m) => `${m.provider}/${m.role}`).reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});

test.each([
  ["aws", {}, { "aws/control": 3, "aws/worker": 2 }],
  ["digitalocean", {}, { "digitalocean/control": 3, "digitalocean/worker": 2 }],
  ["openstack", {}, { "openstack/control": 3, "openstack/worker": 2 }],
  ["vsphere", { "hafen:vspherePassword": "pw" }, { "vsphere/control": 1, "vsphere/worker": 2 }],
  ["multicloud", {}, { "aws/control": 3, "digitalocean/worker": 2, "openstack/worker": 2 }],
])("stacks/%s builds its cluster", async (stack, extra, expected) => {
  expect(summary(await run(stack, extra as Record<string, string>))).toEqual(expected);
});

test("stacks/local builds a local cluster (the machines come from the launcher at `up`)", async () => {
  useConfig("local");
  const m = require(join(STACKS, "local")) as ProgramModule & { cluster: { pools: readonly { provider: string }[] } };
  await resolve(m.machines);
  expect(m.cluster.pools.map((p) => p.provider)).toEqual(["local"]);
});

test("every stack folder is a project named hafen whose config schema lists the keys its example sets", () => {
  for (const stack of ["local", "aws", "digitalocean", "openstack", "vsphere", "multicloud"]) {
    const project = parse(readFileSync(join(STACKS, stack, "Pulumi.yaml"), "utf8")) as { name: string; main: string; config: Record<string, unknown> };
    expect(project).toMatchObject({ name: "hafen", main: "index.ts" });
    const example = parse(readFileSync(join(STACKS, stack, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    const own = Object.keys(example.config).filter((k) => k.startsWith("hafen:")).map((k) => k.slice("hafen:".length));
    expect(Object.keys(project.config)).toEqual(expect.arrayContaining(own));
  }
  const root = parse(readFileSync(join(STACKS, "..", "Pulumi.yaml"), "utf8")) as { name: string; main: string };
  expect(root).toMatchObject({ name: "hafen", main: "stacks/index.ts" });
});

test("stacks/index refuses an unknown program by name", () => {
  useConfig("local", { "hafen:program": "mars" });
  expect(() => require(join(STACKS, "index"))).toThrow('config "program" (or the stack name) is "mars"; expected one of local, aws, digitalocean, openstack, vsphere, multicloud');
});

test("a stack without its required config fails naming the key", () => {
  pulumi.runtime.setAllConfig({});
  jest.isolateModules(() => {
    expect(() => require(join(STACKS, "openstack"))).toThrow(/Missing required configuration variable .hafen:networkId./);
  });
});
