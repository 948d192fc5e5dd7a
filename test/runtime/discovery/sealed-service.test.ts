// Sealed records in the running service: HTTP answers and errors (bad input changes
// nothing), expiry under an injected clock across a restart, compaction, the client's
// results, the seal() → putSealed → getSealed → unseal() round trip, and durability
// across kill -9 of the built `hafen discovery serve` (run `npm run build` first).
import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { deleteSealed, getSealed, putSealed } from "../../../runtime/discovery";
import { startDiscoveryServer, type DiscoveryServer, type DiscoveryServerOptions } from "../../../runtime/discovery/server";
import { seal, unseal, UnsealError, SEAL_MAX_BYTES } from "../../../runtime/tls/seal";
import { tempDir } from "../../support/tmp";
import { http, startService } from "./helpers";

const JSON_TYPE = "application/json";
const BOOT = "bootstrap-token-0123456789abcdef";
const CA_KEY = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n";

// Every server is closed after its test, also when an assertion failed midway (close()
// is idempotent, so tests that restart on the same data directory close early as well).
const servers: DiscoveryServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(opts: Partial<DiscoveryServerOptions> = {}): Promise<DiscoveryServer> {
  const s = await startDiscoveryServer({ host: "127.0.0.1", port: 0, dataDir: tempDir("hafen-sealed-"), ...opts });
  servers.push(s);
  return s;
}

async function newTokenUrl(base: string, size = 3): Promise<string> {
  const r = await http("GET", `${base}/new?size=${size}`);
  expect(r.status).toBe(200);
  return r.body;
}

const sealedUrl = (tokenUrl: string, name: string) => tokenUrl.replace(/\/([0-9a-f]{32})$/, "/_hafen/$1/sealed/") + name;
const put = (url: string, body: string, ttl = 600) => http("PUT", `${url}?ttl=${ttl}`, { body, contentType: JSON_TYPE });

