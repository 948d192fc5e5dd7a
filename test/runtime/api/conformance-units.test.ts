// fleet API v1 conformance, reading and destroying units: GET /units with nextPageToken
// pagination, GET /units/<name> as an agent places and runs the unit (real engine, real
// agents over HTTP with recording executors), and DELETE /units/<name> withdrawing it.
import { startControlPlane, eventually, type TestControlPlane } from "../../support/cluster";
import { FleetHttp, expectEmpty, expectError, jsonOf, storeFingerprint } from "../../support/fleet-http";
import { Engine } from "../../../runtime/engine";
import { encodePageToken } from "../../../runtime/api/pagination";
import { keyspace } from "../../../runtime/cluster/keys";
import { decodeBucket } from "../../../runtime/cluster/records";
import type { RecordingExecutor } from "../../../runtime/executor/recording";

const M1 = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
const M2 = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2";
const ks = keyspace();
const sleep = [{ section: "Service", name: "ExecStart", value: "/bin/sleep 3000" }];
const unitPath = (name: string) => `/units/${encodeURIComponent(name)}`;

describe("GET /fleet/v1/units (pagination)", () => {
  let cp: TestControlPlane;
  let api: FleetHttp;
  const names = Array.from({ length: 250 }, (_, i) => `page-${String(i).padStart(3, "0")}.service`);

  beforeAll(async () => {
    cp = await startControlPlane();
    api = new FleetHttp(cp.server.url, cp.adminToken);
    expect(jsonOf(await api.get("/units"))).toEqual({ units: [] });
    // Bounded parallelism: 10 requests in flight.
    for (let i = 0; i < names.length; i += 10) {
      const res = await Promise.all(names.slice(i, i + 10).map((n) => api.put(unitPath(n), { desiredState: "inactive", options: sleep })));
      expect(res.map((r) => r.status)).toEqual(res.map(() => 201));
    }
  });
  afterAll(async () => {
    await cp.stop();
  });

  it("250 units come in pages of 100, 100 and 50; the last page has no nextPageToken", async () => {
    const { pages, tokens } = await api.pages<{ name: string }>("/units", "units");
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(tokens).toHaveLength(2);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_=-]+$/);
    expect(pages.flat().map((u) => u.name)).toEqual(names);
    for (const u of pages.flat()) expect(Object.keys(u).sort()).toEqual(["currentState", "desiredState", "name", "options"]);
  });

  it("a token is stateless: the same token gives the same page again, on /v1-alpha too", async () => {
    const first = jsonOf(await api.get("/units")) as { nextPageToken: string };
    const a = await api.get(`/units?nextPageToken=${first.nextPageToken}`);
    const b = await api.with({ prefix: "/v1-alpha" }).get(`/units?nextPageToken=${first.nextPageToken}`);
    expect(a.status).toBe(200);
    expect(jsonOf(b)).toEqual(jsonOf(a));
    expect((jsonOf(a) as { units: { name: string }[] }).units[0]!.name).toBe(names[100]);
  });

  it("a page past the end is empty and has no nextPageToken", async () => {
    const res = await api.get(`/units?nextPageToken=${encodePageToken({ limit: 100, page: 9 })}`);
    expect(res.status).toBe(200);
    expect(jsonOf(res)).toEqual({ units: [] });
  });

  it.each([
    ["garbage", "%%%"],
    ["empty", ""],
    ["not base64", "!!!!!!!!"],
    ["too long", encodePageToken({ limit: 100, page: 2 }) + "AAAA"],
    ["a wrong limit", encodePageToken({ limit: 10, page: 2 })],
    ["page zero", encodePageToken({ limit: 100, page: 0 })],
    ["binary", Buffer.from([0xff, 0xfe, 0, 1, 2, 3, 4]).toString("base64url")],
    ["unicode", encodeURIComponent("ṫøķëñ")],
  ])("a bad token (%s) → 400 'invalid value of nextPageToken'", async (_what, token) => {
    const before = await storeFingerprint(cp.store);
    expectError(await api.get(`/units?nextPageToken=${token}`), 400, /invalid value of nextPageToken/);
    expect(await storeFingerprint(cp.store)).toEqual(before);
  });

  it("a token given twice → 400", async () => {
    const t = encodePageToken({ limit: 100, page: 2 });
    expectError(await api.get(`/units?nextPageToken=${t}&nextPageToken=${t}`), 400, /invalid value of nextPageToken/);
  });

  it("a list request with a body → 400 (fleet: the request must not have a body)", async () => {
    expectError(await api.request("GET", "/units", { body: { units: [] } }), 400, /body/);
  });
});

