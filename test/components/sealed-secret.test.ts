// SealedSecret's provider against a real discovery service (in-process, 127.0.0.1, temp
// data dir), in-process and as Pulumi ships it (serialised): create publishes a blob the
// service keeps for the TTL and that opens — with the runtime's own getSealed/unseal, as
// a booting control machine does — to the CA key it was given; the service never holds
// the plaintext; diff/update/read/delete follow the documented policy, including the
// republish near expiry; bad inputs are refused field by field, naming no secret.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createToken, getSealed, startDiscoveryServer, type DiscoveryServer } from "../../runtime/discovery";
import { newCa, keyMatches } from "../../runtime/tls/certs";
import { unseal } from "../../runtime/tls/seal";
import { MAX_SEALED_TTL_SECONDS } from "../../runtime/discovery/sealed";
import { sealedProvider } from "../../components/discovery/sealed-provider";
import { diffSealed, SEALED_TTL, type SealedInputs, type SealedOutputs } from "../../components/discovery/sealed-inputs";
import { tempDir } from "../support/tmp";
import { freePort } from "../support/ports";
import { shipped } from "./serialize";

let server: DiscoveryServer;
let dataDir: string;
const ca = newCa("Hafen test CA");
const BOOTSTRAP = "hfb_0123456789abcdefghijABCDEFGHIJ_-xyz0123456";

beforeAll(async () => {
  dataDir = tempDir();
  server = await startDiscoveryServer({ host: "127.0.0.1", port: 0, dataDir });
});
afterAll(async () => server?.close());

