// The HTTP shell over real sockets: every endpoint's bad input gets its documented error
// and leaves the state exactly as it was; body limits; long-polls (woken, timed out,
// abandoned, closed at shutdown).
import { startDiscoveryServer, type DiscoveryServer, type DiscoveryServerOptions } from "../../../runtime/discovery/server";
import { tempDir } from "../../support/tmp";
import { http, form, FORM } from "./helpers";

const servers: DiscoveryServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(opts: Partial<DiscoveryServerOptions> = {}): Promise<DiscoveryServer> {
  const s = await startDiscoveryServer({ host: "127.0.0.1", port: 0, dataDir: tempDir("hafen-disc-"), ...opts });
  servers.push(s);
  return s;
}

async function newToken(s: DiscoveryServer, size = 3): Promise<string> {
  const r = await http("GET", `${s.url}/new?size=${size}`);
  expect(r.status).toBe(200);
  return r.body.slice(s.url.length + 1);
}

const peer = (name: string, port: number) => `${name}=http://127.0.0.1:${port}`;

describe("GET /new", () => {
  test("answers the token URL in plain text; the token is 32 lowercase hex; size defaults to 3", async () => {
    const s = await start();
    const r = await http("GET", `${s.url}/new`);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(r.body).toMatch(new RegExp(`^${s.url}/[0-9a-f]{32}$`));
    const size = await http("GET", `${r.body}/_config/size`);
    expect(JSON.parse(size.body).node.value).toBe("3");
    expect(size.headers["x-etcd-index"]).toBe("1");
  });

  test("a bad size is 400 with a message, and makes no token", async () => {
    const s = await start();
    for (const size of ["0", "100", "abc", "-3", "2.5", ""]) {
      const r = await http("GET", `${s.url}/new?size=${size}`);
      expect(r.status).toBe(400);
      expect(r.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(r.body)).toEqual({ errorCode: 209, message: "Invalid field", cause: `size=${JSON.stringify(size)}: expected a whole number from 1 to 99`, index: 0 });
    }
    expect(s.dump()).toEqual([]);
  });

  test("the public URL, when given, is the base of token URLs", async () => {
    const s = await start({ publicUrl: "https://discovery.example.com/" });
    expect(s.url).toBe("https://discovery.example.com");
    const r = await http("GET", `http://127.0.0.1:${s.port}/new`);
    expect(r.body).toMatch(/^https:\/\/discovery\.example\.com\/[0-9a-f]{32}$/);
  });

  test("wildcard addresses need a public URL; a public URL with a path is refused", async () => {
    await expect(start({ host: "0.0.0.0" })).rejects.toThrow(/needs a public URL/);
    await expect(start({ publicUrl: "http://h:1/prefix" })).rejects.toThrow(/without path/);
    await expect(start({ publicUrl: "ftp://h" })).rejects.toThrow(/expected http\(s\)/);
  });
});

