// fleet API v1 conformance, robustness: garbage never gets a 500 and the server keeps
// serving. Deeply nested JSON in every field, binary bodies, headers near and beyond
// Node's limits, broken request lines, odd Host headers, unicode everywhere, and random
// JSON bodies (fast-check) against every endpoint that reads a body.
import fc from "fast-check";
import { startControlPlane, type TestControlPlane } from "../../support/cluster";
import { FleetHttp, expectEmpty, expectError, jsonOf, machineId, rawExchange, registerMachine, storeFingerprint, type Registration } from "../../support/fleet-http";
import { send, type HttpResponse } from "../../../runtime/client/transport";

let cp: TestControlPlane;
let api: FleetHttp;
let m1: Registration;
const sleep = [{ section: "Service", name: "ExecStart", value: "/bin/sleep 3000" }];

beforeAll(async () => {
  cp = await startControlPlane({ leaseTtlSeconds: 60 });
  api = new FleetHttp(cp.server.url, cp.adminToken);
  m1 = await registerMachine(cp.server.url, cp.bootstrapToken, { id: machineId(1), metadata: { zone: "a" } });
  expectEmpty(await api.put("/units/existing.service", { desiredState: "loaded", options: sleep }), 201);
});
afterAll(async () => {
  await cp.stop();
});
let logMark = 0;
beforeEach(() => {
  logMark = cp.logs.length;
});
afterEach(async () => {
  // Nothing reached the 500 path, and the server still answers a plain request.
  expect(cp.logs.slice(logMark).filter((l) => l.startsWith("error:") || / → 5\d\d /.test(l))).toEqual([]);
  expect((await api.get("/units/existing.service")).status).toBe(200);
});

const DEPTH = 20_000;
const deepArray = "[".repeat(DEPTH) + "]".repeat(DEPTH);
const deepObject = '{"a":'.repeat(DEPTH) + "1" + "}".repeat(DEPTH);

function post(path: string, token: string, body: string | Buffer, method = "POST", contentType = "application/json"): Promise<HttpResponse> {
  return send(`${cp.server.url}${path}`, { token }, { method, headers: { "content-type": contentType }, body });
}

/** The endpoints that read a body, each as a function of the raw body. */
const bodyEndpoints: readonly [string, (body: string | Buffer) => Promise<HttpResponse>][] = [
  ["PUT /fleet/v1/units/x.service", (b) => api.put("/units/x.service", b)],
  ["PUT /fleet/v1/units/existing.service", (b) => api.put("/units/existing.service", b)],
  ["PATCH /fleet/v1/machines", (b) => api.patch("/machines", b)],
  ["POST /hafen/v1/machines/register", (b) => post("/hafen/v1/machines/register", cp.bootstrapToken, b)],
  ["PUT /hafen/v1/machines/<id>/states", (b) => post(`/hafen/v1/machines/${m1.id}/states`, m1.machineToken, b, "PUT")],
];