describe("HTTP", () => {
  test("PUT 201 then 200, GET gives the blob byte for byte as JSON (never cached), DELETE 200 then 404", async () => {
    const s = await start();
    const url = sealedUrl(await newTokenUrl(s.url), "ca-key");
    const blob = ` ${seal(BOOT, "ca-key", CA_KEY)}\n`; // whitespace kept: the blob is stored as sent
    const created = await put(url, blob);
    expect({ status: created.status, type: created.headers["content-type"] }).toEqual({ status: 201, type: JSON_TYPE });
    expect(JSON.parse(created.body)).toEqual({ sealed: { name: "ca-key", expiresAt: expect.any(Number) } });
    expect(created.body).not.toContain(JSON.parse(blob).ct);
    expect((await put(url, blob)).status).toBe(200);
    const got = await http("GET", url);
    expect({ status: got.status, type: got.headers["content-type"], cache: got.headers["cache-control"], body: got.body }).toEqual({ status: 200, type: JSON_TYPE, cache: "no-store", body: blob });
    expect((await http("DELETE", url)).status).toBe(200);
    const gone = await http("GET", url);
    expect({ status: gone.status, type: gone.headers["content-type"] }).toEqual({ status: 404, type: JSON_TYPE });
    expect(JSON.parse(gone.body)).toMatchObject({ errorCode: 100, message: "Key not found", cause: new URL(url).pathname, index: 1 });
    expect((await http("DELETE", url)).status).toBe(404);
  });

  test("bad input: the documented error and an identical state before and after", async () => {
    const s = await start({ maxSealedPerToken: 2 });
    const tokenUrl = await newTokenUrl(s.url);
    const blob = seal(BOOT, "a", "x");
    expect((await put(sealedUrl(tokenUrl, "a"), blob)).status).toBe(201);
    expect((await put(sealedUrl(tokenUrl, "b"), blob)).status).toBe(201);
    const before = JSON.stringify(s.dump());
    const base = sealedUrl(tokenUrl, "");
    const unknown = sealedUrl(`${s.url}/${"f".repeat(32)}`, "a");
    const cases: [string, string, { body?: string; contentType?: string }, number, number][] = [
      ["PUT", `${base}c?ttl=60`, { body: blob, contentType: JSON_TYPE }, 403, 1001],
      ["PUT", `${base}a?ttl=0`, { body: blob, contentType: JSON_TYPE }, 400, 202],
      ["PUT", `${base}a?ttl=604801`, { body: blob, contentType: JSON_TYPE }, 400, 202],
      ["PUT", `${base}a`, { body: blob, contentType: JSON_TYPE }, 400, 202],
      ["PUT", `${base}a?ttl=60`, { body: blob, contentType: "text/plain" }, 400, 210],
      ["PUT", `${base}a?ttl=60`, { body: "not json", contentType: JSON_TYPE }, 400, 210],
      ["PUT", `${base}a?ttl=60`, { body: CA_KEY, contentType: JSON_TYPE }, 400, 210],
      ["PUT", `${base}a?ttl=60`, { body: '{"v":1,"alg":"A256GCM"}', contentType: JSON_TYPE }, 400, 209],
      ["PUT", `${base}a?ttl=60`, { body: blob.replace('"ct"', '"plaintext":"x","ct"'), contentType: JSON_TYPE }, 400, 209],
      ["PUT", `${base}A?ttl=60`, { body: blob, contentType: JSON_TYPE }, 400, 209],
      ["PUT", `${unknown}?ttl=60`, { body: blob, contentType: JSON_TYPE }, 404, 100],
      ["GET", unknown, {}, 404, 100],
      ["GET", `${base}zz`, {}, 404, 100],
      ["GET", base, {}, 404, 100],
      ["GET", `${base}a?recursive=true`, {}, 400, 209],
      ["POST", `${base}a`, { body: blob, contentType: JSON_TYPE }, 405, 1004],
      ["PATCH", `${base}a`, {}, 405, 1004],
      ["DELETE", `${base}zz`, {}, 404, 100],
    ];
    for (const [method, url, opts, status, errorCode] of cases) {
      const r = await http(method, url, opts);
      const what = `${method} ${url.slice(s.url.length)} → ${r.status} ${r.body}`;
      expect({ what, status: r.status, type: r.headers["content-type"] }).toEqual({ what, status, type: JSON_TYPE });
      const err = JSON.parse(r.body);
      expect({ what, errorCode: err.errorCode, fields: [typeof err.message, typeof err.cause, Number.isInteger(err.index)] }).toEqual({ what, errorCode, fields: ["string", "string", true] });
      expect(JSON.stringify(s.dump())).toBe(before);
    }
  });

  test("bodies over 8 KiB: 413 from the shell (declared or streamed) and from the record's own limit", async () => {
    const s = await start();
    const url = sealedUrl(await newTokenUrl(s.url), "big");
    const big = JSON.stringify({ ...JSON.parse(seal(BOOT, "big", "x")), ct: "A".repeat(8200) });
    for (const chunked of [false, true]) {
      const r = await http("PUT", `${url}?ttl=60`, { body: big, contentType: JSON_TYPE, chunked });
      expect({ status: r.status, errorCode: JSON.parse(r.body).errorCode }).toEqual({ status: 413, errorCode: 1002 });
    }
    const roomy = await start({ maxBodyBytes: 65536 }); // a larger server limit does not lift the record's
    const r = await put(sealedUrl(await newTokenUrl(roomy.url), "big"), big);
    expect(JSON.parse(r.body)).toMatchObject({ errorCode: 1002, cause: expect.stringContaining("at most 8192") });
    expect(s.dump()).toEqual([expect.objectContaining({ sealed: [] })]);
  });

  test("expiry follows the injected clock and is not undone by a restart", async () => {
    const dataDir = tempDir();
    const clock = { t: 1_700_000_000_000, now() { return this.t; } };
    const first = await start({ dataDir, clock });
    const tokenUrl = await newTokenUrl(first.url);
    expect((await put(sealedUrl(tokenUrl, "short"), seal(BOOT, "short", "s"), 30)).status).toBe(201);
    expect((await put(sealedUrl(tokenUrl, "long"), seal(BOOT, "long", "l"), 90)).status).toBe(201);
    clock.t += 30_000;
    expect((await http("GET", sealedUrl(tokenUrl, "short"))).status).toBe(404);
    await first.close();
    const second = await start({ dataDir, clock, port: first.port }); // replays the put of "short"
    expect((await http("GET", sealedUrl(tokenUrl, "short"))).status).toBe(404);
    expect((await http("GET", sealedUrl(tokenUrl, "long"))).status).toBe(200);
    clock.t += 60_000;
    expect((await http("GET", sealedUrl(tokenUrl, "long"))).status).toBe(404);
    expect(second.dump()).toEqual([expect.objectContaining({ sealed: [] })]);
  });

  test("compaction keeps live sealed records and leaves expired and deleted blobs off the disk", async () => {
    const dataDir = tempDir();
    const clock = { t: 1_700_000_000_000, now() { return this.t; } };
    const first = await start({ dataDir, clock, compactMinBytes: 4096 });
    const tokenUrl = await newTokenUrl(first.url);
    const doomed = [seal(BOOT, "gone", "g"), seal(BOOT, "lapsed", "l")];
    await put(sealedUrl(tokenUrl, "gone"), doomed[0]!);
    await put(sealedUrl(tokenUrl, "lapsed"), doomed[1]!, 5);
    expect((await http("DELETE", sealedUrl(tokenUrl, "gone"))).status).toBe(200);
    clock.t += 5000;
    let kept = "";
    for (let i = 0; i < 40; i++) {
      kept = seal(BOOT, "kept", `secret ${i}`);
      expect((await put(sealedUrl(tokenUrl, "kept"), kept)).status).toBe(i === 0 ? 201 : 200);
    }
    const log = readFileSync(join(dataDir, "discovery.log"), "utf8");
    expect(log.length).toBeLessThan(40 * kept.length); // compacted
    for (const d of doomed) expect(log).not.toContain(JSON.parse(d).salt); // 22 random characters: no accidental match
    await first.close();
    const second = await start({ dataDir, clock, port: first.port });
    expect((await http("GET", sealedUrl(tokenUrl, "kept"))).body).toBe(kept);
    expect(second.dump()).toEqual([expect.objectContaining({ sealed: [expect.objectContaining({ name: "kept", blob: kept })] })]);
  });
});

