// HTTPS: with --tls-cert/--tls-key the service answers over TLS, the scripts point
// machines at https URLs, and the API client verifies the service against a private CA.
import { spawnSync } from "node:child_process";
import { get } from "node:https";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { applyChange, bootStatus, startBootServer, type BootServer } from "../../../runtime/boot";
import { tempDir } from "../../support/tmp";
import { dataDir, flatcarProfile } from "./fixtures";

const TOKEN = "tls-boot-token-0123456789abcdef";
let server: BootServer;
let cert: string;

beforeAll(async () => {
  const dir = tempDir("hafen-boot-tls-");
  const r = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=hafen-boot-test", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { encoding: "utf8", timeout: 20_000 });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  cert = readFileSync(join(dir, "cert.pem"), "utf8");
  server = await startBootServer({
    host: "127.0.0.1",
    port: 0,
    dataDir: dataDir({ g: { profile: "p", metadata: { name: "n" } } }, { p: flatcarProfile() }),
    tls: { cert, key: readFileSync(join(dir, "key.pem")) },
    tokenHashes: [createHash("sha256").update(TOKEN).digest("hex")],
    watch: false,
  });
});
afterAll(async () => server?.close());

test("the API client talks to an HTTPS service it verifies with the given CA, and refuses without it", async () => {
  expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  expect((await bootStatus({ url: server.url, token: TOKEN, ca: cert })).groups).toBe(1);
  await expect(bootStatus({ url: server.url, token: TOKEN })).rejects.toThrow(/cannot reach the boot service at https:\/\/127\.0\.0\.1:\d+: self[- ]signed certificate/);
  const script = await new Promise<string>((resolve, reject) =>
    get(`${server.url}/boot.ipxe`, { ca: cert, headers: { "user-agent": "iPXE/1.21.1" } }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve(body));
    }).on("error", reject),
  );
  expect(script).toContain(`chain ${server.url}/ipxe?mac=`);
  const r = await applyChange({ url: server.url, token: TOKEN, ca: cert }, { groups: { h: { profile: "p", selector: { hostname: "h1" }, metadata: { name: "h1" } } } });
  expect(r.changed).toBe(1);
});
