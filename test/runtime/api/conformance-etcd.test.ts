// fleet API v1 conformance on the etcd backend (one real etcd 3.4 member): the same
// contract as the in-memory runs, condensed — create/update/refuse units with nothing
// written on refusal, pagination, state filters, metadata PATCH all-or-nothing and its
// removals, delete — plus an engine and an agent running a unit end to end.
import { startControlPlane, eventually, type TestControlPlane } from "../../support/cluster";
import { etcdAvailable, startEtcd, waitHealthy, type EtcdMember } from "../../support/etcd";
import { FleetHttp, expectEmpty, expectError, jsonOf, machineId, registerMachine, reportStates, storeFingerprint } from "../../support/fleet-http";
import { openStore } from "../../../runtime/store";
import { Engine } from "../../../runtime/engine";
import type { RecordingExecutor } from "../../../runtime/executor/recording";

if (!etcdAvailable()) throw new Error("the etcd binary is required for these tests (Debian package etcd-server)");

const sleep = [{ section: "Service", name: "ExecStart", value: "/bin/sleep 3000" }];
const A = "e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5";
let member: EtcdMember;
let cp: TestControlPlane;
let api: FleetHttp;

beforeAll(async () => {
  member = await startEtcd();
  await waitHealthy(member);
  const store = await openStore({ backend: "etcd", endpoints: [member.clientUrl], callTimeoutMs: 2000 });
  cp = await startControlPlane({ store, leaseTtlSeconds: 30, engine: (s) => new Engine({ store: s, id: "e1", leaseTtlSeconds: 2, debounceMs: 5 }) });
  api = new FleetHttp(cp.server.url, cp.adminToken);
});
afterAll(async () => {
  await cp?.stop();
  await member?.stop();
});

/** What the API itself writes: units and metadata overrides (the engine writes elsewhere meanwhile). */
async function apiKeys() {
  return [(await storeFingerprint(cp.store, "/hafen/units/")).kvs, (await storeFingerprint(cp.store, "/hafen/metadata/")).kvs];
}

async function refuses(call: () => ReturnType<FleetHttp["get"]>, status: number, message?: RegExp | string) {
  const before = await apiKeys();
  expectError(await call(), status, message);
  expect(await apiKeys()).toEqual(before);
}

describe("units on etcd", () => {
  it("PUT: 201 create, 204 desiredState, 201 new version; refusals write nothing", async () => {
    expectEmpty(await api.put("/units/one.service", { desiredState: "inactive", options: sleep }), 201);
    expectEmpty(await api.put("/units/one.service", { desiredState: "loaded" }), 204);
    expectEmpty(await api.put("/units/one.service", { options: [...sleep, { section: "Unit", name: "Description", value: "v2" }] }), 201);
    expect(jsonOf(await api.get("/units/one.service"))).toMatchObject({ desiredState: "loaded", options: [sleep[0], { name: "Description", value: "v2" }] });
    await refuses(() => api.put("/units/none.service", { desiredState: "launched" }), 409, "unit does not exist and options field empty");
    await refuses(() => api.put("/units/one.service", {}), 409);
    await refuses(() => api.put("/units/one.service", { desiredState: "up" }), 400);
    await refuses(() => api.put("/units/tmpl@.service", { desiredState: "launched", options: sleep }), 400, /template/);
    await refuses(() => api.put("/units/bad name.service", { desiredState: "launched", options: sleep }), 400);
    await refuses(() => api.put("/units/x.service", { desiredState: "launched", options: sleep }, { contentType: "text/plain" }), 415);
  });

  it("GET /units pages 250 units as 100/100/50 (plus the one above)", async () => {
    const names = Array.from({ length: 249 }, (_, i) => `p${String(i).padStart(3, "0")}.service`);
    for (let i = 0; i < names.length; i += 50) {
      const res = await Promise.all(names.slice(i, i + 50).map((n) => api.put(`/units/${n}`, { desiredState: "inactive", options: sleep })));
      expect(new Set(res.map((r) => r.status))).toEqual(new Set([201]));
    }
    const { pages } = await api.pages<{ name: string }>("/units", "units");
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(pages.flat().map((u) => u.name)).toEqual([...names, "one.service"].sort());
    await refuses(() => api.get("/units?nextPageToken=garbage"), 400, /invalid value of nextPageToken/);
  });

  it("an agent runs a launched unit; GET shows machineID; DELETE withdraws it", async () => {
    const { executor } = await cp.startAgent({ id: A, name: "a", ttlSeconds: 3 });
    const rec = executor as RecordingExecutor;
    expectEmpty(await api.put("/units/run.service", { desiredState: "launched", options: sleep }), 201);
    const u = await eventually(async () => {
      const v = jsonOf(await api.get("/units/run.service")) as { currentState: string };
      return v.currentState === "launched" && v;
    }, 10_000, "run.service launched");
    expect(u).toEqual({ name: "run.service", options: sleep, desiredState: "launched", currentState: "launched", machineID: A });
    expect(jsonOf(await api.get("/state/run.service"))).toMatchObject({ name: "run.service", machineID: A, systemdActiveState: "active" });
    expectEmpty(await api.del("/units/run.service"), 204);
    expectError(await api.del("/units/run.service"), 404);
    await eventually(() => rec.events().some((e) => e.unit === "run.service" && e.event === "stopped"), 10_000, "run.service stopped");
  });
});

describe("state and machines on etcd", () => {
  it("GET /state filters and pages; PATCH is all-or-nothing and removals hide announced keys", async () => {
    const m = await registerMachine(cp.server.url, cp.bootstrapToken, { id: machineId(0x51), metadata: { zone: "a", disk: "hdd" } });
    await reportStates(cp.server.url, m, Array.from({ length: 120 }, (_, i) => ({ name: `s${String(i).padStart(3, "0")}.service`, hash: "h" })));
    const { pages } = await api.pages(`/state?machineID=${m.id}`, "states");
    expect(pages.map((p) => p.length)).toEqual([100, 20]);
    expect(await api.all(`/state?machineID=${m.id}&unitName=s007.service`, "states")).toHaveLength(1);

    const path = (k: string) => `/${m.id}/metadata/${k}`;
    await refuses(() => api.patch("/machines", [{ op: "add", path: path("ok"), value: "1" }, { op: "add", path: path("bad") }]), 400, /value/);
    expectEmpty(await api.patch("/machines", [{ op: "add", path: path("rack"), value: { value: "r1" } }, { op: "remove", path: path("disk") }]), 204);
    const listed = (await api.all<{ id: string; metadata: Record<string, string> }>("/machines", "machines")).find((x) => x.id === m.id);
    expect(listed?.metadata).toEqual({ zone: "a", rack: "r1" });
  });
});
