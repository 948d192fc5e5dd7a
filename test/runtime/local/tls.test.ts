// TLS on a real local cluster, issued the way cloud machines get it: the CA key reaches
// control machines sealed in the discovery service (never in user data), control
// machines sign their own certificates, workers get theirs through a CSR to the servers.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { runBin } from "../../support/cli";
import { tempDir } from "../../support/tmp";
import { etcdAvailable } from "../../support/etcd";
import { ApiClient } from "../../../runtime/client/api";
import { send } from "../../../runtime/client/transport";
import { readState } from "../../../runtime/local/state";
import { newCsr, newKeyPem } from "../../../runtime/tls/certs";

jest.setTimeout(120_000);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) runBin(["local", "down", "--dir", d], { timeoutMs: 60_000 });
});

function up(args: string[]) {
  const dir = tempDir("hafen-tls-");
  dirs.push(dir);
  const r = runBin(["local", "up", "--dir", dir, "--tls", "--json", ...args], { timeoutMs: 100_000 });
  if (r.code !== 0) throw new Error(`local up --tls failed:\n${r.stderr}`);
  const cfg = JSON.parse(readFileSync(join(dir, "client.json"), "utf8")) as { endpoint: string; token: string; ca: string };
  const ca = readFileSync(join(dir, cfg.ca), "utf8");
  return { dir, cfg, ca, state: readState(join(dir, "cluster.json"))! };
}

describe("local cluster with --tls (embedded store)", () => {
  it("serves HTTPS only to clients that trust the cluster CA, with runtime-issued machine certificates", async () => {
    const { dir, cfg, ca, state } = up(["--machines", "3"]);
    expect(cfg.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const api = new ApiClient({ endpoint: cfg.endpoint, token: cfg.token, ca });
    expect((await api.listMachines()).map((m) => m.id).sort()).toEqual(state.machines.map((m) => m.id).sort());
    await expect(new ApiClient({ endpoint: cfg.endpoint, token: cfg.token }).listMachines()).rejects.toThrow(/certificate/);
    await expect(new ApiClient({ endpoint: cfg.endpoint.replace("https", "http"), token: cfg.token }).listMachines()).rejects.toThrow();

    const caCert = new X509Certificate(ca);
    for (const m of state.machines) {
      const tlsDir = join(m.root, "var", "lib", "hafen", "tls");
      const cert = new X509Certificate(readFileSync(join(tlsDir, "cert.pem")));
      expect(cert.verify(caCert.publicKey)).toBe(true);
      expect(cert.subject).toContain(`CN=machine:${m.id}`);
      expect(cert.subjectAltName).toContain("IP Address:127.0.0.1");
      expect(statSync(join(tlsDir, "key.pem")).mode & 0o077).toBe(0);
      // Only control machines hold the CA key; nothing secret is in any machine's config.
      expect(existsSync(join(tlsDir, "ca-key.pem"))).toBe(m.role === "both");
      const userData = readFileSync(join(dir, "machines", m.name, "cloud-config.yaml"), "utf8");
      expect(userData).not.toMatch(/PRIVATE KEY/);
      expect(userData).not.toMatch(/hfa_/);
    }

    // The journal relay reaches the agents' HTTPS ports.
    await api.createUnit("tls-hello.service", [{ section: "Service", name: "ExecStart", value: "/bin/sh -c 'echo over-tls; exec sleep 600'" }], "launched");
    const deadline = Date.now() + 20_000;
    let lines: string[] = [];
    while (Date.now() < deadline && !lines.some((l) => l.includes("over-tls"))) {
      lines = await api.journal("tls-hello.service", 10).then((j) => j.lines, () => []);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(lines.some((l) => l.includes("over-tls"))).toBe(true);
  });

  it("signs only machine certificates, and only for callers holding a cluster credential", async () => {
    const { dir, cfg, ca } = up(["--machines", "1"]);
    const boot = readFileSync(join(dir, "machines", "m1", "etc", "hafen", "bootstrap-token"), "utf8").trim();
    const csr = (cn: string) => JSON.stringify({ csr: newCsr(newKeyPem(), { commonName: cn, ips: ["127.0.0.1"], dns: [] }) });
    const post = (token: string | undefined, body: string) =>
      send(`${cfg.endpoint}/hafen/v1/certificates`, { ca, ...(token ? { token } : {}) }, { method: "POST", headers: { "content-type": "application/json" }, body });
    const admin = await post(boot, csr("admin"));
    expect(admin.status).toBe(400);
    expect(admin.body.toString()).toMatch(/machine:<their 32-hex id>/);
    expect((await post(undefined, csr(`machine:${"a".repeat(32)}`))).status).toBe(401);
    expect((await post(boot, JSON.stringify({ csr: "garbage" }))).status).toBe(400);
    const ok = await post(boot, csr(`machine:${"b".repeat(32)}`));
    expect(ok.status).toBe(200);
    const cert = new X509Certificate(JSON.parse(ok.body.toString()).certificate);
    expect(cert.verify(new X509Certificate(ca).publicKey)).toBe(true);
  });
});

(etcdAvailable() ? describe : describe.skip)("local cluster with --tls (3 etcd members)", () => {
  it("runs etcd peers and clients over TLS with client certificate authentication", async () => {
    const { cfg, ca, state } = up(["--machines", "4", "--control", "3"]);
    const api = new ApiClient({ endpoint: cfg.endpoint, token: cfg.token, ca });
    expect(await api.listMachines()).toHaveLength(4);
    const env = readFileSync(join(state.machines[0]!.root, "run", "hafen", "etcd.env"), "utf8");
    expect(env).toMatch(/^ETCD_INITIAL_ADVERTISE_PEER_URLS=https:\/\//m);
    expect(env).toMatch(/^ETCD_PEER_CLIENT_CERT_AUTH=true$/m);
    expect(env).toMatch(/^ETCD_CLIENT_CERT_AUTH=true$/m);
    expect((await api.health()).store).toBe("etcd");
  });
});
