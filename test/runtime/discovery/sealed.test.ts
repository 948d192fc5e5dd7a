// Sealed records, the pure layers: request parsing (every refusal names its field and what
// is accepted), the registry under a manual clock (create, replace, expiry, the per-token
// limit, invisibility to etcd's tree and the server list), and their log records (replay,
// snapshots, logs written before sealed records existed).
import fc from "fast-check";
import { parseRequest, type RawRequest } from "../../../runtime/discovery/request";
import { Registry, type Reply } from "../../../runtime/discovery/registry";
import { decodeRecords, encodeRecord, type LogRecord } from "../../../runtime/discovery/records";
import { MAX_SEALED_BYTES, MAX_SEALED_PER_TOKEN, MAX_SEALED_TTL_SECONDS } from "../../../runtime/discovery/sealed";
import { seal, SEAL_MAX_BYTES } from "../../../runtime/tls/seal";

const T = "0123456789abcdef0123456789abcdef";
const JSON_TYPE = "application/json";
const BOOT = "bootstrap-token-0123456789abcdef";
const BLOB = seal(BOOT, "ca-key", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n");
const req = (method: string, target: string, body = "", contentType?: string): RawRequest => ({ method, target, body, contentType });
const putReq = (name: string, body: string, ttl = "60", contentType: string | null = JSON_TYPE) => req("PUT", `/_hafen/${T}/sealed/${name}?ttl=${ttl}`, body, contentType ?? undefined);
const blobWith = (patch: Record<string, unknown>, drop: string[] = []): string => {
  const o: Record<string, unknown> = { ...JSON.parse(BLOB), ...patch };
  for (const k of drop) delete o[k];
  return JSON.stringify(o);
};

describe("parsing", () => {
  test.each([
    [putReq("ca-key", BLOB), { kind: "sealed-put", token: T, name: "ca-key", blob: BLOB, ttlSeconds: 60 }],
    [putReq("a", BLOB, "1", "application/json; charset=utf-8"), { kind: "sealed-put", token: T, name: "a", blob: BLOB, ttlSeconds: 1 }],
    [putReq("0.x_y-z", ` ${BLOB}\n`, String(MAX_SEALED_TTL_SECONDS)), { kind: "sealed-put", token: T, name: "0.x_y-z", blob: ` ${BLOB}\n`, ttlSeconds: 604800 }],
    [putReq("v2", blobWith({ v: 2, alg: "XC20P", ct: "" })), { kind: "sealed-put", token: T, name: "v2", blob: blobWith({ v: 2, alg: "XC20P", ct: "" }), ttlSeconds: 60 }],
    [req("GET", `/_hafen/${T}/sealed/ca-key`), { kind: "sealed-get", token: T, name: "ca-key" }],
    [req("GET", `/_hafen/${T}/sealed/ca-key/`), { kind: "sealed-get", token: T, name: "ca-key" }],
    [req("DELETE", `/_hafen/${T}/sealed/ca-key`), { kind: "sealed-delete", token: T, name: "ca-key" }],
  ])("accepted %#", (raw, expected) => {
    expect(parseRequest(raw)).toEqual({ ok: true, request: expected });
  });

  // [request, errorCode, text the cause must contain]
  const refusals: [RawRequest, number, string][] = [
    // names
    ...["CA-key", ".hidden", "-x", "_x", "a b", "a%2Fb", "ä", "x".repeat(64)].map((n) => [putReq(n, BLOB), 209, "sealed record name"] as [RawRequest, number, string]),
    [req("GET", `/_hafen/${T}/sealed/Bad`), 209, "expected 1 to 63 of a-z, 0-9"],
    // routes: no listing, no nesting, dot segments
    [req("GET", `/_hafen/${T}/sealed`), 100, "sealed records are not listed"],
    [req("GET", `/_hafen/${T}/sealed/`), 100, "sealed records are not listed"],
    [req("GET", `/_hafen/${T}/sealed/a/b`), 100, "/sealed/a/b"],
    [req("GET", `/_hafen/${T}/sealed/..`), 100, "/sealed/.."],
    [req("GET", `/_hafen/${T.toUpperCase()}/sealed/a`), 100, "/_hafen/"],
    // methods
    [req("POST", `/_hafen/${T}/sealed/a`, BLOB, JSON_TYPE), 1004, "use GET, PUT or DELETE"],
    [req("PATCH", `/_hafen/${T}/sealed/a`), 1004, "use GET, PUT or DELETE"],
    [req("HEAD", `/_hafen/${T}/sealed/a`), 1004, "use GET, PUT or DELETE"],
    [req("get", `/_hafen/${T}/sealed/a`), 1004, 'method "get"'],
    // parameters
    [req("GET", `/_hafen/${T}/sealed/a?ttl=5`), 209, "this endpoint takes no parameters"],
    [req("DELETE", `/_hafen/${T}/sealed/a?force=true`), 209, "this endpoint takes no parameters"],
    [putReq("a", BLOB, "5&prevExist=false"), 209, 'unknown query parameter "prevExist"; accepted here: ttl'],
    [putReq("a", BLOB, "5&ttl=6"), 209, "given twice"],
    [req("PUT", `/_hafen/${T}/sealed/a`, BLOB, JSON_TYPE), 202, 'ttl="(missing)": expected whole seconds from 1 to 604800'],
    ...["0", "604801", "-1", "1.5", "abc", "", "1e3", "99999999999999999"].map((t) => [putReq("a", BLOB, t), 202, `ttl=${JSON.stringify(t)}: expected whole seconds from 1 to 604800`] as [RawRequest, number, string]),
    // content type
    [putReq("a", BLOB, "5", null), 210, 'Content-Type "(none)": send the sealed JSON text with Content-Type application/json'],
    [putReq("a", BLOB, "5", "text/plain"), 210, 'Content-Type "text/plain"'],
    [putReq("a", BLOB, "5", "application/x-www-form-urlencoded"), 210, "Content-Type"],
    // bodies that are not a sealed blob
    [putReq("a", ""), 210, "body is not JSON"],
    [putReq("a", "{v:1"), 210, "body is not JSON"],
    [putReq("a", "-----BEGIN PRIVATE KEY-----\nMC4C\n-----END PRIVATE KEY-----\n"), 210, "body is not JSON"],
    ...["[]", "null", '"x"', "1", "true"].map((b) => [putReq("a", b), 210, "body must be a JSON object as seal() returns"] as [RawRequest, number, string]),
    [putReq("a", blobWith({ key: "-----BEGIN PRIVATE KEY-----" })), 209, "body.key: unknown field; accepted: v, alg, salt, iv, tag, ct"],
    [putReq("a", blobWith({}, ["v"])), 209, "body.v is missing"],
    [putReq("a", blobWith({ v: "1" })), 209, 'body.v "1": expected the format version, a whole number from 1'],
    [putReq("a", blobWith({ v: 0 })), 209, "body.v 0"],
    [putReq("a", blobWith({ v: 1.5 })), 209, "body.v 1.5"],
    [putReq("a", blobWith({ alg: 256 })), 209, "body.alg 256: expected an algorithm name"],
    [putReq("a", blobWith({ alg: "" })), 209, "body.alg"],
    [putReq("a", blobWith({}, ["salt"])), 209, "body.salt is missing"],
    [putReq("a", blobWith({ salt: "" })), 209, "body.salt \"\": expected non-empty base64url"],
    [putReq("a", blobWith({ iv: "abc=" })), 209, "body.iv \"abc=\""],
    [putReq("a", blobWith({ tag: "a+b/" })), 209, "body.tag"],
    [putReq("a", blobWith({ ct: "-----BEGIN PRIVATE KEY-----\nMC4C" })), 209, "body.ct"],
    [putReq("a", blobWith({ ct: ["x"] })), 209, 'body.ct ["x"]'],
    // size: the record's own limit, whatever the server's body limit is
    [putReq("a", blobWith({ ct: "A".repeat(MAX_SEALED_BYTES) })), 1002, `; at most ${MAX_SEALED_BYTES}`],
  ];

  test.each(refusals)("refused %# (%j → %s)", (raw, code, text) => {
    const p = parseRequest(raw);
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect({ code: p.problem.code, cause: p.problem.cause }).toEqual({ code, cause: expect.stringContaining(text) });
    expect(p.problem.cause.length).toBeLessThan(400);
  });

  test("refusals after the route is known carry the token (their errors then show its index)", () => {
    for (const raw of [putReq("a", "[]"), putReq("A", BLOB), putReq("a", BLOB, "0"), req("POST", `/_hafen/${T}/sealed/a`), req("GET", `/_hafen/${T}/sealed`)])
      expect(parseRequest(raw)).toMatchObject({ ok: false, token: T });
  });

  test("whatever seal() makes is accepted and kept byte for byte (property)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 20, maxLength: 64 }), fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,62}$/), fc.string({ maxLength: 300 }), (token, name, secret) => {
        const text = seal(token, name, secret);
        expect(parseRequest(putReq(name, text))).toEqual({ ok: true, request: { kind: "sealed-put", token: T, name, blob: text, ttlSeconds: 60 } });
      }),
      { numRuns: 200 },
    );
  });

  test("the largest secret seal() accepts fits in a sealed record", () => {
    const text = seal(BOOT, "big", "k".repeat(SEAL_MAX_BYTES));
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_SEALED_BYTES);
    expect(parseRequest(putReq("big", text)).ok).toBe(true);
  });

  test("garbage bodies never throw; an accepted one has exactly the six fields", () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }));
    const key = fc.constantFrom("v", "alg", "salt", "iv", "tag", "ct", "x", "__proto__", "");
    const body = fc.oneof(fc.string(), fc.dictionary(key, value).map((o) => JSON.stringify(o)), fc.json());
    fc.assert(
      fc.property(body, (b) => {
        const p = parseRequest(putReq("a", b));
        if (p.ok) expect(Object.keys(JSON.parse(b)).sort()).toEqual(["alg", "ct", "iv", "salt", "tag", "v"]);
        else expect([209, 210, 1002]).toContain(p.problem.code);
      }),
      { numRuns: 1000 },
    );
  });
});

