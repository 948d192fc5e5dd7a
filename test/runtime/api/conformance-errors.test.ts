// fleet API v1 conformance, errors, credentials and the discovery document: every error
// is fleet's entity with application/json; unknown paths 404, wrong methods 405; no
// credentials 401 with WWW-Authenticate; machine and bootstrap tokens are not admins
// (403) and a machine token cannot act for another machine (403).
import { startControlPlane, type TestControlPlane } from "../../support/cluster";
import { FleetHttp, expectError, jsonOf, machineId, registerMachine, storeFingerprint, type Registration } from "../../support/fleet-http";
import { newToken } from "../../../runtime/api/auth";
import { send } from "../../../runtime/client/transport";

let cp: TestControlPlane;
let api: FleetHttp;
let m1: Registration;
let m2: Registration;

beforeAll(async () => {
  cp = await startControlPlane({ leaseTtlSeconds: 60 });
  api = new FleetHttp(cp.server.url, cp.adminToken);
  m1 = await registerMachine(cp.server.url, cp.bootstrapToken, { id: machineId(1) });
  m2 = await registerMachine(cp.server.url, cp.bootstrapToken, { id: machineId(2) });
  expect(m1.machineToken).toMatch(/^hfm_/);
});
afterAll(async () => {
  await cp.stop();
});
let logMark = 0;
beforeEach(() => {
  logMark = cp.logs.length;
});
afterEach(() => {
  expect(cp.logs.slice(logMark).filter((l) => l.startsWith("error:"))).toEqual([]);
});

const unitBody = { desiredState: "launched", options: [{ section: "Service", name: "ExecStart", value: "/bin/true" }] };
const patchBody = [{ op: "add", path: `/${machineId(1)}/metadata/x`, value: "y" }];

/** Every fleet v1 endpoint, with a request that is valid apart from credentials. */
const FLEET_ENDPOINTS: readonly [method: string, path: string, body?: unknown][] = [
  ["GET", "/units"],
  ["GET", "/units/a.service"],
  ["PUT", "/units/a.service", unitBody],
  ["DELETE", "/units/a.service"],
  ["GET", "/state"],
  ["GET", "/state/a.service"],
  ["GET", "/machines"],
  ["PATCH", "/machines", patchBody],
  ["GET", "/discovery"],
  ["GET", "/discovery.json"],
];

describe("errors: unknown paths and wrong methods", () => {
  it.each([
    "/",
    "/fleet",
    "/fleet/v1",
    "/fleet/v1/",
    "/fleet/v2/units",
    "/fleet/v1/unitz",
    "/fleet/v1/units/a.service/extra",
    "/fleet/v1/state/a.service/extra",
    "/fleet/v1/machines/x",
    "/v1-alpha/nope",
    "/hafen/v1/nope",
    "/fleet/v1/units/%E0%A4%A",
    "/%2e%2e/%2e%2e/etc/passwd",
  ])("GET %s → 404 with fleet's error entity (with or without credentials)", async (path) => {
    const before = await storeFingerprint(cp.store);
    for (const token of [cp.adminToken, undefined]) {
      const res = await send(`${cp.server.url}${path}`, token ? { token } : {});
      expectError(res, 404);
    }
    expect(await storeFingerprint(cp.store)).toEqual(before);
  });

  it.each([
    ["POST", "/units"],
    ["PUT", "/units"],
    ["DELETE", "/units"],
    ["PATCH", "/units"],
    ["POST", "/units/a.service"],
    ["PATCH", "/units/a.service"],
    ["POST", "/state"],
    ["DELETE", "/state"],
    ["PUT", "/state/a.service"],
    ["POST", "/machines"],
    ["PUT", "/machines"],
    ["DELETE", "/machines"],
    ["POST", "/discovery.json"],
    ["DELETE", "/discovery"],
    ["HEAD", "/units"],
    ["OPTIONS", "/machines"],
  ])("%s %s → 405 naming the allowed methods, with an Allow header", async (method, path) => {
    const before = await storeFingerprint(cp.store);
    const res = await api.request(method, path, method === "HEAD" ? {} : { body: {} });
    expect(res.status).toBe(405);
    expect(String(res.headers.allow)).toMatch(/^[A-Z, ]+$/);
    if (method !== "HEAD") expectError(res, 405, /not allowed/);
    expect(await storeFingerprint(cp.store)).toEqual(before);
  });
});

