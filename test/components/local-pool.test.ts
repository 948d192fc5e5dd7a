// The local pool against real local clusters: its provider's create/read/diff/delete
// through the runtime's launcher in-process, and through the `hafen local` CLI as the
// resource ships it (serialised by Pulumi's closure serialiser, then loaded from text).
// Then the Cluster with a local pool under mocks: what it registers.
import { ApiClient } from "../../runtime/client/api";
import { localDown, localStatus, localUp } from "../../runtime/local";
import { Cluster } from "../../components/cluster";
import { checkLocalInputs, diffLocal, type LocalOutputs } from "../../components/local/inputs";
import { isRunning, perMachine, type LocalLauncher } from "../../components/local/launcher";
import { cliLauncher, metadataFlags } from "../../components/local/cli-launcher";
import { HAFEN_BIN } from "../../components/local/node-pool";
import { localProvider } from "../../components/local/provider";
import { childRecorder, installMocks, registered, resolve } from "./mocks";
import { shipped } from "./serialize";
import { tempDir } from "../support/tmp";

installMocks();

/** The runtime's launcher in-process, adapted to the provider's LocalLauncher. */
const inProcess: LocalLauncher = {
  async localUp(o) {
    const c = await localUp({ dir: o.dir, machines: o.machines, control: o.control, metadata: perMachine(o.machines, o.metadata), timeoutMs: 60_000 });
    return { ...c, machines: c.machines.map((m) => ({ name: m.name, id: m.id, role: m.role, running: m.running })) };
  },
  async localDown(dir) {
    await localDown(dir, { purge: true });
  },
  async localStatus(dir) {
    try {
      const s = await localStatus(dir);
      return { ...s, machines: s.machines.map((m) => ({ name: m.name, id: m.id, role: m.role, running: m.running })) };
    } catch {
      return undefined;
    }
  },
};

describe("local inputs", () => {
  test("garbage is refused per field", () => {
    expect(checkLocalInputs({ dir: "rel", machines: 0, control: 2, leaseTtlSeconds: 0, metadata: { a: 1 } }).map((f) => f.property)).toEqual(["dir", "machines", "control", "leaseTtlSeconds", "metadata"]);
    expect(checkLocalInputs({ dir: "/d", machines: 3, control: 5 })[0]!.reason).toContain("cannot exceed machines");
    expect(checkLocalInputs(undefined)[0]!.reason).toContain("expected {dir, machines, control}");
    expect(checkLocalInputs({ dir: "/d", machines: 3, control: 3 })).toEqual([]);
  });

  test("any change replaces; the same directory is emptied first", () => {
    const a = { dir: "/d", machines: 3, control: 1 };
    expect(diffLocal(a, { ...a })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(diffLocal(a, { ...a, machines: 4 })).toEqual({ changes: true, replaces: ["machines"], deleteBeforeReplace: true });
    expect(diffLocal(a, { ...a, dir: "/e" })).toEqual({ changes: true, replaces: ["dir"], deleteBeforeReplace: false });
  });

  test("running means some machine's processes run; metadata goes to every machine", () => {
    expect(isRunning(undefined)).toBe(false);
    expect(isRunning({ endpoint: "", adminToken: "", discoveryUrl: "", clientConfigPath: "", machines: [{ name: "m1", id: "1", role: "control", running: false }] })).toBe(false);
    expect(perMachine(2, { a: "b" })).toEqual({ m1: { a: "b" }, m2: { a: "b" } });
    expect(metadataFlags({ dir: "/d", machines: 2, control: 1, metadata: { pool: "dev" } })).toEqual(["--metadata", "m1:pool=dev", "--metadata", "m2:pool=dev"]);
  });
});

describe.each([
  ["runtime launcher, in-process", async () => localProvider(inProcess)],
  ["hafen CLI, serialised as Pulumi ships it", async () => shipped(localProvider(cliLauncher({ bin: HAFEN_BIN })), "local-provider")],
])("local pool provider against a real local cluster (%s)", (_label, make) => {
  test("create, read, diff, delete", async () => {
    const p = await make();
    const dir = `${tempDir("hafen-local-pool-")}/cluster`;
    const inputs = { dir, machines: 2, control: 1, metadata: { provider: "local", pool: "dev" } };
    expect((await p.check!({} as never, inputs)).failures).toBeUndefined();
    const created = await p.create(inputs);
    let outs: LocalOutputs | undefined = created.outs;
    try {
      expect(created.id).toBe(dir);
      expect(outs!.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(outs!.adminToken).toMatch(/^hfa_/);
      expect(outs!.machineList.map((m) => m.name)).toEqual(["m1", "m2"]);
      expect(outs!.machineList.map((m) => m.role)).toEqual(["control", "worker"]);
      const client = new ApiClient({ endpoint: outs!.endpoint, token: outs!.adminToken });
      const machines = await client.listMachines();
      expect(machines).toHaveLength(2);
      expect(machines.every((m) => m.metadata["pool"] === "dev" && m.metadata["provider"] === "local")).toBe(true);
      expect(await p.read!(created.id, outs)).toEqual({ id: dir, props: outs });
      expect(await p.diff!(created.id, outs!, { ...inputs, machines: 3 })).toMatchObject({ replaces: ["machines"], deleteBeforeReplace: true });
      await p.delete!(created.id, outs!);
      outs = undefined;
      expect(await p.read!(created.id, created.outs)).toEqual({});
    } finally {
      if (outs) await p.delete!(created.id, outs);
    }
  }, 120_000);
});

test("a CLI failure is reported with the command and its message", async () => {
  const p = localProvider(cliLauncher({ bin: HAFEN_BIN }));
  await expect(p.create({ dir: `${tempDir()}/c`, machines: 2, control: 3 })).rejects.toThrow(/local NodePool: control: control \(3\) cannot exceed machines \(2\)/);
  await expect(cliLauncher({ bin: HAFEN_BIN }).localUp({ dir: `${tempDir()}/c`, machines: 2, control: 3 })).rejects.toThrow(/hafen local up exited 1: /);
});

test("a Cluster with a local pool registers the local cluster resource with its inputs and nothing else", async () => {
  const rec = childRecorder();
  const c = new Cluster("dev", { pools: [{ provider: "local", name: "dev", count: 3, control: 1, dir: "/tmp/hafen-never-used" }], metadata: { team: "a" }, leaseTtlSeconds: 3 }, { transformations: rec.transformations });
  await resolve(c.machines);
  const r = registered.find((x) => x.type === "pulumi-nodejs:dynamic/hafen:LocalCluster")!;
  expect(r.inputs).toMatchObject({ dir: "/tmp/hafen-never-used", machines: 3, control: 1, leaseTtlSeconds: 3, metadata: { team: "a", provider: "local", pool: "dev" } });
  expect(rec.children.filter((x) => x.type === "hafen:local:NodePool")).toHaveLength(1);
  expect(rec.children.some((x) => x.type.startsWith("tls:") || x.type.startsWith("random:") || x.type === "hafen:index:DiscoveryToken")).toBe(false);
});
