// fleet API v1 conformance, PUT /fleet/v1/units/<name>: raw HTTP against a real server
// over the in-memory store (no engine, so nothing but the API writes). Every refused
// request is checked to leave the store untouched: same revision, same keys, same list.
import { startControlPlane, type TestControlPlane } from "../../support/cluster";
import { FleetHttp, expectEmpty, expectError, jsonOf, rawExchange, storeFingerprint } from "../../support/fleet-http";
import type { HttpResponse } from "../../../runtime/client/transport";

const ID = "0123456789abcdef0123456789abcdef";
const sleep = [{ section: "Service", name: "ExecStart", value: "/bin/sleep 3000" }];
const sleep2 = [{ section: "Service", name: "ExecStart", value: "/bin/sleep 4000" }];
const xfleet = (name: string, value: string) => ({ section: "X-Fleet", name, value });

let cp: TestControlPlane;
let api: FleetHttp;

beforeAll(async () => {
  cp = await startControlPlane();
  api = new FleetHttp(cp.server.url, cp.adminToken);
});
afterAll(async () => {
  await cp.stop();
});
let logMark = 0;
beforeEach(() => {
  logMark = cp.logs.length;
});
afterEach(() => {
  // No request in this file may reach the 500 path (which logs "error: ...").
  expect(cp.logs.slice(logMark).filter((l) => l.startsWith("error:"))).toEqual([]);
});

const unitPath = (name: string) => `/units/${encodeURIComponent(name)}`;

async function unit(name: string): Promise<Record<string, unknown>> {
  const res = await api.get(unitPath(name));
  expect(res.status).toBe(200);
  return jsonOf(res) as Record<string, unknown>;
}

/** Sends `call`, expects fleet's error entity, and proves nothing was written. */
async function refuses(call: () => Promise<HttpResponse>, status: number, message?: RegExp | string): Promise<string> {
  const before = await storeFingerprint(cp.store);
  const listBefore = await api.all("/units", "units");
  const text = expectError(await call(), status, message);
  expect(await storeFingerprint(cp.store)).toEqual(before);
  expect(await api.all("/units", "units")).toEqual(listBefore);
  return text;
}