describe("client", () => {
  test("seal() → putSealed → getSealed → unseal() gives the secret back; the largest secret fits", async () => {
    const s = await start();
    const tokenUrl = await newTokenUrl(s.url);
    const stored = await putSealed(tokenUrl, "ca-key", seal(BOOT, "ca-key", CA_KEY), 3600);
    expect(stored).toEqual({ ok: true, value: { name: "ca-key", expiresAt: expect.any(Number) } });
    expect(stored.ok && stored.value.expiresAt - Date.now()).toBeGreaterThan(3_590_000);
    const got = await getSealed(tokenUrl, "ca-key");
    if (!got.ok || got.value === undefined) throw new Error(`expected the blob: ${JSON.stringify(got)}`);
    expect(unseal(BOOT, "ca-key", got.value)).toBe(CA_KEY);
    expect(() => unseal("another-bootstrap-token-0000", "ca-key", got.value!)).toThrow(UnsealError);
    const big = "k".repeat(SEAL_MAX_BYTES);
    expect((await putSealed(tokenUrl, "big", seal(BOOT, "big", big), 60)).ok).toBe(true);
    const back = await getSealed(tokenUrl, "big");
    expect(back.ok && back.value !== undefined && unseal(BOOT, "big", back.value)).toBe(big);
  });

  test("absent is a value (undefined / false); an unknown token, bad input and garbage are errors", async () => {
    const s = await start();
    const tokenUrl = await newTokenUrl(s.url);
    expect(await getSealed(tokenUrl, "nothing")).toEqual({ ok: true, value: undefined });
    expect(await putSealed(tokenUrl, "x", seal(BOOT, "x", "1"), 60)).toMatchObject({ ok: true });
    expect(await deleteSealed(tokenUrl, "x")).toEqual({ ok: true, value: true });
    expect(await deleteSealed(tokenUrl, "x")).toEqual({ ok: true, value: false });
    const unknown = `${s.url}/${"e".repeat(32)}`;
    for (const r of [await getSealed(unknown, "x"), await deleteSealed(unknown, "x"), await putSealed(unknown, "x", seal(BOOT, "x", "1"), 60)])
      expect(r).toMatchObject({ ok: false, error: { kind: "http", status: 404, errorCode: 100, cause: `/${"e".repeat(32)}` } });
    expect(await putSealed(tokenUrl, "x", CA_KEY, 60)).toMatchObject({ ok: false, error: { kind: "http", status: 400, errorCode: 210 } });
    expect(await putSealed(tokenUrl, "x", seal(BOOT, "x", "1"), 8 * 86400)).toMatchObject({ ok: false, error: { kind: "http", errorCode: 202 } });
    expect(await putSealed(tokenUrl, "a/b", seal(BOOT, "a/b", "1"), 60)).toMatchObject({ ok: false, error: { kind: "http", errorCode: 209 } });
    expect(await getSealed("http://127.0.0.1:1/not-a-token", "x")).toMatchObject({ ok: false, error: { kind: "bad-url" } });
    const junk: Server = createServer((req, res) => res.end(req.method === "GET" ? "<html>hello</html>" : "{}"));
    await new Promise<void>((r) => junk.listen(0, "127.0.0.1", r));
    try {
      const junkUrl = `http://127.0.0.1:${(junk.address() as AddressInfo).port}/${"a".repeat(32)}`;
      expect(await getSealed(junkUrl, "x")).toMatchObject({ ok: false, error: { kind: "bad-response", message: expect.stringContaining("expected a sealed blob") } });
      expect(await putSealed(junkUrl, "x", seal(BOOT, "x", "1"), 60)).toMatchObject({ ok: false, error: { kind: "bad-response" } });
    } finally {
      await new Promise((r) => junk.close(r));
    }
  });
});

