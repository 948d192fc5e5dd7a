// Data that changes while the service runs: files edited on disk are picked up; bad
// files are refused with file and field, and the last good data keeps being served
// (acceptance 3); the API that changes data is authenticated and all-or-nothing; the
// assets cache stores only uploads whose SHA-256 matches.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bootStatus, startBootServer, type BootServer, type BootStatus } from "../../../runtime/boot";
import { tempDir } from "../../support/tmp";
import { ipxeGet } from "./ipxe-client";
import { dataDir, flatcarProfile } from "./fixtures";
import { until } from "./until";

const TOKEN = "boot-test-token-0123456789abcdef";
const MAC1 = "52-54-00-00-00-01";
const MAC2 = "52-54-00-00-00-02";

let dir: string;
let assetsDir: string;
let server: BootServer;
const ep = () => ({ url: server.url, token: TOKEN });

const script = async (mac: string) => (await ipxeGet(`${server.url}/ipxe?mac=${mac}&uuid=&hostname=&serial=`)).status;
const status = (): Promise<BootStatus> => bootStatus(ep());
const api = (method: string, path: string, body?: unknown, token: string | null = TOKEN, contentType = "application/json") =>
  fetch(`${server.url}/api/v1/${path}`, {
    method,
    headers: { ...(token !== null && { authorization: `Bearer ${token}` }), ...(body !== undefined && { "content-type": contentType }) },
    ...(body !== undefined && { body: typeof body === "string" || body instanceof Buffer ? body : JSON.stringify(body) }),
  });

beforeAll(async () => {
  dir = dataDir({ "node-1": `profile: live\nselector:\n  mac: "52:54:00:00:00:01"\nmetadata:\n  name: node-1\n` }, { live: flatcarProfile() });
  assetsDir = tempDir("hafen-boot-assets-");
  server = await startBootServer({ host: "127.0.0.1", port: 0, dataDir: dir, assetsDir, tokenHashes: [createHash("sha256").update(TOKEN).digest("hex")], debounceMs: 30 });
});
afterAll(async () => server?.close());

test("a group file added on disk is served without a restart", async () => {
  expect(await script(MAC2)).toBe(404);
  writeFileSync(join(dir, "groups/node-2.yaml"), `profile: live\nselector:\n  mac: "52:54:00:00:00:02"\nmetadata:\n  name: node-2\n`);
  await until(async () => (await script(MAC2)) === 200, "node-2 to be served");
});

test("a garbage edit is refused with file, line and field; the last good data keeps being served", async () => {
  const before = await status();
  writeFileSync(join(dir, "groups/node-1.yaml"), `profile: live\nselector:\n  mac: "52:54:00:00:00:0"\nmetadata:\n  name: node-1\n`);
  const s = await until(async () => {
    const x = await status();
    return !x.lastReload.ok && x;
  }, "the bad edit to be refused");
  expect(s.lastReload.problems).toEqual([
    expect.objectContaining({ code: "invalid-value", file: "groups/node-1.yaml", line: 3, path: "selector.mac", value: '"52:54:00:00:00:0"' }),
  ]);
  expect(s.generation).toBe(before.generation);
  expect(await script(MAC1)).toBe(200); // still the old node-1
  writeFileSync(join(dir, "profiles/live.json"), "{ not json");
  writeFileSync(join(dir, "groups/node-3.yaml"), "profile: missing\n");
  const s2 = await until(async () => {
    const x = await status();
    return x.lastReload.problems.length === 3 && x;
  }, "all three problems to be reported").catch(async (e: Error) => {
    throw new Error(`${e.message}; last: ${JSON.stringify((await status()).lastReload.problems)}`);
  });
  expect(s2.lastReload.problems.map((p) => `${p.file}:${p.line ?? ""} ${p.path} ${p.code}`)).toEqual([
    "profiles/live.json:1  syntax",
    "groups/node-1.yaml:3 selector.mac invalid-value",
    "groups/node-3.yaml:1 profile unknown-profile",
  ]);
  expect(await script(MAC1)).toBe(200);
  expect(await script(MAC2)).toBe(200);
  // Fixing the files brings the new data in.
  writeFileSync(join(dir, "profiles/live.json"), JSON.stringify(flatcarProfile()));
  writeFileSync(join(dir, "groups/node-1.yaml"), `profile: live\nselector:\n  mac: "52:54:00:00:00:11"\nmetadata:\n  name: node-1\n`);
  rmSync(join(dir, "groups/node-3.yaml"));
  await until(async () => (await status()).lastReload.ok && (await script("52-54-00-00-00-11")) === 200, "the fixed data to be served");
  expect(await script(MAC1)).toBe(404);
});

test("the API refuses missing and wrong tokens and changes nothing", async () => {
  const before = await status();
  const put = { profile: "live", selector: { mac: "52:54:00:00:00:33" }, metadata: { name: "intruder" } };
  for (const token of [null, "wrong-token-0123456789", `${TOKEN}x`, ""]) {
    const r = await api("PUT", "groups/intruder", put, token);
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toBe('Bearer realm="hafen-boot"');
    expect(await r.json()).toEqual({ error: { code: 401, message: "missing or wrong bearer token (Authorization: Bearer <token from --token-file>)" } });
  }
  expect((await api("GET", "groups", undefined, "nope-nope-nope-nope")).status).toBe(401);
  expect(existsSync(join(dir, "groups/intruder.json"))).toBe(false);
  expect((await status()).generation).toBe(before.generation);
  expect(await script("52-54-00-00-00-33")).toBe(404);
});

