// Bare metal in a Cluster, under Pulumi mocks: an AWS control pool, an AWS worker pool and
// a rack of bare-metal workers joining the same cluster. The rack's NodePool child writes
// one group and profile per machine (`<cluster>-<pool>-<name>`) after the sealed CA key
// exists; each profile's machine model is what the AWS worker gets apart from the
// provider specifics (host name, fleet metadata); the cloud firewall admits the rack's
// addresses; and — through the real BootMachines provider and boot service — the config
// a rack machine fetches over iPXE is that machine's rendered config. Bad bare-metal
// arguments fail at construction with their paths.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../../components/cluster";
import { bootMachinesProvider, parseDocuments, type BootDocuments } from "../../../components/baremetal";
import { loadMachine, type MachineInput } from "../../../machine";
import { machineData, startBootServer, type BootServer } from "../../../runtime/boot";
import { tempDir } from "../../support/tmp";
import { argValue, bootLikeIpxe, ipxeGet, parseScript } from "../../runtime/boot/ipxe-client";
import { FLATCAR_IMAGES } from "../../runtime/boot/fixtures";
import { childRecorder, installMocks, isSecretInput, mockOutputs, plain, registered, resolve, type Child } from "../mocks";
import { awsPool, clusterArgs, expectedConfig, expectedInput } from "../fixtures";

installMocks();

const TOKEN = "rack-boot-token-0123456789abcdef";
const RACK = [
  { name: "m1", mac: "52:54:00:d1:00:01", address: "198.51.100.21" },
  { name: "m2", mac: "52:54:00:d1:00:02", address: "198.51.100.22", install: false as const },
];

let server: BootServer;
let cluster: Cluster;
let children: Child[];

const rackPool = (over: Record<string, unknown> = {}) => ({
  provider: "baremetal" as const,
  name: "rack",
  role: "worker" as const,
  // The validation cases are built before the service starts; they never reach it.
  boot: { url: server?.url ?? "http://127.0.0.1:9", token: TOKEN },
  image: { os: "flatcar" as const, ...FLATCAR_IMAGES },
  install: { disk: "/dev/sda" },
  machines: RACK,
  ...over,
});

beforeAll(async () => {
  server = await startBootServer({ host: "127.0.0.1", port: 0, dataDir: tempDir("hafen-cluster-boot-"), watch: false, tokenHashes: [createHash("sha256").update(TOKEN).digest("hex")] });
  const rec = childRecorder();
  children = rec.children;
  cluster = new Cluster("dc", clusterArgs({ pools: [awsPool(), awsPool({ name: "work", role: "worker", count: 1 }), rackPool()] }), { transformations: rec.transformations });
  await Promise.all([resolve(cluster.machines), resolve(cluster.clientConfig)]);
});
afterAll(async () => server?.close());

const boot = () => registered.find((r) => r.type === "pulumi-nodejs:dynamic/baremetal:BootMachines" && r.name === "dc-rack")!;
const docs = () => parseDocuments(plain(boot().inputs.documents) as string) as BootDocuments;
const worker = (host: string, pool: string, provider: string, placement: Record<string, string> = {}): MachineInput =>
  expectedInput({ cluster: "dc", host, role: "worker", metadata: { provider, pool, role: "worker", ...placement } });

test("the rack is a bare-metal NodePool of the Cluster; its documents are written after the sealed CA key", () => {
  const pool = children.find((c) => c.type === "hafen:baremetal:NodePool")!;
  expect(pool.name).toBe("dc-rack");
  expect(pool.parent).toBe(cluster);
  const writer = children.find((c) => c.type === "pulumi-nodejs:dynamic/baremetal:BootMachines")!;
  expect(writer.parent).toBe(pool.resource);
  expect(writer.dependsOn).toContain(children.find((c) => c.type === "pulumi-nodejs:dynamic/hafen:SealedSecret")!.resource);
  expect(isSecretInput(boot().inputs.documents) && isSecretInput(boot().inputs.endpoint)).toBe(true);
  expect(Object.keys(docs().groups)).toEqual(["dc-rack-m1", "dc-rack-m2"]);
  expect(docs().groups["dc-rack-m2"]).toMatchObject({ profile: "dc-rack-m2", selector: { mac: "52:54:00:d1:00:02" } });
});

test("each rack machine's model is the AWS worker's, apart from the host name and the provider's metadata", async () => {
  const profiles = docs().profiles as Record<string, { boot: Record<string, unknown>; config: { format: string; machine: unknown } }>;
  const aws = worker("dc-work-1", "work", "aws", { region: "eu-central-1", zone: "eu-central-1a" });
  expect(await resolve(children.find((c) => c.name === "dc-work-1" && c.type === "aws:ec2/instance:Instance")!.props.userData as pulumi.Output<string>)).toBe(expectedConfig(aws, "cloud-config", "aws"));
  for (const m of RACK) {
    const host = `dc-rack-${m.name}`;
    const rack = { ...aws, hostname: host, hafen: { ...(aws.hafen as object), metadata: { provider: "baremetal", pool: "rack", role: "worker" } } } as MachineInput;
    const loaded = loadMachine(rack);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(profiles[host]!.config).toEqual({ format: "cloud-config", machine: machineData(loaded.value) });
  }
  expect(profiles["dc-rack-m1"]!.boot).toMatchObject({ os: "flatcar", install: { disk: "/dev/sda" } });
  expect(profiles["dc-rack-m2"]!.boot["install"]).toBeUndefined();
});

