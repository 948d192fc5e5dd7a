// The SOAP client against govmomi's vCenter simulator (a real vim25 server).
import { rootCertificates } from "node:tls";
import { inspect } from "node:util";
import { startVcsim, type Vcsim } from "../../support/vcsim";
import { freePort } from "../../support/ports";
import { VsphereClient } from "../../../components/vsphere/client";
import { configFromGuestinfo, guestinfoFor } from "../../../components/vsphere/guestinfo";
import { VsphereError, type MoRef, type VsphereProblem } from "../../../components/vsphere/types";
import { describeWithSim, fakeClock } from "./sim";

async function failure(p: Promise<unknown>): Promise<VsphereError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VsphereError) return e;
    throw e;
  }
  throw new Error("expected a VsphereError");
}

const problem = async (p: Promise<unknown>): Promise<VsphereProblem> => (await failure(p)).problem;

describeWithSim("VsphereClient against the vCenter simulator", () => {
  let sim: Vcsim;
  let c: VsphereClient;
  let template: MoRef, folder: MoRef, pool: MoRef, datastore: MoRef;

  beforeAll(async () => {
    sim = await startVcsim();
    c = await VsphereClient.connect({ url: sim.url, username: sim.username, password: sim.password });
    [template, folder, pool, datastore] = await Promise.all([
      c.find("VirtualMachine", sim.template),
      c.find("Folder", sim.vmFolder),
      c.find("ResourcePool", sim.resourcePool),
      c.find("Datastore", sim.datastore),
    ]);
  }, 300_000);

  afterAll(async () => {
    await c?.logout();
    await sim?.stop();
  });

  test("reads the service content of a vCenter", () => {
    expect(c.content.about).toMatchObject({ apiType: "VirtualCenter", apiVersion: "6.5" });
    expect(c.content.searchIndex.type).toBe("SearchIndex");
  });

  test("full flow: clone with guestinfo, reconfigure, power on, guest IP, power off, destroy", async () => {
    const config = JSON.stringify({ ignition: { version: "3.3.0" }, passwd: { users: [{ name: "core", sshAuthorizedKeys: ["ssh-ed25519 AAAA test"] }] } });
    const guestinfo = guestinfoFor(config, "ignition");
    const tpl = await c.vmInfo(template);
    expect(tpl).toMatchObject({ template: true, powerState: "poweredOff" });

    const vm = await c.cloneVm(template, { name: "flow-1", folder, pool, datastore, extraConfig: { ...guestinfo, "SET.guest.ipAddress": "10.11.12.13" } });
    expect(vm.type).toBe("VirtualMachine");
    const cloned = await c.vmInfo(vm);
    expect(cloned).toMatchObject({ name: "flow-1", template: false, powerState: "poweredOff" });
    expect(configFromGuestinfo(cloned.extraConfig, "ignition")).toBe(config);

    await c.reconfigureVm(vm, { numCpus: 4, memoryMb: 4096, extraConfig: { "guestinfo.hafen.role": "worker" } });
    const reconfigured = await c.vmInfo(vm);
    expect(reconfigured).toMatchObject({ numCpus: 4, memoryMb: 4096 });
    expect(reconfigured.extraConfig["guestinfo.hafen.role"]).toBe("worker");

    await c.powerOn(vm);
    expect(await c.waitForGuestIp(vm, { timeoutMs: 10_000 })).toBe("10.11.12.13");
    expect((await c.vmInfo(vm)).powerState).toBe("poweredOn");

    await c.powerOff(vm);
    expect((await c.vmInfo(vm)).powerState).toBe("poweredOff");
    await c.destroy(vm);
    expect(await c.exists(vm)).toBe(false);
    expect(await c.findByInventoryPath(`${sim.vmFolder}/flow-1`)).toBeUndefined();
    expect(await problem(c.vmInfo(vm))).toMatchObject({ kind: "fault", faultType: "ManagedObjectNotFound", fields: { obj: `VirtualMachine:${vm.value}` } });
  });

  test("a wrong password is an InvalidLogin fault, and the password appears nowhere", async () => {
    const e = await failure(VsphereClient.connect({ url: sim.url, username: sim.username, password: "not-the-password-4711" }));
    expect(e.problem).toMatchObject({ kind: "fault", method: "Login", faultType: "InvalidLogin" });
    expect(e.faultType).toBe("InvalidLogin");
    expect(`${e.message} ${inspect(e)} ${JSON.stringify(e.problem)}`).not.toContain("4711");
  });

  test("a missing template path is 'not found' naming the path", async () => {
    const e = await failure(c.find("VirtualMachine", "DC0/vm/no-such-template"));
    expect(e.problem).toEqual({ kind: "not-found", what: "VirtualMachine", path: "DC0/vm/no-such-template" });
    expect(e.message).toBe('vSphere: no VirtualMachine at inventory path "DC0/vm/no-such-template"');
  });

  test("a path of the wrong kind is named with both kinds; empty paths are refused before sending", async () => {
    expect(await problem(c.find("VirtualMachine", sim.vmFolder))).toEqual({ kind: "wrong-type", path: sim.vmFolder, expected: "VirtualMachine", actual: "Folder" });
    expect(await problem(c.find("Datastore", "  "))).toMatchObject({ kind: "invalid-input", field: "Datastore path" });
  });

  test("a cluster path resolves to its root resource pool", async () => {
    expect(await c.find("ResourcePool", "DC0/host/DC0_C0")).toEqual(pool);
  });

  test("cloning onto an existing name is refused as already-exists, and nothing is created", async () => {
    const first = await c.cloneVm(template, { name: "dup-1", folder, pool });
    try {
      const e = await failure(c.cloneVm(template, { name: "dup-1", folder, pool }));
      expect(e.problem).toEqual({ kind: "already-exists", name: "dup-1", folder: folder.value, existing: first.value });
      expect(e.message).toMatch(/a VM named "dup-1" already exists/);
    } finally {
      await c.destroy(first);
    }
    expect(await c.findChild(folder, "dup-1")).toBeUndefined();
  });

  test("a failing task surfaces its fault type and task id", async () => {
    const vm = await c.cloneVm(template, { name: "task-fault", folder, pool });
    try {
      await c.powerOn(vm);
      const p = await problem(c.powerOn(vm));
      expect(p).toMatchObject({ kind: "fault", method: "PowerOnVM_Task", faultType: "InvalidPowerState", fields: { requestedState: "poweredOn", existingState: "poweredOn" } });
      expect(p.kind === "fault" && p.task).toMatch(/^task-/);
      await c.powerOff(vm);
    } finally {
      await c.destroy(vm);
    }
  });

  test("bad clone and reconfigure inputs are refused before anything is sent, all at once", async () => {
    const e = await failure(c.cloneVm(template, { name: "", folder, pool, numCpus: 0, memoryMb: 3 }));
    expect(e.problems.map((p) => p.kind === "invalid-input" && p.field)).toEqual(["clone.name", "clone.numCpus", "clone.memoryMb"]);
    expect(await problem(c.reconfigureVm(template, { extraConfig: { "a b": "x" } }))).toMatchObject({ kind: "invalid-input", field: 'reconfigure.extraConfig["a b"]' });
  });

  test("waiting for a guest IP is bounded by time (injected clock) and reports polls", async () => {
    const clock = fakeClock();
    const c2 = await VsphereClient.connect({ url: sim.url, username: sim.username, password: sim.password }, clock);
    const vm = await c2.cloneVm(template, { name: "no-ip", folder, pool });
    try {
      const p = await problem(c2.waitForGuestIp(vm, { timeoutMs: 5_000, maxIntervalMs: 1000 }));
      expect(p).toMatchObject({ kind: "wait-timeout", waitingFor: "guest IP", target: vm.value, waitedMs: 5_000 });
      expect(clock.slept.every((ms) => ms <= 1000)).toBe(true);
    } finally {
      await c2.destroy(vm);
      await c2.logout();
    }
  });

  test("a frozen clock cannot make a wait endless: the poll count bounds it", async () => {
    let sleeps = 0;
    const c3 = await VsphereClient.connect({ url: sim.url, username: sim.username, password: sim.password }, { now: () => 0, sleep: async () => void sleeps++ });
    try {
      const p = await problem(c3.waitForGuestIp(template, { timeoutMs: 1_000 }));
      expect(p).toMatchObject({ kind: "wait-timeout", polls: 22 });
      expect(sleeps).toBe(21);
    } finally {
      await c3.logout();
    }
  });

  test("the session cookie stays out of inspect and JSON; logout is idempotent", async () => {
    const c4 = await VsphereClient.connect({ url: sim.url, username: sim.username, password: sim.password });
    expect(c4.loggedIn).toBe(true);
    expect(inspect(c4, { depth: 10, showHidden: true })).not.toMatch(/vmware_soap_session/);
    expect(JSON.stringify(c4)).toBe(`{"endpoint":"${sim.url}","loggedIn":true}`);
    await c4.logout();
    await c4.logout();
    expect(c4.loggedIn).toBe(false);
  });
});