function setup(maxSealedPerToken?: number) {
  const clock = { t: 5_000_000, now() { return this.t; } };
  const records: LogRecord[] = [];
  const reg = new Registry<string>({ clock, newToken: () => T, tokenUrl: (t) => `http://d.test/${t}`, maxSealedPerToken });
  const reply = (r: Parameters<typeof reg.execute>[0], ctx = "c"): Reply => {
    const out = reg.execute(r, ctx);
    if (out.kind !== "done") throw new Error("expected an immediate answer");
    if (out.record) records.push(out.record);
    return out.reply;
  };
  reply({ kind: "new", size: 3 });
  const put = (name: string, blob = BLOB, ttlSeconds = 60) => reply({ kind: "sealed-put", token: T, name, blob, ttlSeconds });
  const get = (name: string) => reply({ kind: "sealed-get", token: T, name });
  const del = (name: string) => reply({ kind: "sealed-delete", token: T, name });
  return { clock, reg, reply, put, get, del, records };
}

describe("registry (manual clock)", () => {
  test("create 201, replace 200 with a new blob and expiry; answers never carry the blob", () => {
    const { clock, put, get } = setup();
    expect(put("ca-key", BLOB, 60)).toEqual({ kind: "json", status: 201, body: { sealed: { name: "ca-key", expiresAt: clock.t + 60_000 } } });
    expect(get("ca-key")).toEqual({ kind: "blob", status: 200, body: BLOB });
    const other = seal(BOOT, "ca-key", "another");
    clock.t += 10_000;
    expect(put("ca-key", other, 5)).toEqual({ kind: "json", status: 200, body: { sealed: { name: "ca-key", expiresAt: clock.t + 5000 } } });
    expect(get("ca-key")).toEqual({ kind: "blob", status: 200, body: other });
  });

  test("a record vanishes when the clock reaches its expiry: get and delete are 404, a put creates anew", () => {
    const { clock, put, get, del } = setup();
    put("a", BLOB, 30);
    clock.t += 29_999;
    expect(get("a").status).toBe(200);
    clock.t += 1;
    expect(get("a")).toMatchObject({ status: 404, body: { errorCode: 100, message: "Key not found", cause: `/_hafen/${T}/sealed/a`, index: 1 } });
    expect(del("a")).toMatchObject({ status: 404, body: { errorCode: 100 } });
    expect(put("a").status).toBe(201);
  });

  test("delete answers 200 with the record's name and expiry, then 404", () => {
    const { clock, put, del, get } = setup();
    put("a", BLOB, 30);
    expect(del("a")).toEqual({ kind: "json", status: 200, body: { sealed: { name: "a", expiresAt: clock.t + 30_000 } } });
    expect(get("a").status).toBe(404);
    expect(del("a")).toMatchObject({ status: 404, body: { errorCode: 100, cause: `/_hafen/${T}/sealed/a` } });
  });

  test(`at most ${MAX_SEALED_PER_TOKEN} per token: 403 limit; replacing still works; an expired one frees its place`, () => {
    const { clock, reg, put } = setup();
    for (let i = 0; i < MAX_SEALED_PER_TOKEN; i++) expect(put(`s${i}`, BLOB, i === 0 ? 10 : 60).status).toBe(201);
    const before = JSON.stringify(reg.dump());
    expect(put("one-more")).toMatchObject({ status: 403, body: { errorCode: 1001, message: "Limit reached", cause: expect.stringContaining("holds 16 sealed records") } });
    expect(JSON.stringify(reg.dump())).toBe(before);
    expect(put("s5").status).toBe(200);
    clock.t += 10_000; // s0 lapses
    expect(put("one-more").status).toBe(201);
    expect(setup(2).put("x").status).toBe(201); // the limit is an option
  });

  test("an unknown token is etcd's 404 with index 0", () => {
    const { reply } = setup();
    const other = "f".repeat(32);
    for (const r of [{ kind: "sealed-get", token: other, name: "a" }, { kind: "sealed-delete", token: other, name: "a" }, { kind: "sealed-put", token: other, name: "a", blob: BLOB, ttlSeconds: 5 }] as const)
      expect(reply(r)).toMatchObject({ status: 404, body: { errorCode: 100, cause: `/${other}`, index: 0 } });
  });

  test("invisible to etcd's protocol and the server list: no node, no index change, no long-poll woken", () => {
    const { reg, reply, put, del } = setup();
    const waiting = reg.execute({ kind: "watch", token: T, path: { kind: "dir" }, recursive: true, waitIndex: 0 }, "poll");
    expect(waiting.kind).toBe("waiting");
    for (const r of [put("a"), put("a"), put("b"), del("b")]) expect(r.kind === "json" && r.index).toBeUndefined();
    expect(reg.waiting).toBe(1);
    const dir = reply({ kind: "get", token: T, path: { kind: "dir" }, recursive: true, sorted: false });
    expect(dir).toMatchObject({ status: 200, index: 1 });
    expect(JSON.stringify(dir)).not.toContain("sealed");
    expect(reply({ kind: "server-list", token: T })).toEqual({ kind: "json", status: 200, body: { servers: [] } });
    expect(reply({ kind: "get", token: T, path: { kind: "member", id: "a" }, recursive: false, sorted: false }).status).toBe(404);
  });

  test("replay of the records, or of a snapshot, rebuilds the same records; expired ones are not revived", () => {
    const { clock, reg, put, del, records } = setup();
    put("a", BLOB, 60);
    const bee = seal(BOOT, "b", "bee");
    put("b", bee, 10);
    put("c");
    del("c");
    put("a", seal(BOOT, "a", "new"), 120);
    const snapshot = reg.snapshot();
    for (const source of [records, snapshot]) {
      const copy = new Registry<string>({ clock, newToken: () => "", tokenUrl: (x) => x });
      for (const r of source) expect(copy.replay(r)).toBeUndefined();
      expect(copy.dump()).toEqual(reg.dump());
    }
    const later = { now: () => clock.t + 10_000 }; // restarted after b's TTL ran out
    const copy = new Registry<string>({ clock: later, newToken: () => "", tokenUrl: (x) => x });
    for (const r of records) copy.replay(r);
    const get = (name: string) => copy.execute({ kind: "sealed-get", token: T, name }, "c");
    expect(get("b")).toMatchObject({ kind: "done", reply: { status: 404 } });
    expect(get("a")).toMatchObject({ kind: "done", reply: { status: 200 } });
    expect(JSON.stringify(copy.snapshot())).not.toContain(JSON.parse(bee).salt); // compaction drops it from disk too
    expect((copy.snapshot()[0] as unknown as { sealed: { name: string }[] }).sealed.map((s) => s.name)).toEqual(["a"]);
  });
});

