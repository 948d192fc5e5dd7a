// Request parsing: every route's accepted forms and the exact error for bad ones, plus
// garbage of every shape (the parser must answer, never throw).
import fc from "fast-check";
import { parseRequest, type RawRequest } from "../../../runtime/discovery/request";

const T = "0123456789abcdef0123456789abcdef";
const FORM = "application/x-www-form-urlencoded";
const req = (method: string, target: string, body = "", contentType?: string): RawRequest => ({ method, target, body, contentType });
const code = (r: RawRequest) => {
  const p = parseRequest(r);
  return p.ok ? p.request.kind : p.problem.code;
};

describe("accepted requests", () => {
  test.each([
    [req("GET", "/health"), { kind: "health" }],
    [req("GET", "/new"), { kind: "new", size: 3 }],
    [req("GET", "/new?size=5"), { kind: "new", size: 5 }],
    [req("GET", `/${T}`), { kind: "get", token: T, path: { kind: "dir" }, recursive: false, sorted: false }],
    [req("GET", `/${T}/?quorum=false&recursive=false&sorted=true`), { kind: "get", token: T, path: { kind: "dir" }, recursive: false, sorted: true }],
    [req("GET", `/${T}/_config/size`), { kind: "get", token: T, path: { kind: "size" }, recursive: false, sorted: false }],
    [req("GET", `/${T}/_config`), { kind: "get", token: T, path: { kind: "config" }, recursive: false, sorted: false }],
    [req("GET", `/${T}?recursive=true&wait=true&waitIndex=7`), { kind: "watch", token: T, path: { kind: "dir" }, recursive: true, waitIndex: 7 }],
    [req("GET", `/${T}/ab12?recursive=false&wait=true&waitIndex=2`), { kind: "watch", token: T, path: { kind: "member", id: "ab12" }, recursive: false, waitIndex: 2 }],
    [req("GET", `/${T}?wait=true`), { kind: "watch", token: T, path: { kind: "dir" }, recursive: false, waitIndex: 0 }],
    [req("PUT", `/${T}/ab12?prevExist=false`, "value=m1%3Dhttp%3A%2F%2F10.0.0.1%3A2380", FORM), { kind: "put", token: T, id: "ab12", value: "m1=http://10.0.0.1:2380", prevExist: false }],
    [req("PUT", `/${T}/ab12`, "value=m1%3Dhttps%3A%2F%2Fa%3A1%2Cm1%3Dhttp%3A%2F%2Fb%3A2", `${FORM}; charset=utf-8`), { kind: "put", token: T, id: "ab12", value: "m1=https://a:1,m1=http://b:2", prevExist: undefined }],
    [req("DELETE", `/${T}/ab12`), { kind: "delete", token: T, id: "ab12" }],
    [req("GET", `/_hafen/${T}/servers`), { kind: "server-list", token: T }],
    [req("PUT", `/_hafen/${T}/servers/s-1.a?ttl=10`, '{"endpoint":"https://10.0.0.1:7480","meta":{"zone":"a"}}', "application/json"),
      { kind: "server-put", token: T, id: "s-1.a", info: { endpoint: "https://10.0.0.1:7480", meta: { zone: "a" } }, ttlSeconds: 10 }],
    [req("DELETE", `/_hafen/${T}/servers/s1`), { kind: "server-delete", token: T, id: "s1" }],
  ])("%j", (raw, expected) => {
    expect(parseRequest(raw)).toEqual({ ok: true, request: expected });
  });
});

