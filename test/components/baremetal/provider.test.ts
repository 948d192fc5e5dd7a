// The BootMachines provider's create/diff/update/delete/read as plain functions against
// a real boot service on 127.0.0.1 — and once more as Pulumi ships it (serialised to
// text and loaded as a fresh module), since a provider that cannot be serialised fails
// only at `pulumi up`.
import Module from "node:module";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { bootMachinesProvider, diffBootMachines, parseDocuments, type BootMachinesInputs, type BootMachinesOutputs } from "../../../components/baremetal";
import { startBootServer, type BootServer } from "../../../runtime/boot";
import { dataDir, flatcarProfile } from "../../runtime/boot/fixtures";
import { ipxeGet } from "../../runtime/boot/ipxe-client";

const TOKEN = "pulumi-boot-token-0123456789";
let server: BootServer;
let operatorDir: string;

beforeAll(async () => {
  operatorDir = dataDir({ "hand-written": { profile: "hand", selector: { mac: "52:54:00:aa:aa:aa" }, metadata: { name: "hand" } } }, { hand: flatcarProfile() });
  server = await startBootServer({ host: "127.0.0.1", port: 0, dataDir: operatorDir, watch: false, tokenHashes: [createHash("sha256").update(TOKEN).digest("hex")] });
});
afterAll(async () => server?.close());

const group = (mac: string, name: string) => ({ profile: name, selector: { mac }, metadata: { name } });
const documents = (groups: Record<string, unknown>, profiles: Record<string, unknown>) => JSON.stringify({ groups, profiles });
const inputs = (docs: Record<string, string>, token = TOKEN): BootMachinesInputs => ({
  endpoint: { url: server.url, token },
  documents: documents(Object.fromEntries(Object.entries(docs).map(([name, mac]) => [name, group(mac, name)])), Object.fromEntries(Object.keys(docs).map((name) => [name, flatcarProfile()]))),
});
const outs = (r: { outs?: BootMachinesOutputs }): BootMachinesOutputs => r.outs!;
const served = async (mac: string) => (await ipxeGet(`${server.url}/ipxe?mac=${mac.replace(/:/g, "-")}`)).status;

test("create, update (add, change, remove) and delete change exactly the declared documents", async () => {
  const p = bootMachinesProvider();
  const v1 = inputs({ "pool-m1": "52:54:00:00:01:01", "pool-m2": "52:54:00:00:01:02" });
  expect(await p.check!({} as BootMachinesInputs, v1)).toEqual({ inputs: v1 });
  const created = await p.create(v1);
  expect(created.id).toMatch(/^boot-[0-9a-f]{16}$/);
  expect(await served("52:54:00:00:01:01")).toBe(200);
  expect(await served("52:54:00:00:01:02")).toBe(200);

  const v2 = inputs({ "pool-m2": "52:54:00:00:01:22", "pool-m3": "52:54:00:00:01:03" });
  expect(await p.diff!(created.id, outs(created), v2)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  const updated = await p.update!(created.id, outs(created), v2);
  expect(outs(updated).generation).toBeGreaterThan(outs(created).generation);
  expect(await served("52:54:00:00:01:01")).toBe(404); // m1 removed
  expect(await served("52:54:00:00:01:02")).toBe(404); // m2's MAC changed
  expect(await served("52:54:00:00:01:22")).toBe(200);
  expect(await served("52:54:00:00:01:03")).toBe(200);

  const read = await p.read!(created.id, outs(updated));
  const held = parseDocuments(read.props!.documents);
  expect(typeof held !== "string" && Object.keys(held.groups).sort()).toEqual(["pool-m2", "pool-m3"]);
  await p.delete!(created.id, outs(updated));
  expect(await served("52:54:00:00:01:22")).toBe(404);
  await p.delete!(created.id, outs(updated)); // already gone: still fine
  expect(await p.read!(created.id, outs(updated))).toEqual({});
  expect(await served("52:54:00:aa:aa:aa")).toBe(200); // the operator's own group untouched
});

test("create refuses names that already exist (no takeover) and leaves the service unchanged", async () => {
  const p = bootMachinesProvider();
  const before = (await (await fetch(`${server.url}/healthz`)).json()) as { generation: number };
  const clash = { ...inputs({}), documents: documents({ "hand-written": group("52:54:00:00:02:01", "pool-x") }, { "pool-x": flatcarProfile() }) };
  await expect(p.create(clash)).rejects.toThrow(/HTTP 409: already defined: groups\/hand-written; these names must not exist yet/);
  await expect(p.create(inputs({ "pool-y": "52:54:00:00:02:02" }, "wrong-token-0123456789"))).rejects.toThrow(/HTTP 401/);
  const badProfiles = { "pool-z": { ...flatcarProfile(), config: { format: "ignition", machine: { hostname: "no_underscores" } } } };
  await expect(p.create({ ...inputs({}), documents: documents({ "pool-z": group("52:54:00:00:02:03", "pool-z") }, badProfiles) })).rejects.toThrow(/HTTP 422: .*profiles\/pool-z\.json:\d+: config\.machine\.hostname: invalid-value/s);
  expect(((await (await fetch(`${server.url}/healthz`)).json()) as { generation: number }).generation).toBe(before.generation);
});

test("diff: another service replaces, a new token updates in place, identical inputs change nothing", () => {
  const a = inputs({ "pool-m1": "52:54:00:00:01:01" });
  expect(diffBootMachines(a, a)).toEqual({ changes: false, replaces: [], changed: [] });
  expect(diffBootMachines(a, { ...a, endpoint: { ...a.endpoint, url: "http://127.0.0.1:1" } }).replaces).toEqual(["endpoint"]);
  expect(diffBootMachines(a, { ...a, endpoint: { ...a.endpoint, token: "another-token-0123456789" } })).toEqual({ changes: true, replaces: [], changed: ["endpoint"] });
});

test("check names bad inputs", async () => {
  const p = bootMachinesProvider();
  const r = await p.check!({} as BootMachinesInputs, { endpoint: { url: "ftp://x", token: "short" }, documents: JSON.stringify({ groups: [], profiles: {} }) });
  expect(r.failures).toEqual([
    { property: "endpoint", reason: "endpoint.url must be the boot service's http(s) base URL" },
    { property: "endpoint", reason: "endpoint.token must be a token from the service's --token-file (at least 16 characters)" },
    { property: "documents", reason: "documents must be {groups: {name: document}, profiles: {name: document}}" },
  ]);
  expect((await p.check!({} as BootMachinesInputs, { endpoint: { url: "http://x", token: TOKEN }, documents: "{" })).failures).toEqual([
    { property: "documents", reason: expect.stringMatching(/^documents is not JSON: /) },
  ]);
});

test("the serialised provider (what Pulumi ships to its provider host) creates and deletes", async () => {
  const provider = bootMachinesProvider();
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  const m = new Module("serialized-boot-provider");
  m.paths = module.paths;
  (m as unknown as { _compile(code: string, file: string): void })._compile(sf.text, join(tmpdir(), "serialized-boot-provider.js"));
  const shipped = (m.exports as Record<string, () => typeof provider>)[sf.exportName]!();
  const v = inputs({ "shipped-m1": "52:54:00:00:03:01" });
  const r = await shipped.create(v);
  expect(await served("52:54:00:00:03:01")).toBe(200);
  await shipped.delete!(r.id, outs(r));
  expect(await served("52:54:00:00:03:01")).toBe(404);
}, 30_000);
