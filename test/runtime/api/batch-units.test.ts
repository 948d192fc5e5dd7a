// POST /hafen/v1/units — many unit writes in one request, each with fleet's PUT
// semantics and its own result — over raw HTTP against a real server on the in-memory
// store. Malformed requests are refused whole and proven to change nothing; a unit that
// breaks the rules fails alone while the rest are written.
import { startControlPlane, type TestControlPlane } from "../../support/cluster";
import { FleetHttp, expectError, jsonOf, storeFingerprint } from "../../support/fleet-http";
import { ApiClient } from "../../../runtime/client/api";
import type { HttpResponse } from "../../../runtime/client/transport";

const sleep = [{ section: "Service", name: "ExecStart", value: "/bin/sleep 3000" }];
const sleep2 = [{ section: "Service", name: "ExecStart", value: "/bin/sleep 4000" }];

let cp: TestControlPlane;
let hafen: FleetHttp;
let fleet: FleetHttp;

beforeAll(async () => {
  cp = await startControlPlane();
  hafen = new FleetHttp(cp.server.url, cp.adminToken, "/hafen/v1");
  fleet = new FleetHttp(cp.server.url, cp.adminToken);
});
afterAll(async () => {
  await cp.stop();
});

const post = (body: unknown, r: { token?: string | null; contentType?: string | null } = {}) => hafen.request("POST", "/units", { ...r, body });

async function unit(name: string): Promise<Record<string, unknown> | undefined> {
  const res = await fleet.get(`/units/${encodeURIComponent(name)}`);
  return res.status === 404 ? undefined : (jsonOf(res) as Record<string, unknown>);
}

async function refuses(call: () => Promise<HttpResponse>, status: number, message: RegExp | string): Promise<void> {
  const before = await storeFingerprint(cp.store);
  expectError(await call(), status, message);
  expect(await storeFingerprint(cp.store)).toEqual(before);
}

