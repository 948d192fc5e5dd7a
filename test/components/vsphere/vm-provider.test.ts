// The VM dynamic provider's create/diff/update/delete/read called directly against the
// vCenter simulator (no Pulumi engine involved).
import { startVcsim, type Vcsim } from "../../support/vcsim";
import { VsphereClient } from "../../../components/vsphere/client";
import { configFromGuestinfo, guestinfoFor } from "../../../components/vsphere/guestinfo";
import { vmProvider } from "../../../components/vsphere/vm-provider";
import type { VmInputs, VmOutputs } from "../../../components/vsphere/vm-inputs";
import { VsphereError } from "../../../components/vsphere/types";
import { textOf } from "../../../components/vsphere/xml";
import { describeWithSim } from "./sim";

const provider = vmProvider();
const config = "#cloud-config\nhostname: m1\ncoreos:\n  units:\n    - name: hafen-agent.service\n      command: start\n";

describeWithSim("vSphere VM dynamic provider against the simulator", () => {
  let sim: Vcsim;
  let c: VsphereClient;
  let inputs: VmInputs;

  beforeAll(async () => {
    sim = await startVcsim();
    c = await VsphereClient.connect({ url: sim.url, username: sim.username, password: sim.password });
    inputs = {
      connection: { url: sim.url, username: sim.username, password: sim.password },
      datacenter: sim.datacenter,
      template: "hafen-template",
      resourcePool: "DC0_C0",
      datastore: "LocalDS_0",
      name: "pool-m1",
      numCpus: 2,
      memoryMb: 1024,
      guestinfo: guestinfoFor(config, "cloud-config"),
      // The simulator reports a guest IP only when told to through this key.
      extraConfig: { "SET.guest.ipAddress": "192.0.2.10" },
      ipTimeoutMs: 10_000,
    };
  }, 300_000);

  afterAll(async () => {
    await c?.logout();
    await sim?.stop();
  });

  async function bootTime(id: string): Promise<string> {
    const v = (await c.properties({ type: "VirtualMachine", value: id }, ["summary.runtime.bootTime"])).get("summary.runtime.bootTime");
    return v ? textOf(v) : "";
  }

  async function created(i: VmInputs): Promise<{ id: string; outs: VmOutputs }> {
    const r = await provider.create(i);
    return { id: r.id, outs: r.outs! };
  }

  test("check reports every bad input with its property path", async () => {
    const r = await provider.check!(inputs, { ...inputs, numCpus: 0, name: "", guestinfo: { nope: "x" } });
    expect(r.failures!.map((f) => f.property)).toEqual(["name", "numCpus", 'guestinfo["nope"]']);
    expect(r.failures![1]!.reason).toMatch(/numCpus = "0" is invalid; accepted: an integer from 1 to 768/);
    expect((await provider.check!(inputs, inputs)).failures).toBeUndefined();
  });

  test("create → diff → update (CPU/memory, power cycle) → read → delete", async () => {
    const { id, outs } = await created(inputs);
    expect(id).toMatch(/^vm-\d+$/);
    expect(outs).toMatchObject({ name: "pool-m1", moref: id, ipAddress: "192.0.2.10", powerState: "poweredOn" });
    const vm = { type: "VirtualMachine", value: id };
    const info = await c.vmInfo(vm);
    expect(info).toMatchObject({ numCpus: 2, memoryMb: 1024, powerState: "poweredOn" });
    expect(configFromGuestinfo(info.extraConfig, "cloud-config")).toBe(config);

    expect(await provider.diff!(id, outs, inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    const bigger = { ...inputs, numCpus: 4, memoryMb: 8192 };
    expect(await provider.diff!(id, outs, bigger)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const newConfig = { ...inputs, guestinfo: guestinfoFor(config + "# v2\n", "cloud-config") };
    expect(await provider.diff!(id, outs, newConfig)).toEqual({ changes: true, replaces: ["guestinfo"], deleteBeforeReplace: true });

    const bootedBefore = await bootTime(id);
    const updated = (await provider.update!(id, outs, bigger)).outs!;
    expect(await bootTime(id)).not.toBe(bootedBefore); // powered off and on again
    expect(updated).toMatchObject({ numCpus: 4, memoryMb: 8192, powerState: "poweredOn", ipAddress: "192.0.2.10" });
    expect(await c.vmInfo(vm)).toMatchObject({ numCpus: 4, memoryMb: 8192, powerState: "poweredOn" });

    const read = await provider.read!(id, updated);
    expect(read).toEqual({ id, props: { ...updated, powerState: "poweredOn" } });

    await provider.delete!(id, updated);
    expect(await c.exists(vm)).toBe(false);
    // Deleting again, and reading a deleted VM, are not errors.
    await provider.delete!(id, updated);
    expect(await provider.read!(id, updated)).toEqual({});
  });

  test("an update of wait settings only does not power-cycle the VM", async () => {
    const { id, outs } = await created({ ...inputs, name: "pool-cred" });
    try {
      const bootedBefore = await bootTime(id);
      expect(bootedBefore).toMatch(/^\d{4}-/);
      const again = { ...inputs, name: "pool-cred", ipTimeoutMs: 20_000 };
      const r = (await provider.update!(id, outs, again)).outs!;
      expect(r).toMatchObject({ ipTimeoutMs: 20_000, powerState: "poweredOn", numCpus: 2 });
      expect(await bootTime(id)).toBe(bootedBefore);
    } finally {
      await provider.delete!(id, outs);
    }
  });

  test("create with a missing template fails naming the path and leaves nothing behind", async () => {
    const before = await c.findChild(await c.find("Folder", sim.vmFolder), "pool-missing");
    expect(before).toBeUndefined();
    await expect(provider.create({ ...inputs, name: "pool-missing", template: "templates/nope" })).rejects.toThrow('vSphere: no VirtualMachine at inventory path "DC0/vm/templates/nope"');
    expect(await c.findByInventoryPath(`${sim.vmFolder}/pool-missing`)).toBeUndefined();
  });

  test("create is all or nothing: a guest that never gets an IP is destroyed before the error", async () => {
    const noIp = { ...inputs, name: "pool-noip", extraConfig: {}, ipTimeoutMs: 300 };
    let caught: unknown;
    try {
      await provider.create(noIp);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(VsphereError);
    expect((caught as VsphereError).problem).toMatchObject({ kind: "wait-timeout", waitingFor: "guest IP" });
    expect(await c.findByInventoryPath(`${sim.vmFolder}/pool-noip`)).toBeUndefined();
  });

  test("create refuses a duplicate name without touching the existing VM", async () => {
    const { id, outs } = await created({ ...inputs, name: "pool-dup" });
    try {
      await expect(provider.create({ ...inputs, name: "pool-dup" })).rejects.toThrow(/a VM named "pool-dup" already exists/);
      expect((await c.vmInfo({ type: "VirtualMachine", value: id })).powerState).toBe("poweredOn");
    } finally {
      await provider.delete!(id, outs);
    }
  });

  test("create refuses invalid inputs before connecting", async () => {
    await expect(provider.create({ ...inputs, memoryMb: 1001, connection: { ...inputs.connection, url: "ftp://x" } })).rejects.toThrow(/connection\.url[\s\S]*memoryMb/);
  });

  test("waitForIp=false returns without an IP", async () => {
    const { id, outs } = await created({ ...inputs, name: "pool-nowait", extraConfig: {}, waitForIp: false });
    try {
      expect(outs).toMatchObject({ ipAddress: "", powerState: "poweredOn" });
    } finally {
      await provider.delete!(id, outs);
    }
  });
});