describe("log records", () => {
  test("sealed records round-trip through the log format; malformed ones are refused", () => {
    const recs: LogRecord[] = [
      { t: "sealed", token: T, name: "a", blob: BLOB, expiresAt: 123 },
      { t: "sealed-delete", token: T, name: "a" },
    ];
    const data = Buffer.concat(recs.map(encodeRecord));
    expect(decodeRecords(data)).toEqual({ records: recs, goodBytes: data.length });
    for (const bad of [{ t: "sealed", token: T, name: "a", expiresAt: 1 }, { t: "sealed", token: T, name: "a", blob: BLOB, expiresAt: -1 }, { t: "sealed-delete", token: T }]) {
      expect(decodeRecords(encodeRecord(bad as unknown as LogRecord)).bad?.reason).toBe("record of unknown shape");
    }
    const snap = { t: "snapshot", token: T, size: 3, createdIndex: 1, index: 1, clearedThrough: 0, members: [], history: [], servers: [], sealed: [{ name: "a" }] };
    expect(decodeRecords(encodeRecord(snap as unknown as LogRecord)).bad?.reason).toBe("record of unknown shape");
  });

  test("a snapshot from before sealed records existed replays with none", () => {
    const old = { t: "snapshot", token: T, size: 3, createdIndex: 1, index: 4, clearedThrough: 0, members: [], history: [], servers: [] } as unknown as LogRecord;
    const decoded = decodeRecords(encodeRecord(old));
    expect(decoded.bad).toBeUndefined();
    const reg = new Registry<string>({ clock: { now: () => 0 }, newToken: () => "", tokenUrl: (x) => x });
    expect(reg.replay(decoded.records[0]!)).toBeUndefined();
    expect(reg.dump()).toEqual([expect.objectContaining({ token: T, index: 4, sealed: [] })]);
    expect(reg.execute({ kind: "sealed-put", token: T, name: "a", blob: BLOB, ttlSeconds: 5 }, "c")).toMatchObject({ kind: "done", reply: { status: 201 } });
  });
});