test("sealed records survive kill -9 of `hafen discovery serve`, and stay out of etcd's tree and the server list", async () => {
  const data = tempDir();
  const first = await startService(["--listen", "127.0.0.1:0", "--data", data]);
  const tokenUrl = await newTokenUrl(first.url);
  const blobs = { a: seal(BOOT, "a", "alpha"), b: seal(BOOT, "b", "beta"), b2: seal(BOOT, "b", "beta 2"), c: seal(BOOT, "c", "gamma") };
  expect((await putSealed(tokenUrl, "a", blobs.a, 600)).ok).toBe(true);
  expect((await putSealed(tokenUrl, "b", blobs.b, 600)).ok).toBe(true);
  expect((await putSealed(tokenUrl, "c", blobs.c, 600)).ok).toBe(true);
  expect((await putSealed(tokenUrl, "b", blobs.b2, 600)).ok).toBe(true);
  expect(await deleteSealed(tokenUrl, "c")).toEqual({ ok: true, value: true });
  const tree = async () => {
    const r = await http("GET", `${tokenUrl}?recursive=true`);
    return [r.status, r.headers["x-etcd-index"], r.body];
  };
  const servers = () => http("GET", tokenUrl.replace(/\/([0-9a-f]{32})$/, "/_hafen/$1/servers")).then((r) => r.body);
  const treeBefore = await tree();
  expect(treeBefore[1]).toBe("1"); // the token's creation only
  expect(JSON.parse(treeBefore[2] as string).node.nodes.map((n: { key: string }) => n.key.split("/").pop())).toEqual(["_config"]);
  expect(JSON.parse(await servers())).toEqual({ servers: [] });
  await first.stop("SIGKILL"); // right after the last acknowledged write
  const second = await startService(["--listen", `127.0.0.1:${first.port}`, "--data", data]);
  expect(await getSealed(tokenUrl, "a")).toEqual({ ok: true, value: blobs.a });
  expect(await getSealed(tokenUrl, "b")).toEqual({ ok: true, value: blobs.b2 });
  expect(await getSealed(tokenUrl, "c")).toEqual({ ok: true, value: undefined });
  expect(await tree()).toEqual(treeBefore);
  expect(JSON.parse(await servers())).toEqual({ servers: [] });
  expect(second.log()).not.toContain(tokenUrl.slice(-32)); // tokens stay redacted in logs
  await second.stop();
});
