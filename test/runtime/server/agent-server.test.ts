// A server over the in-memory store and real agents over HTTP (recording executors):
// registration, assignments reaching only their machine, state reports, and fencing.
import { startControlPlane, eventually, type TestControlPlane } from "../../support/cluster";
import type { RecordingExecutor } from "../../../runtime/executor/recording";
import { keyspace } from "../../../runtime/cluster/keys";
import { encodeBucket } from "../../../runtime/cluster/records";
import { hashOptions } from "../../../units";
import { send } from "../../../runtime/client/transport";

const M1 = "11111111111111111111111111111111";
const M2 = "22222222222222222222222222222222";
const ks = keyspace();
const hello = [{ section: "Service", name: "ExecStart", value: "/bin/sh -c 'echo hi; sleep 100'" }];

let cp: TestControlPlane;
afterEach(async () => {
  await cp?.stop();
});

async function assign(unit: string, machine: string, desiredState: "loaded" | "launched" = "launched") {
  // As the engine writes it: the unit's bucket record (one unit per bucket here).
  await cp.store.put(ks.assignment(machine, unit), encodeBucket([JSON.stringify({ unit, hash: hashOptions(hello), desiredState, global: false })]));
}

describe("agents and a server", () => {
  it("registers machines with their metadata and lists them through fleet's API", async () => {
    cp = await startControlPlane();
    await cp.startAgent({ id: M1, name: "m1", metadata: { region: "eu" } });
    await cp.startAgent({ id: M2, name: "m2" });
    const machines = await eventually(async () => {
      const list = await cp.client.listMachines();
      return list.length === 2 && list;
    });
    expect(machines).toEqual([
      { id: M1, primaryIP: "127.0.0.1", metadata: { region: "eu" } },
      { id: M2, primaryIP: "127.0.0.1", metadata: {} },
    ]);
  });

  it("runs an assigned unit on its machine only and reports it launched", async () => {
    cp = await startControlPlane();
    const a1 = await cp.startAgent({ id: M1, name: "m1" });
    const a2 = await cp.startAgent({ id: M2, name: "m2" });
    await eventually(async () => (await cp.client.listMachines()).length === 2);
    expect(await cp.client.createUnit("hello.service", hello, "launched")).toBe(201);
    await assign("hello.service", M2);
    const unit = await eventually(async () => {
      const u = await cp.client.getUnit("hello.service");
      return u?.currentState === "launched" && u;
    });
    expect(unit.machineID).toBe(M2);
    const rec2 = a2.executor as RecordingExecutor;
    const rec1 = a1.executor as RecordingExecutor;
    expect(rec2.calls.map((c) => `${c.op} ${c.unit}`)).toEqual(["load hello.service", "start hello.service"]);
    expect(rec1.calls).toEqual([]);
    const states = await cp.client.listStates({ unitName: "hello.service" });
    expect(states).toEqual([
      expect.objectContaining({ name: "hello.service", machineID: M2, systemdActiveState: "active", hash: hashOptions(hello) }),
    ]);
  });

  it("stops a unit when its assignment is withdrawn", async () => {
    cp = await startControlPlane();
    const a1 = await cp.startAgent({ id: M1, name: "m1" });
    await cp.client.createUnit("hello.service", hello, "launched");
    await eventually(async () => (await cp.client.listMachines()).length === 1);
    await assign("hello.service", M1);
    await eventually(async () => (await cp.client.getUnit("hello.service"))?.currentState === "launched");
    await cp.store.delete(ks.assignment(M1, "hello.service"));
    const rec = a1.executor as RecordingExecutor;
    await eventually(() => rec.calls.some((c) => c.op === "unload"));
    expect(rec.events().map((e) => e.event)).toEqual(["started", "stopped"]);
    expect(rec.calls.map((c) => c.op).filter((op) => op !== "stop")).toEqual(["load", "start", "unload"]);
    await eventually(async () => (await cp.client.listStates()).length === 0, 5000, "state withdrawn");
  });

  it("fences: with the servers unreachable the agent stops its units before its lease can expire", async () => {
    cp = await startControlPlane({ leaseTtlSeconds: 2 });
    const a1 = await cp.startAgent({ id: M1, name: "m1" });
    await cp.client.createUnit("hello.service", hello, "launched");
    await eventually(async () => (await cp.client.listMachines()).length === 1);
    await assign("hello.service", M1);
    const rec = a1.executor as RecordingExecutor;
    await eventually(() => rec.calls.some((c) => c.op === "start"));
    const lease = (await cp.store.get(ks.machine(M1)))!.lease!;
    // Cut the agent off: the server stops answering, the store keeps counting the lease down.
    await cp.server.stop();
    const cutAt = Date.now();
    const stopped = await eventually(() => rec.calls.find((c) => c.op === "stop"), 5000, "fencing stop");
    // The lease is still alive when the unit has already been stopped.
    await expect(cp.store.keepAlive(lease)).resolves.toBeUndefined();
    expect(stopped.at).toBeGreaterThan(0);
    expect(cutAt).toBeGreaterThan(0);
  });

  it("refuses requests without credentials, with a machine token for another machine, and bad bodies", async () => {
    cp = await startControlPlane();
    await cp.startAgent({ id: M1, name: "m1" });
    await eventually(async () => (await cp.client.listMachines()).length === 1);
    const anon = await send(`${cp.server.url}/fleet/v1/units`, {});
    expect(anon.status).toBe(401);
    expect(JSON.parse(anon.body.toString())).toEqual({ error: { code: 401, message: expect.stringMatching(/authentication required/) } });
    const boot = await send(`${cp.server.url}/fleet/v1/units`, { token: cp.bootstrapToken });
    expect(boot.status).toBe(403);
    const hb = await send(`${cp.server.url}/hafen/v1/machines/${M2}/heartbeat`, { token: cp.adminToken }, { method: "POST" });
    expect(hb.status).toBe(403);
    const reg = await send(`${cp.server.url}/hafen/v1/machines/register`, { token: cp.bootstrapToken }, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: "nothex" }),
    });
    expect(reg.status).toBe(400);
    expect(reg.body.toString()).toMatch(/field id/);
    expect((await cp.client.listMachines()).map((m) => m.id)).toEqual([M1]);
  });
});