describe("PUT /fleet/v1/units/<name>", () => {
  it("creates with options and desiredState: 201 and no body; the unit reads back as sent", async () => {
    const res = await api.put(unitPath("create.service"), { desiredState: "launched", options: sleep });
    expectEmpty(res, 201);
    expect(res.headers["content-type"]).toBeUndefined();
    expect(await unit("create.service")).toEqual({ name: "create.service", options: sleep, desiredState: "launched", currentState: "inactive" });
  });

  it("same options with a new desiredState → 204; desiredState only → 204; repeating it → 204", async () => {
    expectEmpty(await api.put(unitPath("states.service"), { desiredState: "loaded", options: sleep }), 201);
    expectEmpty(await api.put(unitPath("states.service"), { desiredState: "launched", options: sleep }), 204);
    expect((await unit("states.service")).desiredState).toBe("launched");
    expectEmpty(await api.put(unitPath("states.service"), { desiredState: "inactive" }), 204);
    expect((await unit("states.service")).desiredState).toBe("inactive");
    expectEmpty(await api.put(unitPath("states.service"), { desiredState: "inactive" }), 204);
    expect(await unit("states.service")).toEqual({ name: "states.service", options: sleep, desiredState: "inactive", currentState: "inactive" });
  });

  it("accepts the name in the body when it equals the URL's, and ignores read-only fields", async () => {
    const body = { name: "named.service", desiredState: "loaded", options: sleep, currentState: "launched", machineID: ID };
    expectEmpty(await api.put(unitPath("named.service"), body), 201);
    expect(await unit("named.service")).toEqual({ name: "named.service", options: sleep, desiredState: "loaded", currentState: "inactive" });
  });

  it("options that differ from the stored unit make a new version: 201, new options, desiredState kept when omitted", async () => {
    expectEmpty(await api.put(unitPath("version.service"), { desiredState: "loaded", options: sleep }), 201);
    expectEmpty(await api.put(unitPath("version.service"), { desiredState: "launched", options: sleep2 }), 201);
    expect(await unit("version.service")).toMatchObject({ options: sleep2, desiredState: "launched" });
    expectEmpty(await api.put(unitPath("version.service"), { options: sleep }), 201);
    expect(await unit("version.service")).toMatchObject({ options: sleep, desiredState: "launched" });
  });

  it("creating without options → 409 'unit does not exist and options field empty'", async () => {
    for (const body of [{ desiredState: "launched" }, { desiredState: "launched", options: [] }, { desiredState: "launched", options: null }, {}]) {
      await refuses(() => api.put(unitPath("absent.service"), body), 409, "unit does not exist and options field empty");
    }
    expectError(await api.get(unitPath("absent.service")), 404);
  });

  it("an existing unit without desiredState → 409", async () => {
    expectEmpty(await api.put(unitPath("nostate.service"), { desiredState: "loaded", options: sleep }), 201);
    for (const body of [{}, { options: sleep }, { desiredState: "" }, { options: [] }]) {
      await refuses(() => api.put(unitPath("nostate.service"), body), 409, /desiredState/);
    }
  });

  it("a name in the body that differs from the URL → 400 naming both", async () => {
    await refuses(() => api.put(unitPath("url.service"), { name: "body.service", desiredState: "launched", options: sleep }), 400, /"url.service".*"body.service"/);
  });

  it.each([
    ["no type suffix", "foo", /"foo" has no type suffix/],
    ["unknown type", "foo.bogus", /"bogus" is not supported/],
    ["trailing dot", "foo.", /"foo\." has no type suffix/],
    ["a blank", "a b.service", /"a b.service"/],
    ["a slash", "a/b.service", /"a\/b.service"/],
    ["a leading @", "@x.service", /"@x.service"/],
    ["unicode", "ünï.service", /"ünï.service"/],
    ["an emoji", "\u{1F4A9}.service", /"\u{1F4A9}.service"/u],
    ["a NUL", "a\u0000.service", /"a\u0000.service"/],
    ["300 characters", `${"x".repeat(292)}.service`, /300 characters.*at most 255/],
  ])("an invalid unit name (%s) → 400 naming it", async (_what, name, message) => {
    await refuses(() => api.put(unitPath(name), { desiredState: "launched", options: sleep }), 400, message);
  });

  it.each([
    ["Global with MachineID", [xfleet("Global", "true"), xfleet("MachineID", ID)], /MachineID.*Global|Global.*MachineID/],
    ["MachineID with MachineOf", [xfleet("MachineID", ID), xfleet("MachineOf", "db.service")], /MachineID.*MachineOf/],
    ["MachineID with Conflicts", [xfleet("MachineID", ID), xfleet("Conflicts", "web*")], /MachineID.*Conflicts/],
    ["MachineID with Replaces", [xfleet("MachineID", ID), xfleet("Replaces", "old.service")], /MachineID.*Replaces/],
    ["Global with MachineOf", [xfleet("Global", "true"), xfleet("MachineOf", "db.service")], /Global.*MachineOf|MachineOf.*Global/],
    ["Global with Replaces", [xfleet("Global", "true"), xfleet("Replaces", "old.service")], /Global.*Replaces|Replaces.*Global/],
    ["Conflicts with Replaces", [xfleet("Conflicts", "a*"), xfleet("Replaces", "b.service")], /Conflicts.*Replaces|Replaces.*Conflicts/],
    ["MachineOf matching its own Conflicts", [xfleet("MachineOf", "db.service"), xfleet("Conflicts", "db*")], /db/],
    ["an unknown X-Fleet option", [xfleet("MachineIDs", ID)], /MachineIDs/],
  ])("an invalid [X-Fleet] combination (%s) → 400 naming the problem", async (_what, fleet, message) => {
    await refuses(() => api.put(unitPath("xfleet.service"), { desiredState: "launched", options: [...sleep, ...fleet] }), 400, message);
  });

  it("X-Fleet checks apply to a new version of an existing unit too", async () => {
    expectEmpty(await api.put(unitPath("xv.service"), { desiredState: "loaded", options: sleep }), 201);
    await refuses(
      () => api.put(unitPath("xv.service"), { desiredState: "launched", options: [...sleep, xfleet("Global", "true"), xfleet("MachineID", ID)] }),
      400,
      /Global/,
    );
  });

  it("templates: activating one → 400; submitting it inactive works; its instances launch", async () => {
    await refuses(() => api.put(unitPath("tmpl@.service"), { desiredState: "launched", options: sleep }), 400, /template/);
    await refuses(() => api.put(unitPath("tmpl@.service"), { desiredState: "loaded", options: sleep }), 400, /template/);
    expectEmpty(await api.put(unitPath("tmpl@.service"), { desiredState: "inactive", options: sleep }), 201);
    await refuses(() => api.put(unitPath("tmpl@.service"), { desiredState: "launched" }), 400, /cannot activate template "tmpl@.service"/);
    expectEmpty(await api.put(unitPath("tmpl@1.service"), { desiredState: "launched", options: sleep }), 201);
    expect((await unit("tmpl@1.service")).desiredState).toBe("launched");
  });

  it.each([
    ["missing", null],
    ["text/plain", "text/plain"],
    ["form-encoded", "application/x-www-form-urlencoded"],
    ["json-ish", "application/jsonx"],
    ["multipart", "multipart/form-data; boundary=x"],
  ])("Content-Type %s → 415", async (_what, contentType) => {
    await refuses(() => api.put(unitPath("ctype.service"), { desiredState: "launched", options: sleep }, { contentType }), 415, /Content-Type/);
  });

  it("Content-Type application/json with parameters and other casing is accepted", async () => {
    expectEmpty(await api.put(unitPath("charset.service"), { desiredState: "loaded", options: sleep }, { contentType: "Application/JSON; charset=utf-8" }), 201);
  });

  it.each([
    ["empty", ""],
    ["truncated", '{"desiredState":"launched","options":['],
    ["trailing garbage", '{"desiredState":"launched"} x'],
    ["single quotes", "{'desiredState':'launched'}"],
    ["a bare word", "launched"],
  ])("malformed JSON (%s) → 400", async (_what, body) => {
    await refuses(() => api.put(unitPath("malformed.service"), body), 400, /JSON|body/);
  });

  it.each([
    ["null", "null"],
    ["an array", '[{"desiredState":"launched"}]'],
    ["a number", "42"],
    ["a string", '"launched"'],
    ["true", "true"],
  ])("JSON that is not an object (%s) → 400", async (_what, body) => {
    await refuses(() => api.put(unitPath("notobject.service"), body), 400, /object/);
  });

  it.each([
    ["an object", { section: "Service", name: "ExecStart", value: "/bin/true" }],
    ["a string", "ExecStart=/bin/true"],
    ["a list of strings", ["ExecStart=/bin/true"]],
    ["a number value", [{ section: "Service", name: "ExecStart", value: 1 }]],
    ["a missing section", [{ name: "ExecStart", value: "/bin/true" }]],
    ["a null entry", [null]],
    ["a nested list", [[{ section: "Service", name: "ExecStart", value: "/bin/true" }]]],
  ])("options that are not a list of {section,name,value} strings (%s) → 400 naming the field", async (_what, options) => {
    await refuses(() => api.put(unitPath("options.service"), { desiredState: "launched", options }), 400, /options/);
  });

  it.each([["running"], ["LAUNCHED"], [" launched"], [1], [true], [["launched"]], [{ state: "launched" }]])(
    "desiredState %j → 400 naming the accepted values",
    async (desiredState) => {
      await refuses(() => api.put(unitPath("ds.service"), { desiredState, options: sleep }), 400, /inactive, loaded, launched/);
    },
  );

  it("a bad desiredState on an existing unit → 400 and the unit keeps its state", async () => {
    expectEmpty(await api.put(unitPath("keep.service"), { desiredState: "loaded", options: sleep }), 201);
    await refuses(() => api.put(unitPath("keep.service"), { desiredState: "started" }), 400, /desiredState/);
    expect((await unit("keep.service")).desiredState).toBe("loaded");
  });

  it("a body over the limit → 413, whether Content-Length announces it or not", async () => {
    const big = { desiredState: "launched", options: [{ section: "Service", name: "ExecStart", value: "x".repeat(1024 * 1024 + 10) }] };
    await refuses(() => api.put(unitPath("big.service"), big), 413, /limit/);
    // Chunked: no Content-Length, so the limit has to be enforced while reading.
    const before = await storeFingerprint(cp.store);
    const chunk = "x".repeat(64 * 1024);
    const chunks = Array.from({ length: 20 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join("");
    const head =
      `PUT /fleet/v1/units/big.service HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${cp.adminToken}\r\n` +
      `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`;
    const res = await rawExchange(cp.server.url, `${head}${chunks}0\r\n\r\n`);
    expect(res.status).toBe(413);
    expect(res.text).toMatch(/"code":413/);
    expect(await storeFingerprint(cp.store)).toEqual(before);
  });

  it("options beyond the per-unit bounds → 400", async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ section: "Service", name: "Environment", value: `A${i}=1` }));
    await refuses(() => api.put(unitPath("many.service"), { desiredState: "launched", options: many }), 400, /1000/);
  });

  it("after all the refusals above the server still creates units (spot check on /v1-alpha)", async () => {
    const alpha = api.with({ prefix: "/v1-alpha" });
    expectEmpty(await alpha.put(unitPath("alpha.service"), { desiredState: "loaded", options: sleep }), 201);
    expectEmpty(await alpha.put(unitPath("alpha.service"), { desiredState: "launched" }), 204);
    expect(await unit("alpha.service")).toMatchObject({ name: "alpha.service", desiredState: "launched" });
    expectError(await alpha.put(unitPath("alpha-missing.service"), { desiredState: "launched" }), 409, "unit does not exist and options field empty");
    expectError(await alpha.put(unitPath("alpha.service"), {}, { contentType: "text/plain" }), 415);
  });
});
