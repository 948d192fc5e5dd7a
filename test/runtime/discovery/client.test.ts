// The typed client against a real service (HTTP and HTTPS with a private CA), and its
// errors as values: bad URLs, unreachable services, service errors, garbage answers.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createToken, getSize, listServers, registerServer, removeServer, parseTokenUrl } from "../../../runtime/discovery/client";
import { startDiscoveryServer, type DiscoveryServer } from "../../../runtime/discovery/server";
import { freePort } from "../../support/ports";
import { tempDir } from "../../support/tmp";
import { makeCerts } from "./helpers";

const servers: DiscoveryServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function start(tls?: { cert: string; key: string }): Promise<DiscoveryServer> {
  const s = await startDiscoveryServer({ host: "127.0.0.1", port: 0, dataDir: tempDir(), tls });
  servers.push(s);
  return s;
}

test("servers announce themselves and agents list them, under the token", async () => {
  const s = await start();
  const made = await createToken(s.url, 5);
  if (!made.ok) throw new Error(made.error.message);
  expect(await getSize(made.value)).toEqual({ ok: true, value: 5 });
  const a = await registerServer(made.value, "srv-b", { endpoint: "https://10.0.0.2:7480" }, 30);
  expect(a).toMatchObject({ ok: true, value: { id: "srv-b", endpoint: "https://10.0.0.2:7480", meta: {} } });
  await registerServer(made.value, "srv-a", { endpoint: "https://10.0.0.1:7480", meta: { zone: "x" } }, 30);
  const list = await listServers(made.value);
  expect(list.ok && list.value.map((r) => [r.id, r.endpoint, r.meta])).toEqual([
    ["srv-a", "https://10.0.0.1:7480", { zone: "x" }],
    ["srv-b", "https://10.0.0.2:7480", {}],
  ]);
  expect(await removeServer(made.value, "srv-b")).toEqual({ ok: true, value: undefined });
  const after = await listServers(made.value);
  expect(after.ok && after.value.map((r) => r.id)).toEqual(["srv-a"]);
});

test("errors are values: bad URL, unknown token, refused input, unreachable, garbage", async () => {
  const s = await start();
  expect(parseTokenUrl("http://h:1/xyz")).toMatchObject({ ok: false, error: { kind: "bad-url" } });
  expect(await getSize("not a url")).toMatchObject({ ok: false, error: { kind: "bad-url" } });
  expect(await createToken(`${s.url}/sub`, 3)).toMatchObject({ ok: false, error: { kind: "bad-url" } });
  expect(await getSize(`${s.url}/${"a".repeat(32)}`)).toMatchObject({ ok: false, error: { kind: "http", status: 404, errorCode: 100 } });
  expect(await createToken(s.url, 0)).toMatchObject({ ok: false, error: { kind: "http", status: 400, errorCode: 209 } });
  const t = await createToken(s.url, 3);
  if (!t.ok) throw new Error(t.error.message);
  expect(await registerServer(t.value, "s1", { endpoint: "ftp://x" }, 30)).toMatchObject({ ok: false, error: { kind: "http", errorCode: 209 } });
  expect(await registerServer(t.value, "s1", { endpoint: "http://x:1" }, 0)).toMatchObject({ ok: false, error: { kind: "http", errorCode: 202 } });
  const closed = await freePort();
  expect(await createToken(`http://127.0.0.1:${closed}`, 3)).toMatchObject({ ok: false, error: { kind: "unreachable" } });
  const junk: Server = createServer((_req, res) => res.end("<html>hello</html>"));
  await new Promise<void>((r) => junk.listen(0, "127.0.0.1", r));
  try {
    const port = (junk.address() as AddressInfo).port;
    expect(await createToken(`http://127.0.0.1:${port}`, 3)).toMatchObject({ ok: false, error: { kind: "bad-response" } });
    expect(await listServers(`http://127.0.0.1:${port}/${"a".repeat(32)}`)).toMatchObject({ ok: false, error: { kind: "bad-response" } });
  } finally {
    await new Promise((r) => junk.close(r));
  }
});

test("HTTPS with a private CA: trusted with `ca`, refused without", async () => {
  const certs = makeCerts(tempDir());
  const s = await start({ cert: certs.cert, key: certs.key });
  expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  const made = await createToken(s.url, 1, { ca: certs.ca });
  expect(made.ok).toBe(true);
  expect(await createToken(s.url, 1)).toMatchObject({ ok: false, error: { kind: "unreachable" } });
});