describe("bad input changes nothing", () => {
  test("every endpoint: the documented error, and the state dump is identical before and after", async () => {
    const s = await start({ maxBodyBytes: 1024 });
    const t = await newToken(s);
    const base = `${s.url}/${t}`;
    expect((await http("PUT", `${base}/a1?prevExist=false`, { body: form(peer("m1", 2380)), contentType: FORM })).status).toBe(201);
    const srv = `${s.url}/_hafen/${t}/servers`;
    expect((await http("PUT", `${srv}/s1?ttl=60`, { body: '{"endpoint":"http://127.0.0.1:7480"}', contentType: "application/json" })).status).toBe(201);
    const before = JSON.stringify(s.dump());
    const other = "f".repeat(32);
    const cases: [string, string, { body?: string; contentType?: string }, number, number][] = [
      ["GET", `${s.url}/${other}`, {}, 404, 100],
      ["PUT", `${s.url}/${other}/a2?prevExist=false`, { body: form(peer("m2", 2381)), contentType: FORM }, 404, 100],
      ["GET", `${s.url}/${t.toUpperCase()}`, {}, 404, 100],
      ["GET", `${s.url}/${t.slice(2)}/../${t}`, {}, 404, 100],
      ["GET", `${base}/nope`, {}, 404, 100],
      ["PUT", `${base}/a1?prevExist=false`, { body: form(peer("m9", 2389)), contentType: FORM }, 412, 105],
      ["PUT", `${base}/a2?prevExist=true`, { body: form(peer("m2", 2381)), contentType: FORM }, 404, 100],
      ["PUT", `${base}/a2`, { body: "value=%zz", contentType: FORM }, 400, 210],
      ["PUT", `${base}/a2`, { body: form("not a peer list"), contentType: FORM }, 400, 209],
      ["PUT", `${base}/a2`, { body: form(peer("m2", 2381)) }, 400, 210],
      ["PUT", `${base}/a2`, { body: "", contentType: FORM }, 400, 200],
      ["PUT", `${base}/a2?prevExist=sometimes`, { body: form(peer("m2", 2381)), contentType: FORM }, 400, 209],
      ["PUT", `${base}/NOT-HEX`, { body: form(peer("m2", 2381)), contentType: FORM }, 400, 209],
      ["PUT", base, { body: form(peer("m2", 2381)), contentType: FORM }, 403, 102],
      ["PUT", `${base}/_config/size`, { body: "value=1", contentType: FORM }, 403, 107],
      ["DELETE", `${base}/_config/size`, {}, 403, 107],
      ["DELETE", base, {}, 403, 102],
      ["DELETE", `${base}/b2`, {}, 404, 100],
      ["POST", base, { body: form(peer("m2", 2381)), contentType: FORM }, 405, 1004],
      ["PATCH", `${base}/a1`, {}, 405, 1004],
      ["GET", `${base}?wait=true&waitIndex=soon`, {}, 400, 203],
      ["GET", `${base}?wait=true&waitIndex=-5`, {}, 400, 203],
      ["GET", `${base}?recursive=yes`, {}, 400, 209],
      ["GET", `${base}?sneaky=1`, {}, 400, 209],
      ["POST", `${s.url}/new?size=3`, {}, 405, 1004],
      ["GET", `${s.url}/new?size=1000`, {}, 400, 209],
      ["PUT", `${srv}/s2`, { body: '{"endpoint":"http://127.0.0.1:7481"}', contentType: "application/json" }, 400, 202],
      ["PUT", `${srv}/s2?ttl=99999`, { body: '{"endpoint":"http://127.0.0.1:7481"}', contentType: "application/json" }, 400, 202],
      ["PUT", `${srv}/s2?ttl=5`, { body: "{not json", contentType: "application/json" }, 400, 210],
      ["PUT", `${srv}/s2?ttl=5`, { body: '{"endpoint":"gopher://x"}', contentType: "application/json" }, 400, 209],
      ["PUT", `${srv}/s2?ttl=5`, { body: '{"endpoint":"http://h:1","role":"admin"}', contentType: "application/json" }, 400, 209],
      ["PUT", `${srv}/s2?ttl=5`, { body: '{"endpoint":"http://h:1"}', contentType: FORM }, 400, 210],
      ["PUT", `${srv}/Bad_Id?ttl=5`, { body: '{"endpoint":"http://h:1"}', contentType: "application/json" }, 400, 209],
      ["PUT", `${s.url}/_hafen/${other}/servers/s2?ttl=5`, { body: '{"endpoint":"http://h:1"}', contentType: "application/json" }, 404, 100],
      ["DELETE", `${srv}/s9`, {}, 404, 100],
      ["GET", `${srv}/s1`, {}, 405, 1004],
      ["POST", srv, {}, 405, 1004],
      ["GET", `${s.url}/_hafen/${t}`, {}, 404, 100],
      ["POST", `${s.url}/health`, {}, 405, 1004],
    ];
    for (const [method, url, opts, status, errorCode] of cases) {
      const r = await http(method, url, opts);
      const what = `${method} ${url.slice(s.url.length)} → ${r.status} ${r.body}`;
      expect({ what, status: r.status, type: r.headers["content-type"] }).toEqual({ what, status, type: "application/json" });
      const err = JSON.parse(r.body);
      expect({ what, errorCode: err.errorCode }).toEqual({ what, errorCode });
      expect(typeof err.message === "string" && typeof err.cause === "string" && Number.isInteger(err.index)).toBe(true);
      if (url.startsWith(base)) expect({ what, index: err.index, header: r.headers["x-etcd-index"] }).toEqual({ what, index: 2, header: "2" });
      expect(JSON.stringify(s.dump())).toBe(before);
    }
  });

  test("oversized bodies get 413 (declared or streamed) and invalid UTF-8 gets 400", async () => {
    const s = await start({ maxBodyBytes: 1024 });
    const t = await newToken(s);
    const before = JSON.stringify(s.dump());
    const big = form(`m1=http://127.0.0.1:2380,${"m1=http://127.0.0.1:2380,".repeat(60)}`);
    for (const chunked of [false, true]) {
      const r = await http("PUT", `${s.url}/${t}/a1`, { body: big, contentType: FORM, chunked });
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body)).toMatchObject({ errorCode: 1002, message: "Request body too large" });
    }
    const bad = await http("PUT", `${s.url}/${t}/a1`, { body: Buffer.from([0x76, 0x61, 0x6c, 0x75, 0x65, 0x3d, 0xff, 0xfe]), contentType: FORM });
    expect(JSON.parse(bad.body)).toMatchObject({ errorCode: 210, cause: "body is not valid UTF-8" });
    expect(JSON.stringify(s.dump())).toBe(before);
  });
});