describe("refused requests name the problem", () => {
  test.each([
    // route: anything that is not a well-formed token path is etcd's 404
    [req("GET", `/${T.slice(1)}`), 100],
    [req("GET", `/${T.toUpperCase()}`), 100],
    [req("GET", `/${T}0`), 100],
    [req("GET", "/../../etc/passwd"), 100],
    [req("GET", `/%2e%2e/${T}`), 100],
    [req("GET", "*"), 100],
    [req("GET", "//"), 100],
    [req("GET", `/${T}//ab`), 100],
    [req("GET", `/${T}/AB12`), 100],
    [req("GET", `/${T}/0ab`), 100],
    [req("GET", `/${T}/ab/cd`), 100],
    [req("GET", `/${T}/_config/other`), 100],
    [req("GET", `/_hafen/${T}/other`), 100],
    [req("GET", `/_hafen/xyz/servers`), 100],
    [req("GET", `/_hafen/${T}/servers/a/b`), 100],
    // methods
    [req("POST", "/health"), 1004],
    [req("POST", "/new"), 1004],
    [req("POST", `/${T}`), 1004],
    [req("PATCH", `/${T}/ab`), 1004],
    [req("HEAD", `/${T}`), 1004],
    [req("GET", `/_hafen/${T}/servers/s1`), 1004],
    [req("DELETE", `/_hafen/${T}/servers`), 1004],
    [req("PUT", `/${T}`, "value=a%3Dhttp%3A%2F%2Fh%3A1", FORM), 102],
    [req("DELETE", `/${T}`), 102],
    [req("PUT", `/${T}/_config`, "value=3", FORM), 102],
    [req("PUT", `/${T}/_config/size`, "value=9", FORM), 107],
    [req("DELETE", `/${T}/_config/size`), 107],
    // sizes
    ...["0", "100", "abc", "-1", "1.5", "", "1e2", "03", " 3"].map((s) => [req("GET", `/new?size=${encodeURIComponent(s)}`), 209] as const),
    [req("GET", "/new?size=3&size=4"), 209],
    [req("GET", "/new?count=3"), 209],
    [req("GET", "/health?x=1"), 209],
    // query parameters
    [req("GET", `/${T}?recursive=maybe`), 209],
    [req("GET", `/${T}?stream=true`), 209],
    [req("GET", `/${T}?waitIndex=3`), 209],
    [req("GET", `/${T}?wait=true&waitIndex=abc`), 203],
    [req("GET", `/${T}?wait=true&waitIndex=-1`), 203],
    [req("GET", `/${T}?wait=true&waitIndex=99999999999999999`), 203],
    [req("GET", `/${T}?wait=true&waitIndex=`), 203],
    [req("GET", `/${T}?wa%zzit=true`), 209],
    [req("PUT", `/${T}/ab?prevExist=maybe`, "value=a%3Dhttp%3A%2F%2Fh%3A1", FORM), 209],
    [req("PUT", `/${T}/ab?ttl=5`, "value=a%3Dhttp%3A%2F%2Fh%3A1", FORM), 209],
    [req("DELETE", `/${T}/ab?recursive=true`), 209],
    // member bodies
    [req("PUT", `/${T}/ab`, "value=a%3Dhttp%3A%2F%2Fh%3A1"), 210],
    [req("PUT", `/${T}/ab`, '{"value":"a=http://h:1"}', "application/json"), 210],
    [req("PUT", `/${T}/ab`, "", FORM), 200],
    [req("PUT", `/${T}/ab`, "value=", FORM), 200],
    [req("PUT", `/${T}/ab`, "other=1", FORM), 210],
    [req("PUT", `/${T}/ab`, "value=a%3Dhttp%3A%2F%2Fh%3A1&value=b", FORM), 210],
    [req("PUT", `/${T}/ab`, "value=%zz", FORM), 210],
    [req("PUT", `/${T}/ab`, "value=garbage", FORM), 209],
    [req("PUT", `/${T}/ab`, "value=a%3Dftp%3A%2F%2Fh%3A1", FORM), 209],
    [req("PUT", `/${T}/ab`, "value=%3Dhttp%3A%2F%2Fh%3A1", FORM), 209],
    [req("PUT", `/${T}/ab`, "value=a%3Dhttp%3A%2F%2Fh%3A1%2C", FORM), 209],
    [req("PUT", `/${T}/AB`, "value=a%3Dhttp%3A%2F%2Fh%3A1", FORM), 209],
    [req("PUT", `/${T}/a/b`, "value=a%3Dhttp%3A%2F%2Fh%3A1", FORM), 209],
    // server records
    [req("PUT", `/_hafen/${T}/servers/s1`, '{"endpoint":"http://h:1"}', "application/json"), 202],
    ...["0", "3601", "abc", "1.5"].map((t) => [req("PUT", `/_hafen/${T}/servers/s1?ttl=${t}`, '{"endpoint":"http://h:1"}', "application/json"), 202] as const),
    [req("PUT", `/_hafen/${T}/servers/s1?ttl=5`, '{"endpoint":"http://h:1"}', "text/plain"), 210],
    [req("PUT", `/_hafen/${T}/servers/s1?ttl=5`, "{endpoint:", "application/json"), 210],
    [req("PUT", `/_hafen/${T}/servers/s1?ttl=5`, "[]", "application/json"), 210],
    [req("PUT", `/_hafen/${T}/servers/s1?ttl=5`, '{"endpoint":"http://h:1","admin":true}', "application/json"), 209],
    [req("PUT", `/_hafen/${T}/servers/s1?ttl=5`, '{"endpoint":"ftp://h:1"}', "application/json"), 209],
    [req("PUT", `/_hafen/${T}/servers/s1?ttl=5`, '{"endpoint":"http://h:1","meta":{"a":1}}', "application/json"), 209],
    [req("PUT", `/_hafen/${T}/servers/s1?ttl=5`, '{"endpoint":"http://h:1","meta":{"a b":"x"}}', "application/json"), 209],
    [req("PUT", `/_hafen/${T}/servers/S1?ttl=5`, '{"endpoint":"http://h:1"}', "application/json"), 209],
    [req("PUT", `/_hafen/${T}/servers/s1?ttl=5&x=1`, '{"endpoint":"http://h:1"}', "application/json"), 209],
  ] as const)("%j → %s", (raw, expected) => {
    expect(code(raw)).toBe(expected);
  });

  test("errors say what is accepted and carry the token when the path named one", () => {
    expect(parseRequest(req("GET", "/new?size=0"))).toEqual({ ok: false, problem: { code: 209, cause: 'size="0": expected a whole number from 1 to 99' } });
    const p = parseRequest(req("GET", `/${T}?foo=1`));
    expect(p).toEqual({ ok: false, token: T, problem: { code: 209, cause: 'unknown query parameter "foo"; accepted here: recursive, sorted, quorum, wait, waitIndex' } });
  });

  test("echoed values are cut short", () => {
    const p = parseRequest(req("PUT", `/${T}/ab`, `value=${"x".repeat(5000)}`, FORM));
    expect(!p.ok && p.problem.cause.length).toBeLessThan(200);
  });
});

describe("garbage", () => {
  const method = fc.constantFrom("GET", "PUT", "DELETE", "POST", "HEAD", "PATCH", "", "get", "X".repeat(100));
  const segment = fc.oneof(fc.constant(T), fc.constant("_config"), fc.constant("size"), fc.constant("_hafen"), fc.constant("servers"), fc.constant("sealed"), fc.string(), fc.string({ unit: fc.constantFrom(..."0123456789abcdef") }));
  const target = fc.oneof(
    fc.string(),
    fc.tuple(fc.array(segment, { maxLength: 5 }), fc.string()).map(([segs, q]) => `/${segs.join("/")}?${q}`),
  );

  test("never throws; accepted requests only name well-formed tokens", () => {
    fc.assert(
      fc.property(method, target, fc.option(fc.string()), fc.string(), (m, t, ct, b) => {
        const p = parseRequest({ method: m, target: t, contentType: ct ?? undefined, body: b });
        if (p.ok && "token" in p.request) expect(p.request.token).toMatch(/^[0-9a-f]{32}$/);
        if (!p.ok) expect(p.problem.cause.length).toBeLessThan(400);
      }),
      { numRuns: 2000 },
    );
  });
});