test("the Cluster lists the rack's machines; the AWS control group admits their addresses on the API port", async () => {
  const ms = await resolve(cluster.machines);
  expect(ms.filter((m) => m.provider === "baremetal").map((m) => [m.name, m.pool, m.role, m.publicIp, m.privateIp])).toEqual([
    ["dc-rack-m1", "rack", "worker", "198.51.100.21", "198.51.100.21"],
    ["dc-rack-m2", "rack", "worker", "198.51.100.22", "198.51.100.22"],
  ]);
  const sources: string[] = [];
  for (const r of children.filter((c) => c.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")) {
    if (r.props.fromPort === 7480) sources.push(String(await resolve(r.props.cidrIpv4 ?? r.props.referencedSecurityGroupId)));
  }
  expect(sources).toEqual(expect.arrayContaining(["198.51.100.21/32", "198.51.100.22/32"]));
  expect(await resolve(cluster.endpoints)).toEqual([1, 2, 3].map((i) => `https://${mockOutputs.eipIp(`dc-control-${i}-eip`)}:7480`));
});

test("through the real provider and boot service, a rack machine fetches exactly its rendered config", async () => {
  const p = bootMachinesProvider();
  const created = await p.create({ endpoint: { url: server.url, token: TOKEN }, documents: plain(boot().inputs.documents) as string });
  try {
    // m2 runs from RAM, so it boots straight into its config (m1 would boot the installer first).
    const { script } = await bootLikeIpxe(server.url, { mac: "52:54:00:d1:00:02" });
    const configUrl = argValue(parseScript(script.body).args, "cloud-config-url")!;
    const pool = children.find((c) => c.type === "hafen:baremetal:NodePool")!.resource as unknown as { machines: pulumi.Output<{ name: string; configUrl: string }[]> };
    expect(configUrl).toBe((await resolve(pool.machines)).find((m) => m.name === "dc-rack-m2")!.configUrl);
    const served = await ipxeGet(configUrl);
    const rack = worker("dc-rack-m2", "rack", "baremetal");
    expect(served.body).toBe(expectedConfig(rack, "cloud-config", "baremetal"));
    expect(served.body).not.toContain("PRIVATE KEY");
  } finally {
    await p.delete!(created.id, created.outs!);
  }
});

describe("bad bare-metal arguments fail at construction, each named", () => {
  const build = (pools: unknown[]) => () => new Cluster("bad", clusterArgs({ pools: pools as never }));
  test.each([
    ["a machine without an address in a multi-provider cluster", [awsPool(), rackPool({ machines: [{ name: "m1", mac: "52:54:00:d1:00:01" }] })], "pools[1].machines[0].address: missing-field: this cluster spans providers"],
    ["a control pool without addresses", [rackPool({ role: "control", machines: [{ name: "m1", mac: "52:54:00:d1:00:01" }] })], "pools[0].machines[0].address: missing-field: control machines need their address"],
    ["a bad MAC (the repeated name is reported too)", [awsPool(), rackPool({ machines: [RACK[0], { ...RACK[0], mac: "nope" }] })], "pools[1].machines[1].mac: invalid-value: MAC \"nope\" is not accepted"],
    ["a count", [awsPool(), rackPool({ count: 2 })], "pools[1].count: conflict: a bare-metal pool lists its machines"],
    ["no boot endpoint", [awsPool(), rackPool({ boot: undefined })], "pools[1].boot: missing-field"],
    ["images of another OS", [awsPool(), rackPool({ image: { os: "fedora-coreos", ...FLATCAR_IMAGES, rootfs: FLATCAR_IMAGES.kernel } })], "pools[1].image.os: conflict: the cluster's machines run flatcar"],
    ["a kernel argument the boot service generates", [awsPool(), rackPool({ kernelArgs: ["cloud-config-url=http://evil/"] })], "pools[1]: invalid-value: boot service documents: machines[0] (m1): boot.args[0]: conflict"],
    ["an install disk that is not a device", [awsPool(), rackPool({ install: { disk: "sda" } })], "boot.install.disk: invalid-value"],
    ["a pool name too long for the boot service's group names", [awsPool(), rackPool({ name: "a-very-long-rack-name-for-groups" })], 'pools[1].name: invalid-value: the boot service names groups "<cluster>-<pool>-<machine>"'],
  ])("%s", (_what, pools, message) => {
    expect(build(pools)).toThrow(message);
  });

  test("nothing is created by a refused cluster", () => {
    const before = registered.length;
    expect(build([awsPool(), rackPool({ count: 2 })])).toThrow();
    expect(registered.length).toBe(before);
  });
});