describe("long-polls over HTTP", () => {
  test("a waiting poll is answered by the next registration, with X-Etcd-Index", async () => {
    const s = await start();
    const t = await newToken(s);
    const poll = http("GET", `${s.url}/${t}?recursive=true&wait=true&waitIndex=2`);
    await until(() => s.waiting() === 1);
    const put = await http("PUT", `${s.url}/${t}/abc?prevExist=false`, { body: form(peer("m1", 2380)), contentType: FORM });
    expect(put.status).toBe(201);
    const r = await poll;
    expect(r.status).toBe(200);
    expect(r.headers["x-etcd-index"]).toBe("2");
    expect(JSON.parse(r.body)).toEqual({ action: "create", node: { key: `/${t}/abc`, value: "m1=http://127.0.0.1:2380", modifiedIndex: 2, createdIndex: 2 } });
  });

  test("an idle poll ends with 200 and an empty body after the poll timeout", async () => {
    const s = await start({ pollTimeoutMs: 100 });
    const t = await newToken(s);
    const r = await http("GET", `${s.url}/${t}?recursive=true&wait=true&waitIndex=2`);
    expect(r).toMatchObject({ status: 200, body: "" });
    expect(r.headers["x-etcd-index"]).toBe("1");
  });

  test("a poll whose client hangs up stops waiting", async () => {
    const s = await start();
    const t = await newToken(s);
    const poll = http("GET", `${s.url}/${t}?wait=true`, { timeoutMs: 100 });
    await expect(poll).rejects.toThrow("timeout");
    await until(() => s.waiting() === 0);
  });

  test("close() answers waiting polls and frees the port and data directory", async () => {
    const dir = tempDir();
    const s = await startDiscoveryServer({ host: "127.0.0.1", port: 0, dataDir: dir });
    const t = await newToken(s);
    const poll = http("GET", `${s.url}/${t}?wait=true`);
    await until(() => s.waiting() === 1);
    await s.close();
    expect(await poll).toMatchObject({ status: 200, body: "" });
    await expect(http("GET", `${s.url}/health`)).rejects.toThrow(/ECONNREFUSED/);
    const again = await start({ dataDir: dir, port: s.port });
    expect((await http("GET", `${again.url}/${t}/_config/size`)).status).toBe(200);
  });

  test("health", async () => {
    const s = await start();
    const r = await http("GET", `${s.url}/health`);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ health: "true" });
  });
});

/** Polls a condition every 5 ms, at most 2 s. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error("condition not met within 2 s");
}