describe("POST /hafen/v1/units", () => {
  it("creates many units in one request, results in request order", async () => {
    const units = Array.from({ length: 300 }, (_, i) => ({ name: `b${i}.service`, options: sleep, desiredState: "launched" }));
    const res = await post({ units });
    expect(res.status).toBe(200);
    expect((jsonOf(res) as { results: unknown[] }).results).toEqual(units.map((u) => ({ name: u.name, status: 201 })));
    expect(await unit("b0.service")).toEqual({ name: "b0.service", options: sleep, desiredState: "launched", currentState: "inactive" });
    expect(await unit("b299.service")).toMatchObject({ desiredState: "launched" });
  });

  it("follows PUT's rules per unit when some exist: state change 204, new contents 201, missing 409", async () => {
    await post({ units: [{ name: "m1.service", options: sleep, desiredState: "loaded" }, { name: "m2.service", options: sleep, desiredState: "inactive" }] });
    const res = await post({
      units: [
        { name: "m1.service", options: sleep, desiredState: "launched" }, // same contents: state only
        { name: "m2.service", options: sleep2 }, // new contents, keeps its state
        { name: "m3.service", options: sleep, desiredState: "loaded" }, // new
        { name: "m4.service", desiredState: "launched" }, // absent, no options
        { name: "m1.service.x", options: sleep, desiredState: "launched" }, // a bad name fails alone
      ],
    });
    expect(res.status).toBe(200);
    const results = (jsonOf(res) as { results: Array<Record<string, unknown>> }).results;
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ["m1.service", 204],
      ["m2.service", 201],
      ["m3.service", 201],
      ["m4.service", 409],
      ["m1.service.x", 400],
    ]);
    expect(results[3]!.message).toBe("unit does not exist and options field empty");
    expect(results[4]!.message).toMatch(/unit type "x" is not supported; expected one of service/);
    expect(await unit("m1.service")).toMatchObject({ desiredState: "launched" });
    expect(await unit("m2.service")).toMatchObject({ options: sleep2, desiredState: "inactive" });
    expect(await unit("m4.service")).toBeUndefined();
    expect(await unit("m1.service.x")).toBeUndefined();
  });

  it("refuses to activate a template, alone", async () => {
    const res = await post({ units: [{ name: "t@.service", options: sleep, desiredState: "launched" }, { name: "t@1.service", options: sleep, desiredState: "launched" }] });
    const results = (jsonOf(res) as { results: Array<Record<string, unknown>> }).results;
    expect(results[0]).toEqual({ name: "t@.service", status: 400, message: expect.stringMatching(/cannot activate template "t@\.service"/) });
    expect(results[1]).toEqual({ name: "t@1.service", status: 201 });
    expect(await unit("t@.service")).toBeUndefined();
  });

  it("refuses malformed requests whole, naming the unit and field, and writes nothing", async () => {
    const ok = { name: "never.service", options: sleep, desiredState: "launched" };
    await refuses(() => post([ok]), 400, /expected a JSON object like \{"units"/);
    await refuses(() => post({ units: "x" }), 400, /expected a JSON object like/);
    await refuses(() => post({ units: [] }), 400, "field units: empty; give at least one unit");
    await refuses(() => post({ units: [ok, { options: sleep, desiredState: "launched" }] }), 400, "units[1].name: missing; every unit of a batch names itself");
    await refuses(() => post({ units: [ok, ok] }), 400, 'units[1].name: "never.service" also given as units[0]; name each unit once');
    await refuses(() => post({ units: [ok, { name: "x.service", options: "nope" }] }), 400, /^units\[1\]: field options: expected a list/);
    await refuses(() => post({ units: [ok, { name: "x.service", desiredState: "running" }] }), 400, /^units\[1\]: field desiredState: "running" is not one of inactive, loaded, launched/);
    await refuses(() => post({ units: [ok, 7] }), 400, /^units\[1\]: unable to decode body/);
    await refuses(() => post({ units: Array.from({ length: 2001 }, (_, i) => ({ name: `x${i}.service` })) }), 400, "field units: 2001 units; at most 2000 per request");
    await refuses(() => post("{\"units\": [", {}), 400, /./);
    await refuses(() => post({ units: [ok] }, { contentType: "text/plain" }), 415, /./);
    await refuses(() => post({ units: [ok] }, { token: null }), 401, /./);
    expect(await unit("never.service")).toBeUndefined();
  });

  it("ApiClient.writeUnits splits large sets into several requests and keeps the order", async () => {
    const client = new ApiClient({ endpoint: cp.server.url, token: cp.adminToken });
    // ~1 KiB per unit: 1,500 units need three requests at the client's 512 KiB limit.
    const big = [{ section: "Service", name: "ExecStart", value: `/bin/echo ${"x".repeat(1000)}` }];
    const writes = Array.from({ length: 1500 }, (_, i) => ({ name: `w${i}.service`, options: big, desiredState: "loaded" as const }));
    const results = await client.writeUnits(writes);
    expect(results).toEqual(writes.map((w) => ({ name: w.name, status: 201 })));
    expect((await client.writeUnits([{ name: "w7.service", desiredState: "launched" }]))[0]).toEqual({ name: "w7.service", status: 204 });
    expect(await unit("w1499.service")).toMatchObject({ desiredState: "loaded" });
  });
});

describe("unitRules.checkOptions verdict cache", () => {
  // Imported here: the cache is module state, shared with the server above.
  const { unitRules } = require("../../../runtime/cluster/unit-rules") as typeof import("../../../runtime/cluster/unit-rules");
  const descriptionOnly = [{ section: "Unit", name: "Description", value: "no ExecStart" }];

  it("keeps verdicts apart by unit type: clean as a target does not make it clean as a service", () => {
    expect(unitRules.checkOptions("cache.target", descriptionOnly)).toEqual([]);
    expect(unitRules.checkOptions("cache.target", descriptionOnly)).toEqual([]);
    expect(unitRules.checkOptions("cache.service", descriptionOnly).join()).toMatch(/ExecStart/);
  });

  it("never reuses a verdict for options holding a specifier (they expand from the name)", () => {
    const withSpecifier = [
      { section: "Service", name: "ExecStart", value: "/bin/true" },
      { section: "X-Fleet", name: "Conflicts", value: "%p@*.service" },
    ];
    const first = unitRules.checkOptions("spec@1.service", withSpecifier);
    expect(unitRules.checkOptions("spec@1.service", withSpecifier)).toEqual(first);
    expect(unitRules.checkOptions("bad name@1.service", withSpecifier).length).toBeGreaterThan(0);
  });

  it("refusals are computed each time, with their own message", () => {
    const bad = [{ section: "X-Fleet", name: "Global", value: "maybe" }, { section: "Service", name: "ExecStart", value: "/bin/true" }];
    const a = unitRules.checkOptions("g1.service", bad);
    expect(a.length).toBeGreaterThan(0);
    expect(unitRules.checkOptions("g1.service", bad)).toEqual(a);
  });
});