describeWithSim("VsphereClient TLS", () => {
  let sim: Vcsim;
  beforeAll(async () => {
    sim = await startVcsim({ tls: true });
  }, 300_000);
  afterAll(async () => sim?.stop());

  test("verifies by default: a self-signed vCenter is refused with a hint", async () => {
    const e = await failure(VsphereClient.connect({ url: sim.url, username: sim.username, password: sim.password }));
    expect(e.problem).toMatchObject({ kind: "tls", method: "RetrieveServiceContent" });
    expect(e.message).toMatch(/pass caPem/);
  });

  test("trusts exactly the given CA PEM", async () => {
    const c = await VsphereClient.connect({ url: sim.url, username: sim.username, password: sim.password, caPem: sim.caPem! });
    expect(c.content.about.apiType).toBe("VirtualCenter");
    await c.logout();
  });

  test("another CA does not vouch for it", async () => {
    const e = await failure(VsphereClient.connect({ url: sim.url, username: sim.username, password: sim.password, caPem: rootCertificates[0]! }));
    expect(e.problem.kind).toBe("tls");
  });

  test("insecure skips verification (lab only)", async () => {
    const c = await VsphereClient.connect({ url: sim.url, username: sim.username, password: sim.password, insecure: true });
    await c.logout();
  });
});

describe("VsphereClient connection errors", () => {
  test("nothing listening is a network problem", async () => {
    const port = await freePort();
    const e = await failure(VsphereClient.connect({ url: `http://127.0.0.1:${port}/sdk`, username: "u", password: "p" }));
    expect(e.problem).toMatchObject({ kind: "network", code: "ECONNREFUSED", method: "RetrieveServiceContent" });
  });

  test.each([
    ["not a URL", "vcenter", /absolute URL/],
    ["plain http to a remote host", "http://vc.example.com/sdk", /https: URL/],
    ["credentials in the URL", "https://root:pw@vc.example.com/sdk", /without credentials/],
  ])("%s is refused before connecting", async (_label, url, message) => {
    const e = await failure(VsphereClient.connect({ url, username: "u", password: "p" }));
    expect(e.problem).toMatchObject({ kind: "invalid-input", field: "url" });
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain(":pw@");
  });
});