test("API writes are validated with all other files and refused whole, naming the file and field", async () => {
  const bad = await api("POST", "apply", { groups: { "api-1": { profile: "live", selector: { mac: "52:54:00:00:00:44" }, metadata: { name: "api-1" } }, "api-2": { profile: "live", selector: { mac: "zz" }, metadata: { name: "x" } } } });
  expect(bad.status).toBe(422);
  const body = (await bad.json()) as { error: { problems: unknown[] } };
  expect(body.error.problems).toEqual([expect.objectContaining({ file: "groups/api-2.json", line: 4, path: "selector.mac", code: "invalid-value" })]);
  expect(existsSync(join(dir, "groups/api-1.json"))).toBe(false);
  expect(await script("52-54-00-00-00-44")).toBe(404);
  const good = await api("POST", "apply", { groups: { "api-1": { profile: "live", selector: { mac: "52:54:00:00:00:44" }, metadata: { name: "api-1" } } }, absent: { groups: ["api-1"] } });
  expect(good.status).toBe(200);
  expect(await script("52-54-00-00-00-44")).toBe(200);
  expect(JSON.parse(readFileSync(join(dir, "groups/api-1.json"), "utf8"))).toMatchObject({ profile: "live" });
  const again = await api("POST", "apply", { groups: { "api-1": { profile: "live" } }, absent: { groups: ["api-1"] } });
  expect(again.status).toBe(409);
  expect(((await again.json()) as { error: { message: string } }).error.message).toBe("already defined: groups/api-1; these names must not exist yet");
  expect(await (await api("GET", "groups/api-1")).json()).toEqual({ profile: "live", selector: { mac: "52:54:00:00:00:44" }, metadata: { name: "api-1" } });
  expect((await api("DELETE", "profiles/live")).status).toBe(422); // groups still use it
  expect((await api("DELETE", "groups/api-1")).status).toBe(200);
  expect(await script("52-54-00-00-00-44")).toBe(404);
  expect((await api("DELETE", "groups/api-1")).status).toBe(404);
});

test("garbage API requests get clear errors", async () => {
  expect((await api("POST", "apply", "{nope")).status).toBe(400);
  expect((await api("POST", "apply", { groups: [] })).status).toBe(400);
  expect(((await (await api("POST", "apply", { grups: {} })).json()) as { error: { message: string } }).error.message).toBe('unknown field "grups"; accepted: groups, profiles, absent');
  expect((await api("POST", "apply", { groups: { "Bad Name": {} } })).status).toBe(400);
  expect((await api("PUT", "groups/x", "profile: live", TOKEN, "text/yaml")).status).toBe(415);
  expect((await api("GET", "nothing")).status).toBe(404);
  expect((await api("PATCH", "groups/x", {})).status).toBe(405);
});

test("assets: an upload whose SHA-256 differs is refused and nothing is stored; a matching one is served", async () => {
  const bytes = Buffer.from("pretend this is a kernel\n".repeat(1000));
  const sha = createHash("sha256").update(bytes).digest("hex");
  const wrong = await api("PUT", `assets/flatcar/vmlinuz?sha256=${"0".repeat(64)}`, bytes, TOKEN, "application/octet-stream");
  expect(wrong.status).toBe(422);
  expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe(`the uploaded ${bytes.length} bytes have sha256 ${sha}, not the declared ${"0".repeat(64)}; nothing was stored`);
  expect(existsSync(join(assetsDir, "flatcar/vmlinuz"))).toBe(false);
  expect((await ipxeGet(`${server.url}/assets/flatcar/vmlinuz`)).status).toBe(404);
  expect((await api("PUT", "assets/../etc/passwd?sha256=" + sha, bytes, TOKEN, "application/octet-stream")).status).toBe(404);
  expect((await api("PUT", "assets/flatcar/vmlinuz", bytes, TOKEN, "application/octet-stream")).status).toBe(400);
  const ok = await api("PUT", `assets/flatcar/vmlinuz?sha256=${sha}`, bytes, TOKEN, "application/octet-stream");
  expect(ok.status).toBe(201);
  const served = await fetch(`${server.url}/assets/flatcar/vmlinuz`, { headers: { "user-agent": "iPXE/1.21.1" } });
  expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
  // A profile may now refer to the cached kernel; replacing or deleting it is refused while it does.
  const p = flatcarProfile() as { boot: Record<string, unknown> };
  const cached = { ...p, boot: { ...p.boot, kernel: { asset: "flatcar/vmlinuz", sha256: sha } } };
  expect((await api("PUT", "profiles/cached", cached)).status).toBe(200);
  expect((await api("PUT", `assets/flatcar/vmlinuz?sha256=${createHash("sha256").update("other").digest("hex")}`, "other", TOKEN, "application/octet-stream")).status).toBe(409);
  expect((await api("DELETE", "assets/flatcar/vmlinuz")).status).toBe(409);
  expect(await (await api("GET", "assets")).json()).toEqual({ assets: { "flatcar/vmlinuz": { sha256: sha, size: bytes.length } } });
});
