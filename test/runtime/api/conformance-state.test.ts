// fleet API v1 conformance, GET /fleet/v1/state: unit states as agents report them,
// filtered by machineID and unitName, paginated. Machines register and report through
// Hafen's agent endpoints directly (raw HTTP with their own tokens), so the set of
// states is exact and known.
import { startControlPlane, type TestControlPlane } from "../../support/cluster";
import { FleetHttp, expectError, jsonOf, machineId, registerMachine, reportStates, storeFingerprint, type Registration } from "../../support/fleet-http";
import { encodePageToken } from "../../../runtime/api/pagination";

interface State {
  name: string;
  hash: string;
  machineID: string;
  systemdLoadState: string;
  systemdActiveState: string;
  systemdSubState: string;
}

const HASH = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
let cp: TestControlPlane;
let api: FleetHttp;
let m1: Registration;
let m2: Registration;
const m1Units = Array.from({ length: 130 }, (_, i) => `s-${String(i).padStart(3, "0")}.service`);
const m2Units = Array.from({ length: 30 }, (_, i) => `t-${String(i).padStart(3, "0")}.service`);

beforeAll(async () => {
  // A long lease: these machines never heartbeat, and their states live on their lease.
  cp = await startControlPlane({ leaseTtlSeconds: 60 });
  api = new FleetHttp(cp.server.url, cp.adminToken);
  expect(jsonOf(await api.get("/state"))).toEqual({ states: [] });
  m1 = await registerMachine(cp.server.url, cp.bootstrapToken, { id: machineId(1) });
  m2 = await registerMachine(cp.server.url, cp.bootstrapToken, { id: machineId(2) });
  await reportStates(cp.server.url, m1, [...m1Units, "global.service"].map((name) => ({ name, hash: HASH })));
  await reportStates(cp.server.url, m2, [...m2Units.map((name) => ({ name, hash: HASH, active: "inactive" })), { name: "global.service", hash: HASH }]);
});
afterAll(async () => {
  await cp.stop();
});

const key = (s: State) => `${s.name} ${s.machineID}`;

describe("GET /fleet/v1/state", () => {
  it("lists every state with fleet's UnitState fields, 100 per page, in a stable order", async () => {
    const { pages, tokens } = await api.pages<State>("/state", "states");
    expect(pages.map((p) => p.length)).toEqual([100, 62]);
    expect(tokens).toHaveLength(1);
    const all = pages.flat();
    expect(new Set(all.map(key)).size).toBe(162);
    expect(all.map(key)).toEqual(all.map(key).sort());
    expect(all.find((s) => s.name === "t-000.service")).toEqual({
      name: "t-000.service",
      hash: HASH,
      machineID: m2.id,
      systemdLoadState: "loaded",
      systemdActiveState: "inactive",
      systemdSubState: "dead",
    });
  });

  it("machineID keeps one machine's states (paginated, the filter repeated with the token)", async () => {
    const { pages } = await api.pages<State>(`/state?machineID=${m1.id}`, "states");
    expect(pages.map((p) => p.length)).toEqual([100, 31]);
    expect(new Set(pages.flat().map((s) => s.machineID))).toEqual(new Set([m1.id]));
    expect(pages.flat().map((s) => s.name).sort()).toEqual([...m1Units, "global.service"].sort());
    const only2 = await api.all<State>(`/state?machineID=${m2.id}`, "states");
    expect(only2.map((s) => s.name).sort()).toEqual([...m2Units, "global.service"].sort());
  });

  it("unitName keeps one unit's states on every machine; both filters together narrow to one", async () => {
    const g = await api.all<State>("/state?unitName=global.service", "states");
    expect(g.map((s) => s.machineID).sort()).toEqual([m1.id, m2.id].sort());
    const one = await api.all<State>(`/state?unitName=global.service&machineID=${m2.id}`, "states");
    expect(one).toEqual([expect.objectContaining({ name: "global.service", machineID: m2.id, systemdActiveState: "active" })]);
    expect(await api.all<State>(`/state?unitName=t-001.service&machineID=${m1.id}`, "states")).toEqual([]);
  });

  it("filters that match nothing give an empty page, not an error", async () => {
    for (const q of [`machineID=${machineId(99)}`, "unitName=nothing.service", "machineID=not-an-id", "unitName=%F0%9F%92%A9"]) {
      const res = await api.get(`/state?${q}`);
      expect(res.status).toBe(200);
      expect(jsonOf(res)).toEqual({ states: [] });
    }
  });

  it("an empty filter value means no filter, as in fleet", async () => {
    expect(await api.all<State>("/state?machineID=&unitName=", "states")).toHaveLength(162);
  });

  it.each([
    ["garbage", "zzz"],
    ["a wrong limit", encodePageToken({ limit: 50, page: 2 })],
    ["page zero", encodePageToken({ limit: 100, page: 0 })],
  ])("a bad nextPageToken (%s) → 400 and nothing changes", async (_what, token) => {
    const before = await storeFingerprint(cp.store);
    expectError(await api.get(`/state?nextPageToken=${token}`), 400, /invalid value of nextPageToken/);
    expect(await storeFingerprint(cp.store)).toEqual(before);
  });

  it("/v1-alpha/state answers the same", async () => {
    const a = await api.get(`/state?unitName=global.service`);
    const b = await api.with({ prefix: "/v1-alpha" }).get(`/state?unitName=global.service`);
    expect(b.status).toBe(200);
    expect(jsonOf(b)).toEqual(jsonOf(a));
  });

  it("GET /state/<unitName> (fleet's UnitState.Get, which fleetctl start polls) gives one state; unknown → 404", async () => {
    const res = await api.get("/state/t-003.service");
    expect(res.status).toBe(200);
    expect(jsonOf(res)).toEqual({
      name: "t-003.service",
      hash: HASH,
      machineID: m2.id,
      systemdLoadState: "loaded",
      systemdActiveState: "inactive",
      systemdSubState: "dead",
    });
    expect(jsonOf(await api.get("/state/global.service"))).toMatchObject({ name: "global.service", machineID: [m1.id, m2.id].sort()[0] });
    expectError(await api.get("/state/nothing.service"), 404, /does not exist/);
  });
});

describe("GET /hafen/v1/states (every state in one answer)", () => {
  it("returns exactly what fleet's pages return together, and needs the admin credential", async () => {
    const hafen = api.with({ prefix: "/hafen/v1" });
    const res = await hafen.get("/states");
    expect(res.status).toBe(200);
    const all = (jsonOf(res) as { states: State[] }).states;
    const paged = await api.all<State>("/state", "states");
    expect(all.map(key).sort()).toEqual(paged.map(key).sort());
    expect(all).toHaveLength(162);
    expectError(await hafen.get("/states", { token: null }), 401);
    expectError(await hafen.get("/states", { token: m1.machineToken }), 403);
  });
});