describe("GET /fleet/v1/units/<name> and DELETE /fleet/v1/units/<name> (engine and agents)", () => {
  let cp: TestControlPlane;
  let api: FleetHttp;
  const exec = new Map<string, RecordingExecutor>();

  beforeAll(async () => {
    cp = await startControlPlane({ engine: (store) => new Engine({ store, id: "e1", leaseTtlSeconds: 1, debounceMs: 5 }) });
    api = new FleetHttp(cp.server.url, cp.adminToken);
    exec.set(M1, (await cp.startAgent({ id: M1, name: "m1", metadata: { disk: "ssd" } })).executor as RecordingExecutor);
    exec.set(M2, (await cp.startAgent({ id: M2, name: "m2", metadata: { disk: "hdd" } })).executor as RecordingExecutor);
    await eventually(async () => (await api.all("/machines", "machines")).length === 2, 5000, "two machines");
  });
  afterAll(async () => {
    await cp.stop();
  });

  async function getUnit(name: string): Promise<Record<string, unknown>> {
    const res = await api.get(unitPath(name));
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    return jsonOf(res) as Record<string, unknown>;
  }

  it("shows name, options, desiredState, currentState and machineID once an agent runs the unit", async () => {
    const options = [...sleep, { section: "X-Fleet", name: "MachineMetadata", value: "disk=ssd" }];
    expectEmpty(await api.put(unitPath("web.service"), { desiredState: "launched", options }), 201);
    const u = await eventually(async () => {
      const v = await getUnit("web.service");
      return v.currentState === "launched" && v;
    }, 8000, "web.service launched");
    expect(u).toEqual({ name: "web.service", options, desiredState: "launched", currentState: "launched", machineID: M1 });
    expect(exec.get(M1)!.calls.filter((c) => c.unit === "web.service").map((c) => c.op)).toEqual(["load", "start"]);
    expect(exec.get(M2)!.calls.filter((c) => c.unit === "web.service")).toEqual([]);
  });

  it("a unit desired loaded reads back loaded on its machine; an unschedulable one stays inactive without machineID", async () => {
    const loaded = [...sleep, { section: "X-Fleet", name: "MachineID", value: M2 }];
    expectEmpty(await api.put(unitPath("ld.service"), { desiredState: "loaded", options: loaded }), 201);
    const nowhere = [...sleep, { section: "X-Fleet", name: "MachineMetadata", value: "disk=tape" }];
    expectEmpty(await api.put(unitPath("nowhere.service"), { desiredState: "launched", options: nowhere }), 201);
    const u = await eventually(async () => {
      const v = await getUnit("ld.service");
      return v.currentState === "loaded" && v;
    }, 8000, "ld.service loaded");
    expect(u).toMatchObject({ desiredState: "loaded", currentState: "loaded", machineID: M2 });
    expect(await getUnit("nowhere.service")).toEqual({ name: "nowhere.service", options: nowhere, desiredState: "launched", currentState: "inactive" });
  });

  it("an unknown unit → 404 with fleet's error entity; a GET with a body → 400", async () => {
    expectError(await api.get(unitPath("unknown.service")), 404, /does not exist/);
    expectError(await api.get(unitPath("not a unit name")), 404);
    expectError(await api.request("GET", unitPath("web.service"), { body: {} }), 400, /body/);
  });

  it("DELETE → 204 and no body; again → 404; the assignment goes away and the agent stops the unit", async () => {
    const opts = [...sleep, { section: "X-Fleet", name: "MachineID", value: M2 }];
    expectEmpty(await api.put(unitPath("gone.service"), { desiredState: "launched", options: opts }), 201);
    await eventually(async () => (await getUnit("gone.service")).currentState === "launched", 8000, "gone.service launched");
    expect((await cp.store.range(ks.machineSchedule(M2))).kvs.map((kv) => kv.key)).toContain(ks.assignment(M2, "gone.service"));
    expect(decodeBucket((await cp.store.get(ks.assignment(M2, "gone.service")))!.value)!.map((a) => a.unit)).toContain("gone.service");

    expectEmpty(await api.del(unitPath("gone.service")), 204);
    expectError(await api.get(unitPath("gone.service")), 404);
    expectError(await api.del(unitPath("gone.service")), 404, "unit does not exist");
    expect((await api.all<{ name: string }>("/units", "units")).map((u) => u.name)).not.toContain("gone.service");

    const assignedGone = async () => (decodeBucket((await cp.store.get(ks.assignment(M2, "gone.service")))?.value ?? "") ?? []).some((a) => a.unit === "gone.service");
    await eventually(async () => !(await assignedGone()), 8000, "assignment withdrawn");
    const rec = exec.get(M2)!;
    await eventually(() => rec.calls.some((c) => c.unit === "gone.service" && c.op === "unload"), 8000, "agent unloads gone.service");
    // The executor's own record: started once, stopped once, then unloaded.
    expect(rec.events().filter((e) => e.unit === "gone.service").map((e) => e.event)).toEqual(["started", "stopped"]);
    expect(rec.calls.filter((c) => c.unit === "gone.service").at(-1)?.op).toBe("unload");
    await eventually(async () => (await api.all("/state?unitName=gone.service", "states")).length === 0, 8000, "state withdrawn");
    // The other units were left alone.
    expect((await getUnit("web.service")).currentState).toBe("launched");
  });

  it("DELETE of a unit that never existed → 404 and nothing changes; /v1-alpha deletes too", async () => {
    const before = await api.all("/units", "units");
    expectError(await api.del(unitPath("never.service")), 404, "unit does not exist");
    expect(await api.all("/units", "units")).toEqual(before);
    expectEmpty(await api.put(unitPath("alpha-del.service"), { desiredState: "inactive", options: sleep }), 201);
    expectEmpty(await api.with({ prefix: "/v1-alpha" }).del(unitPath("alpha-del.service")), 204);
    expectError(await api.get(unitPath("alpha-del.service")), 404);
  });
});