async function newTokenUrl(): Promise<string> {
  const r = await createToken(server.url, 3);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Every file the service wrote, as text (to prove the plaintext never reached it). */
function serviceFiles(dir: string): string {
  return readdirSync(dir).map((f) => join(dir, f)).map((p) => (statSync(p).isDirectory() ? serviceFiles(p) : readFileSync(p, "latin1"))).join("\n");
}

describe.each([
  ["in-process", async (now?: () => number) => sealedProvider(now ? { now } : {})],
  ["serialised", async (now?: () => number) => shipped(sealedProvider(now ? { now } : {}), "sealed-provider")],
])("SealedSecret provider (%s)", (_label, make) => {
  test("create publishes a blob that opens, with the runtime's client and the bootstrap token, to the CA key", async () => {
    const p = await make();
    const url = await newTokenUrl();
    const inputs: SealedInputs = { discoveryUrl: url, name: "ca-key", plaintext: ca.keyPem, bootstrapToken: BOOTSTRAP };
    const before = Date.now();
    const r = await p.create(inputs);
    expect(r.id).toMatch(/^[0-9a-f]{32}$/);
    expect(url).not.toContain(r.id);
    expect(r.outs!.ttlSeconds).toBe(86400);
    expect(r.outs!.expiresAt).toBeGreaterThanOrEqual(before + 86400_000 - 5000);
    const blob = await getSealed(url, "ca-key");
    expect(blob.ok && typeof blob.value).toBe("string");
    const key = unseal(BOOTSTRAP, "ca-key", (blob as { value: string }).value);
    expect(key).toBe(ca.keyPem);
    expect(keyMatches(ca.certPem, key)).toBe(true);
    expect(() => unseal("hfb_another-token-of-enough-length", "ca-key", (blob as { value: string }).value)).toThrow(/does not open/);
    expect(serviceFiles(dataDir)).not.toContain(ca.keyPem.split("\n")[1]!);
    expect(await p.read!(r.id, r.outs)).toEqual({ id: r.id, props: r.outs });
    await p.delete!(r.id, r.outs!);
    expect(await getSealed(url, "ca-key")).toEqual({ ok: true, value: undefined });
    expect(await p.read!(r.id, r.outs)).toEqual({});
    await expect(p.delete!(r.id, r.outs!)).resolves.toBeUndefined();
  });

  test("update seals again under the new token and TTL; the old token no longer opens it", async () => {
    const p = await make();
    const url = await newTokenUrl();
    const created = await p.create({ discoveryUrl: url, name: "ca-key", plaintext: ca.keyPem, bootstrapToken: BOOTSTRAP });
    const rotated = "hfb_rotated-rotated-rotated-rotated-rotated-x";
    const news = { discoveryUrl: url, name: "ca-key", plaintext: ca.keyPem, bootstrapToken: rotated, ttlSeconds: 3600 };
    expect(await p.diff!(created.id, created.outs!, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const u = await p.update!(created.id, created.outs!, news);
    expect(u.outs).toMatchObject({ ttlSeconds: 3600, bootstrapToken: rotated });
    const blob = (await getSealed(url, "ca-key")) as { ok: true; value: string };
    expect(unseal(rotated, "ca-key", blob.value)).toBe(ca.keyPem);
    expect(() => unseal(BOOTSTRAP, "ca-key", blob.value)).toThrow(/does not open/);
  });

  test("diff: same inputs and far from expiry is no change; near or past expiry republishes; location replaces", async () => {
    // A serialised provider carries a copy of its clock: one provider per instant.
    const at = (t: number) => make(() => t);
    const olds: SealedOutputs = { discoveryUrl: `${server.url}/${"a".repeat(32)}`, name: "ca-key", plaintext: "k", bootstrapToken: BOOTSTRAP, ttlSeconds: 86400, expiresAt: 1_000_000 + 86400_000 };
    const same: SealedInputs = { discoveryUrl: olds.discoveryUrl, name: "ca-key", plaintext: "k", bootstrapToken: BOOTSTRAP };
    const early = await at(1_000_000);
    expect(await early.diff!("x", olds, same)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(await (await at(olds.expiresAt - 3599_000)).diff!("x", olds, same)).toMatchObject({ changes: true, replaces: [] });
    expect(await (await at(olds.expiresAt + 1)).diff!("x", olds, same)).toMatchObject({ changes: true, replaces: [] });
    expect(await early.diff!("x", olds, { ...same, name: "other" })).toMatchObject({ changes: true, replaces: ["name"] });
    expect(await early.diff!("x", olds, { ...same, discoveryUrl: `${server.url}/${"b".repeat(32)}` })).toMatchObject({ replaces: ["discoveryUrl"] });
  });

  test("check refuses garbage field by field, and never repeats the token URL or the plaintext", async () => {
    const p = await make();
    const secretUrl = "https://d.example.com/not-a-token-0123456789";
    const r = await p.check!({} as never, { discoveryUrl: secretUrl, name: "CA KEY", plaintext: "x".repeat(5000), bootstrapToken: "short", ttlSeconds: 10 ** 7, ca: "nope" } as never);
    expect(r.failures!.map((f) => f.property).sort()).toEqual(["bootstrapToken", "ca", "discoveryUrl", "name", "plaintext", "ttlSeconds"]);
    expect(r.failures!.find((f) => f.property === "ttlSeconds")!.reason).toContain(`from 60 to ${MAX_SEALED_TTL_SECONDS}`);
    expect(r.failures!.find((f) => f.property === "plaintext")!.reason).toContain("at most 4096");
    expect(JSON.stringify(r.failures)).not.toContain(secretUrl);
    expect(JSON.stringify(r.failures)).not.toContain("xxxxx");
    for (const garbage of [null, 7, "text", []]) expect((await p.check!({} as never, garbage as never)).failures!.length).toBeGreaterThan(0);
    await expect(p.create({ discoveryUrl: secretUrl, name: "ca-key", plaintext: "k", bootstrapToken: BOOTSTRAP })).rejects.toThrow(/^SealedSecret: discoveryUrl: not a discovery token URL/);
  });

  test("a token the service does not know: create fails naming the service, not the token; read reports it gone", async () => {
    const p = await make();
    const unknown = `${server.url}/${"c".repeat(32)}`;
    const inputs = { discoveryUrl: unknown, name: "ca-key", plaintext: ca.keyPem, bootstrapToken: BOOTSTRAP };
    const err = await p.create(inputs).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(new RegExp(`^SealedSecret: publishing at ${server.url.replace(/\./g, "\\.")} \\(record ca-key\\): HTTP 404`));
    expect(err?.message).not.toContain("c".repeat(32));
    expect(await p.read!("x", { ...inputs, ttlSeconds: 60, expiresAt: 0 })).toEqual({});
  });

  test("a service that is not there: create and delete fail with the reason (delete says when it lapses)", async () => {
    const p = await make();
    const url = `http://127.0.0.1:${await freePort()}/${"d".repeat(32)}`;
    const inputs = { discoveryUrl: url, name: "ca-key", plaintext: "k", bootstrapToken: BOOTSTRAP };
    await expect(p.create(inputs)).rejects.toThrow(/publishing at http:\/\/127\.0\.0\.1:\d+ \(record ca-key\): unreachable/);
    await expect(p.delete!("x", { ...inputs, ttlSeconds: 60, expiresAt: Date.parse("2030-01-01T00:00:00Z") })).rejects.toThrow(/it expires by itself at 2030-01-01T00:00:00\.000Z/);
  });
});

test("the default and the limits match the discovery service's", () => {
  expect(SEALED_TTL.maxSeconds).toBe(MAX_SEALED_TTL_SECONDS);
  const olds: SealedOutputs = { discoveryUrl: "u", name: "n", plaintext: "p", bootstrapToken: "t", ttlSeconds: SEALED_TTL.defaultSeconds, expiresAt: 10 ** 12 };
  expect(diffSealed(olds, { discoveryUrl: "u", name: "n", plaintext: "p", bootstrapToken: "t" }, 0)).toEqual({ changes: false, replaces: [], renew: false });
  expect(diffSealed(olds, { discoveryUrl: "u", name: "n", plaintext: "p2", bootstrapToken: "t" }, 0)).toMatchObject({ changes: true, renew: false });
});
