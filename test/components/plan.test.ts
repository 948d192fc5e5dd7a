// The pure parts without Pulumi: machine plans (names, metadata), the control count and
// store, the quorum rule, tags, placeholders, and the machine model a pool builds (CA
// certificate and bootstrap token, never a private key).
import { parseHafenSettings } from "../../machine";
import { controlCount, defaultStore, poolMachines } from "../../components/common/plan";
import { quorumProblem, validateCluster } from "../../components/common/validate";
import { doTags, keyValueStrings, keyValueTags, doMemberTag } from "../../components/common/tags";
import { machineInput, buildConfig } from "../../components/common/machine";
import { fakePem, noise, placeholderValues, PLACEHOLDER } from "../../components/common/placeholders";
import { formatToken } from "../../components/common/tokens";
import { awsPool, clusterArgs, doPool, ED25519, RUNTIME } from "./fixtures";

test("machines: names, roles and metadata in pool order", () => {
  const ms = poolMachines("prod", 1, awsPool({ name: "w", role: "worker", count: 3 }), { team: "infra" });
  expect(ms.map((m) => m.hostname)).toEqual(["prod-w-1", "prod-w-2", "prod-w-3"]);
  expect(ms[2]).toMatchObject({ poolIndex: 1, index: 3, role: "worker", metadata: { team: "infra", provider: "aws", pool: "w", role: "worker", region: "eu-central-1", zone: "eu-central-1a" } });
  expect(poolMachines("c", 0, doPool())[0]!.metadata).toEqual({ provider: "digitalocean", pool: "workers", role: "worker", region: "fra1" });
  expect(poolMachines("c", 0, { provider: "local", name: "dev", count: 2 })[0]!.metadata).toEqual({ provider: "local", pool: "dev" });
});

test("control count, default store and the quorum rule", () => {
  expect(controlCount([awsPool({ count: 3 }), doPool(), { provider: "local", name: "l", count: 5, control: 3 }])).toBe(6);
  expect([1, 3, 5].map(defaultStore)).toEqual(["embedded", "etcd", "etcd"]);
  expect([1, 3, 5, 7].map(quorumProblem)).toEqual([undefined, undefined, undefined, undefined]);
  expect(quorumProblem(2)).toContain("use 1 or 3");
  expect(quorumProblem(6)).toContain("a Raft quorum of 6 is 4");
  expect(quorumProblem(0)).toContain("no control machines");
});

test("validation resolves defaults", () => {
  const v = validateCluster("prod", clusterArgs({ pools: [awsPool({ count: 1 })] }));
  expect(v.ok && v.value).toMatchObject({ store: "embedded", os: "flatcar", format: "cloud-config", leaseTtlSeconds: 5, publicApi: false, control: 1 });
  const f = validateCluster("prod", clusterArgs({ os: "fedora-coreos" }));
  expect(f.ok && f.value.format).toBe("ignition");
});

test("tags: the spelling the policy pack reads", () => {
  expect(keyValueTags({ cluster: "c", role: "worker", pool: "p" })).toEqual({ "hafen:cluster": "c", "hafen:role": "worker", "hafen:pool": "p" });
  expect(keyValueStrings({ cluster: "c" })).toEqual(["hafen:cluster=c"]);
  expect(doTags({ cluster: "c", role: "both", pool: "p" })).toEqual(["hafen-cluster-c", "hafen-role-both", "hafen-pool-p"]);
  expect(doMemberTag("c", "p")).toBe("hafen:c:p");
});

test("tokens: prefix plus unpadded base64url, as runtime/api/auth.ts parses them", () => {
  const t = formatToken("hfa", Buffer.alloc(32, 0xfb).toString("base64"));
  expect(t).toMatch(/^hfa_[A-Za-z0-9_-]{43}$/);
  expect(PLACEHOLDER.token("hfb")).toMatch(/^hfb_[A-Za-z0-9_-]{43}$/);
});

test("placeholders are deterministic and do not compress", () => {
  expect(noise(100, 3)).toBe(noise(100, 3));
  const pem = fakePem("CERTIFICATE", 1000, 1);
  expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/]{64}\n)+[A-Za-z0-9+/]+\n-----END CERTIFICATE-----\n$/);
  const gz = require("node:zlib").gzipSync(Buffer.from(noise(4000, 9)));
  expect(gz.length).toBeGreaterThan(2900);
});

test("a pool's machine model: CA certificate and bootstrap token as files, tls {caFile} alone, the same for every role", () => {
  const st = { os: "flatcar" as const, store: "embedded" as const, sshAuthorizedKeys: [ED25519], images: { node: "n@sha256:" + "1".repeat(64), etcd: "e@sha256:" + "2".repeat(64) }, leaseTtlSeconds: 5 };
  const values = placeholderValues({ discoveryUrl: PLACEHOLDER.discoveryUrl("https://d.example.com"), runtime: RUNTIME });
  for (const pool of [doPool({ role: "control", count: 1 }), doPool()]) {
    const m = poolMachines("c", 0, pool)[0]!;
    for (const format of ["ignition", "cloud-config"] as const) {
      const r = buildConfig(machineInput(st, m, values), format, "digitalocean");
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expect(r.machine.hafen!.tls).toEqual({ caFile: "/etc/hafen/tls/ca.pem" });
      expect(r.machine.files.map((f) => [f.path, f.mode])).toEqual([
        ["/etc/hafen/bootstrap-token", 0o600],
        ["/etc/hafen/tls/ca.pem", 0o644],
      ]);
      expect(r.text).not.toContain("PRIVATE KEY");
    }
  }
});

test("the machine layer refuses a CA key path in the settings (it never travels in a config)", () => {
  const r = parseHafenSettings({
    role: "control",
    discovery: "https://d.example.com/" + "a".repeat(32),
    store: "embedded",
    launch: { style: "host", node: "/usr/bin/node", hafen: "/opt/hafen/hafen.js" },
    tls: { caFile: "/etc/hafen/tls/ca.pem", caKeyFile: "/etc/hafen/tls/ca-key.pem" },
  });
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.problems[0]).toMatchObject({ code: "unknown-field", at: ["tls", "caKeyFile"] });
});