describe("errors: credentials", () => {
  it.each(FLEET_ENDPOINTS.map(([m, p, b]) => [m, p, b] as const))("%s %s without credentials → 401 with WWW-Authenticate", async (method, path, body) => {
    const before = await storeFingerprint(cp.store);
    const res = await api.request(method, path, { token: null, ...(body !== undefined ? { body } : {}) });
    expectError(res, 401, /authentication required/);
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer /);
    expect(await storeFingerprint(cp.store)).toEqual(before);
  });

  it.each([
    ["a malformed bearer token", "Bearer not-a-token"],
    ["an admin-shaped token nobody issued", `Bearer ${newToken("admin")}`],
    ["a bootstrap-shaped token nobody issued", `Bearer ${newToken("bootstrap")}`],
    ["a machine token with a wrong secret", `Bearer ${newToken("machine", machineId(1))}`],
    ["Basic credentials", `Basic ${Buffer.from("admin:admin").toString("base64")}`],
    ["an empty bearer", "Bearer "],
    ["a 12 KB bearer", `Bearer hfa_${"A".repeat(12_000)}`],
  ])("%s → 401", async (_what, authorization) => {
    const before = await storeFingerprint(cp.store);
    const res = await api.put("/units/auth.service", unitBody, { token: null, headers: { authorization } });
    expectError(res, 401);
    expect(res.headers["www-authenticate"]).toBeDefined();
    expect(await storeFingerprint(cp.store)).toEqual(before);
  });

  it.each(FLEET_ENDPOINTS.map(([m, p, b]) => [m, p, b] as const))("%s %s with a machine token or the bootstrap token → 403", async (method, path, body) => {
    const before = await storeFingerprint(cp.store);
    for (const token of [m1.machineToken, cp.bootstrapToken]) {
      const res = await api.request(method, path, { token, ...(body !== undefined ? { body } : {}) });
      expectError(res, 403, /may not/);
    }
    expect(await storeFingerprint(cp.store)).toEqual(before);
  });

  it("a machine token cannot act for another machine: heartbeat, assignments, states, register → 403", async () => {
    const before = await storeFingerprint(cp.store);
    const as1 = { token: m1.machineToken };
    const json = { "content-type": "application/json" };
    const calls = [
      send(`${cp.server.url}/hafen/v1/machines/${m2.id}/heartbeat`, as1, { method: "POST" }),
      send(`${cp.server.url}/hafen/v1/machines/${m2.id}/assignments`, as1),
      send(`${cp.server.url}/hafen/v1/machines/${m2.id}/states`, as1, { method: "PUT", headers: json, body: JSON.stringify({ states: [] }) }),
      send(`${cp.server.url}/hafen/v1/machines/register`, as1, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ id: m2.id, name: "evil", primaryIP: "10.6.6.6", metadata: {}, role: "worker", version: "x" }),
      }),
    ];
    for (const res of await Promise.all(calls)) expectError(res, 403, new RegExp(m2.id));
    expect(await storeFingerprint(cp.store)).toEqual(before);
    // Its own machine is fine.
    expect((await send(`${cp.server.url}/hafen/v1/machines/${m1.id}/heartbeat`, as1, { method: "POST" })).status).toBe(204);
  });

  it("the admin token is not a machine: agent endpoints → 403", async () => {
    const res = await send(`${cp.server.url}/hafen/v1/machines/${m1.id}/heartbeat`, { token: cp.adminToken }, { method: "POST" });
    expectError(res, 403);
  });
});

interface DiscoveryMethod {
  id: string;
  httpMethod: string;
  path: string;
  parameters?: Record<string, { location: string; required?: boolean }>;
}

describe("GET /fleet/v1/discovery.json", () => {
  async function doc(prefix = "/fleet/v1", name = "discovery.json") {
    const res = await api.with({ prefix }).get(`/${name}`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    return jsonOf(res) as {
      kind: string;
      id: string;
      rootUrl: string;
      servicePath: string;
      basePath: string;
      schemas: Record<string, unknown>;
      resources: Record<string, { methods: Record<string, DiscoveryMethod> }>;
    };
  }
  const methods = (d: Awaited<ReturnType<typeof doc>>) => Object.values(d.resources).flatMap((r) => Object.values(r.methods));

  it("is a Google API discovery document for fleet v1, the same at /discovery and on /v1-alpha", async () => {
    const d = await doc();
    expect(d).toMatchObject({ kind: "discovery#restDescription", id: "fleet:v1", servicePath: "fleet/v1/", basePath: "/fleet/v1/" });
    expect(Object.keys(d.resources).sort()).toEqual(["Machines", "UnitState", "Units"]);
    expect(await doc("/fleet/v1", "discovery")).toEqual(d);
    expect(await doc("/v1-alpha", "discovery")).toEqual(d);
    for (const s of ["Machine", "MachinePage", "Unit", "UnitOption", "UnitPage", "UnitState", "UnitStatePage"]) expect(d.schemas).toHaveProperty(s);
  });

  it("covers every fleet v1 endpoint the server answers", async () => {
    const listed = methods(await doc()).map((m) => `${m.httpMethod} ${m.path.replace(/\{[^}]+\}/g, "{}")}`);
    const served = FLEET_ENDPOINTS.filter(([, p]) => !p.startsWith("/discovery")).map(([m, p]) => `${m} ${p.slice(1).replace(/a\.service$/, "{}")}`);
    expect(listed.sort()).toEqual(served.sort());
  });

  it("every method it lists is served at rootUrl + servicePath + path (neither 404 'no such resource' nor 405)", async () => {
    const d = await doc();
    expect(d.rootUrl).toBe(`${cp.server.url}/`);
    for (const m of methods(d)) {
      const path = m.path.replace(/\{[^}]+\}/g, "probe.service");
      const body = m.httpMethod === "PUT" ? { desiredState: "inactive" } : m.httpMethod === "PATCH" ? [] : undefined;
      const res = await send(`${d.rootUrl}${d.servicePath}${path}`, { token: cp.adminToken }, {
        method: m.httpMethod,
        ...(body !== undefined ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } } : {}),
      });
      expect({ method: m.id, status: res.status }).toEqual({ method: m.id, status: expect.any(Number) });
      expect([405, 500]).not.toContain(res.status);
      expect(res.body.toString()).not.toMatch(/no such resource/);
      for (const [name, p] of Object.entries(m.parameters ?? {})) {
        if (p.location === "path") expect(m.path).toContain(`{${name}}`);
      }
    }
  });
});