describe("robustness: deeply nested JSON", () => {
  const fields: readonly [string, (deep: string) => string][] = [
    ["desiredState", (d) => `{"desiredState":${d},"options":${JSON.stringify(sleep)}}`],
    ["name", (d) => `{"name":${d},"desiredState":"launched","options":${JSON.stringify(sleep)}}`],
    ["options", (d) => `{"desiredState":"launched","options":${d}}`],
    ["an option's value", (d) => `{"desiredState":"launched","options":[{"section":"Service","name":"ExecStart","value":${d}}]}`],
    ["an unknown field", (d) => `{"desiredState":"launched","x":${d}}`],
    ["the whole body", (d) => d],
  ];
  it.each(fields)("in PUT /units: %s → 4xx", async (_what, make) => {
    for (const deep of [deepArray, deepObject]) {
      const before = await storeFingerprint(cp.store);
      const res = await api.put("/units/deep.service", make(deep));
      expect([400, 409]).toContain(res.status);
      expectError(res, res.status);
      expect(await storeFingerprint(cp.store)).toEqual(before);
    }
  });

  const patchFields: readonly [string, (deep: string) => string][] = [
    ["op", (d) => `[{"op":${d},"path":"/${machineId(1)}/metadata/k","value":"v"}]`],
    ["path", (d) => `[{"op":"add","path":${d},"value":"v"}]`],
    ["value", (d) => `[{"op":"add","path":"/${machineId(1)}/metadata/k","value":${d}}]`],
    ["value.value", (d) => `[{"op":"add","path":"/${machineId(1)}/metadata/k","value":{"value":${d}}}]`],
    ["an entry", (d) => `[${d}]`],
  ];
  it.each(patchFields)("in PATCH /machines: %s → 400", async (_what, make) => {
    for (const deep of [deepArray, deepObject]) {
      const before = await storeFingerprint(cp.store);
      expectError(await api.patch("/machines", make(deep)), 400);
      expect(await storeFingerprint(cp.store)).toEqual(before);
    }
  });

  const registerFields = ["id", "name", "primaryIP", "metadata", "role", "version", "agentEndpoint", "agentKey"];
  it.each(registerFields)("in POST /hafen/v1/machines/register: %s → 400 naming the field", async (field) => {
    const good = { id: machineId(7), name: "m7", primaryIP: "127.0.0.1", metadata: {}, role: "worker", version: "t" };
    for (const deep of [deepArray, deepObject]) {
      const text = JSON.stringify({ ...good, [field]: "@@DEEP@@" }).replace('"@@DEEP@@"', deep);
      expectError(await post("/hafen/v1/machines/register", cp.bootstrapToken, text), 400, new RegExp(`field ${field}`));
    }
    expect((await api.all<{ id: string }>("/machines", "machines")).map((m) => m.id)).toEqual([machineId(1)]);
  });

  it("in PUT /hafen/v1/machines/<id>/states: a state's field → 400", async () => {
    for (const deep of [deepArray, deepObject]) {
      const text = `{"states":[{"name":${deep},"hash":"h","systemdLoadState":"l","systemdActiveState":"a","systemdSubState":"s"}]}`;
      expectError(await post(`/hafen/v1/machines/${m1.id}/states`, m1.machineToken, text, "PUT"), 400);
      expectError(await post(`/hafen/v1/machines/${m1.id}/states`, m1.machineToken, `{"states":${deep}}`, "PUT"), 400);
    }
  });
});

describe("robustness: binary bodies, headers, request lines", () => {
  it.each(bodyEndpoints.map(([n, f]) => [n, f] as const))("%s with binary bodies → 4xx", async (_name, call) => {
    const bodies = [
      Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x81]),
      Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), // {"<invalid utf-8>":1}
      Buffer.alloc(4096, 0),
      Buffer.from("\u0000{}\u0000"),
      Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), // BOM + {}
    ];
    for (const body of bodies) {
      const res = await call(body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expectError(res, res.status);
    }
  });

  it("a 12 KB header (within Node's 16 KB limit) is served normally", async () => {
    const res = await api.get("/units/existing.service", { headers: { "x-garbage": "\u00e9".repeat(6000).replace(/\u00e9/g, "ab") } });
    expect(res.status).toBe(200);
  });

  it("headers beyond Node's limit get 431 from Node, and the server keeps serving", async () => {
    const res = await rawExchange(cp.server.url, `GET /fleet/v1/units HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
  });

  it.each([
    ["a binary request line", Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a])],
    ["an unknown method", "BREW /fleet/v1/units HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["a bad HTTP version", "GET /fleet/v1/units HTTP/9.9\r\nHost: x\r\n\r\n"],
    ["a header without a colon", "GET /fleet/v1/units HTTP/1.1\r\nHost x\r\n\r\n"],
    ["two Content-Lengths", "PUT /fleet/v1/units/a.service HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"],
    ["a bad chunk size", "PUT /fleet/v1/units/a.service HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"],
  ])("%s → 400 from Node, and the server keeps serving", async (_what, request) => {
    const res = await rawExchange(cp.server.url, request);
    expect(res.status).toBe(400);
  });

  it("raw UTF-8 and control bytes in the path → 4xx, never 5xx", async () => {
    for (const path of ["/fleet/v1/units/\u00fc.service", "/fleet/v1/units/a\u0001b.service", "/fleet/v1/units/%C0%AE.service", "/fleet/v1/state?unitName=%FF"]) {
      const head = `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${cp.adminToken}\r\nConnection: close\r\n\r\n`;
      const res = await rawExchange(cp.server.url, Buffer.from(head, "utf8"));
      expect(res.status === 0 || (res.status >= 200 && res.status < 500)).toBe(true);
    }
  });

  it.each([
    ["a port above 65535", "a:99999", "self"],
    ["a path", "evil.example/path", "self"],
    ["a broken IPv6 literal", "[::1", "self"],
    ["300 characters", "x".repeat(300), "self"],
    ["a non-ASCII name", "\u00e9.example", "self"],
    ["a plain host:port", "127.0.0.1:8080", "http://127.0.0.1:8080/"],
  ])("discovery with a Host header of %s → 200 and a usable rootUrl", async (_what, host, rootUrl) => {
    const head = `GET /fleet/v1/discovery.json HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${cp.adminToken}\r\nConnection: close\r\n\r\n`;
    const res = await rawExchange(cp.server.url, Buffer.from(head, "latin1"));
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.text.slice(res.text.indexOf("\r\n\r\n") + 4)) as { rootUrl: string };
    expect(doc.rootUrl).toBe(rootUrl === "self" ? `${cp.server.url}/` : rootUrl);
  });

  it("50 garbage requests at once: all 4xx, and the state is unchanged", async () => {
    const before = await storeFingerprint(cp.store);
    const calls = Array.from({ length: 50 }, (_, i) => bodyEndpoints[i % bodyEndpoints.length]![1](Buffer.from(`{"garbage":${i},`)));
    const statuses = (await Promise.all(calls)).map((r) => r.status);
    expect(statuses.filter((s) => s < 400 || s >= 500)).toEqual([]);
    expect(await storeFingerprint(cp.store)).toEqual(before);
  });
});

describe("robustness: random JSON bodies (fast-check)", () => {
  const unitName = fc.oneof(
    fc.constantFrom("p.service", "existing.service", "t@.service", "t@1.service", "q.socket"),
    fc.string({ maxLength: 20 }).map((s) => `${s}.service`),
    fc.string({ unit: "grapheme", maxLength: 12 }),
  );
  const option = fc.record({ section: fc.constantFrom("Service", "Unit", "X-Fleet", ""), name: fc.constantFrom("ExecStart", "MachineID", "Global", "Conflicts", "x"), value: fc.string({ maxLength: 40 }) });
  const unitBody = fc.oneof(
    fc.record(
      { name: unitName, desiredState: fc.oneof(fc.constantFrom("inactive", "loaded", "launched", ""), fc.jsonValue({ maxDepth: 2 })), options: fc.oneof(fc.array(option, { maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })) },
      { requiredKeys: [] },
    ),
    fc.jsonValue({ maxDepth: 4 }),
  );

  it("PUT /units/<name>: only fleet's statuses, never 5xx, and every 4xx is fleet's error entity", async () => {
    await fc.assert(
      fc.asyncProperty(unitName, unitBody, async (name, body) => {
        const res = await api.put(`/units/${encodeURIComponent(name)}`, JSON.stringify(body));
        // An empty name addresses the collection, which takes only GET.
        expect(name === "" ? [405] : [201, 204, 400, 404, 409]).toContain(res.status);
        if (res.status >= 400) expectError(res, res.status);
        else expectEmpty(res, res.status);
      }),
      { numRuns: 100, seed: 13 },
    );
  });

  const op = fc.record(
    {
      op: fc.oneof(fc.constantFrom("add", "remove", "replace", "move"), fc.jsonValue({ maxDepth: 1 })),
      path: fc.oneof(fc.constant(`/${machineId(1)}/metadata/k`), fc.string({ maxLength: 30 }).map((k) => `/${machineId(1)}/metadata/${k}`), fc.jsonValue({ maxDepth: 1 })),
      value: fc.oneof(fc.string({ maxLength: 10 }), fc.record({ value: fc.jsonValue({ maxDepth: 1 }) }), fc.jsonValue({ maxDepth: 2 })),
    },
    { requiredKeys: [] },
  );

  it("PATCH /machines: 204 or 400, and a refused patch applies nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.array(op, { maxLength: 5 }), fc.jsonValue({ maxDepth: 3 })), async (body) => {
        const before = await api.all("/machines", "machines");
        const res = await api.patch("/machines", JSON.stringify(body));
        expect([204, 400]).toContain(res.status);
        if (res.status === 400) {
          expectError(res, 400);
          expect(await api.all("/machines", "machines")).toEqual(before);
        }
      }),
      { numRuns: 100, seed: 13 },
    );
  });

  it("POST /hafen/v1/machines/register and PUT states: never 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (body) => {
        const a = await post("/hafen/v1/machines/register", cp.bootstrapToken, JSON.stringify(body));
        const b = await post(`/hafen/v1/machines/${m1.id}/states`, m1.machineToken, JSON.stringify(body), "PUT");
        for (const res of [a, b]) {
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expectError(res, res.status);
        }
      }),
      { numRuns: 60, seed: 13 },
    );
    expect((jsonOf(await api.get("/machines")) as { machines: unknown[] }).machines.length).toBeGreaterThanOrEqual(1);
  });
});
