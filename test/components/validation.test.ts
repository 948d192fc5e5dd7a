// Bad arguments fail at construction (so at preview), with every problem's field path,
// and create nothing. Values typed wrongly are passed through `as never`: JavaScript and
// YAML programs reach the components without TypeScript's checks.
import { Cluster } from "../../components/cluster";
import { NodePool as AwsNodePool } from "../../components/aws/node-pool";
import { DiscoveryToken } from "../../components/discovery/token";
import { Unit } from "../../components/unit/unit";
import { ComponentArgsError } from "../../components/common/problems";
import { noise } from "../../components/common/placeholders";
import { installMocks, registered } from "./mocks";
import { awsPool, clusterArgs, doPool, ED25519, osPool, RUNTIME, vspherePool } from "./fixtures";

installMocks();

function refusal(make: () => unknown): ComponentArgsError {
  const before = registered.length;
  let caught: unknown;
  try {
    make();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ComponentArgsError);
  // Nothing was registered: the error came before the first resource.
  expect(registered.length).toBe(before);
  return caught as ComponentArgsError;
}

const cluster = (over: Record<string, unknown>, name = "prod") => refusal(() => new Cluster(name, clusterArgs(over)));

describe("quorum: 1 or an odd number ≥ 3 of control machines", () => {
  test.each([
    ["2 in one pool", [awsPool({ count: 2 })], "pools[0].count: quorum: 2 control machines tolerate as many failures as 1"],
    ["4 in one pool", [awsPool({ count: 4 })], "pools[0].count: quorum: 4 control machines tolerate as many failures as 3"],
    ["4 over two pools", [awsPool({ count: 3 }), awsPool({ name: "more", role: "both", count: 1 })], "pools: quorum: 4 control machines"],
    ["none", [awsPool({ role: "worker", count: 2 })], "pools: quorum: the cluster has no control machines"],
    ["2 of 4 local machines", [{ provider: "local", name: "dev", count: 4, control: 2 }], "pools[0].control: quorum: 2 control machines"],
  ])("%s", (_what, pools, message) => {
    expect(cluster({ pools }).message).toContain(message);
  });

  test("the reason is spelled out: no fault-tolerance gain", () => {
    expect(cluster({ pools: [awsPool({ count: 2 })] }).message).toContain("use 1 or 3");
  });

  test("1, 3 and 5 control machines are accepted", () => {
    for (const count of [1, 3, 5]) expect(() => new Cluster(`q${count}`, clusterArgs({ pools: [awsPool({ count })] }))).not.toThrow();
  });
});

describe("each validation names its field", () => {
  const big = Object.fromEntries(Array.from({ length: 90 }, (_, i) => [`k${i}`, noise(200, i + 1).replace(/[+/]/g, "x")]));
  test.each([
    ["unknown provider", { pools: [{ provider: "gcp", name: "a", role: "control", count: 1 }] }, "pools[0].provider: unknown-provider: provider must be one of"],
    ["missing SSH keys", { sshAuthorizedKeys: [] }, "sshAuthorizedKeys: missing-field: cloud machines need at least one SSH key"],
    ["truncated SSH key", { sshAuthorizedKeys: [ED25519.slice(0, 40)] }, "sshAuthorizedKeys[0]"],
    ["oversized user data", { pools: [awsPool({ count: 1, metadata: big })] }, "pools[0]: too-large: user data of prod-control-1"],
    ["bad count", { pools: [awsPool({ count: 0 })] }, "pools[0].count: invalid-value: count must be a whole number from 1 to 1000"],
    ["fractional count", { pools: [awsPool({ count: 1.5 })] }, "pools[0].count: invalid-value"],
    ["empty pools", { pools: [] }, "pools: invalid-value: give at least one pool"],
    ["pools not a list", { pools: "aws" }, "pools: wrong-type"],
    ["duplicate pool names", { pools: [awsPool(), awsPool({ role: "worker" })] }, 'pools[1].name: duplicate: pool name "control" is also pools[0].name'],
    ["bad pool name", { pools: [awsPool({ name: "Control_1" })] }, "pools[0].name: invalid-value"],
    ["missing role", { pools: [awsPool({ role: undefined })] }, "pools[0].role: missing-field"],
    ["Fedora CoreOS with cloud-config", { os: "fedora-coreos", configFormat: "cloud-config" }, "configFormat: conflict: Fedora CoreOS boots Ignition only"],
    ["unknown os", { os: "coreos" }, 'os: invalid-value: os must be one of "flatcar", "fedora-coreos"'],
    ["embedded store with 3 control machines", { store: "embedded" }, 'store: conflict: the embedded store lives in one server process; 3 control machines need store "etcd"'],
    ["control pools on two providers", { pools: [awsPool({ count: 1 }), doPool({ name: "c2", role: "control", count: 2 })] }, "pools[1].provider: conflict: control pools are on aws and digitalocean"],
    ["local mixed with cloud", { pools: [awsPool(), { provider: "local", name: "dev", count: 1 }] }, "pools[1].provider: conflict: a local pool cannot be mixed with cloud pools"],
    ["multi-provider pool without public address (AWS)", { pools: [awsPool({ publicIp: false }), doPool()] }, "pools[0].publicIp: conflict: this cluster spans providers"],
    ["multi-provider pool without public address (OpenStack)", { pools: [awsPool(), osPool({ floatingIpPool: undefined })] }, "pools[1].floatingIpPool: missing-field"],
    ["operator CIDR garbage", { operatorCidrs: ["10.0.0.0/33"] }, "operatorCidrs[0]: invalid-value: prefix /33 is longer than 32"],
    ["the whole internet as operator", { operatorCidrs: ["0.0.0.0/0"] }, "operatorCidrs[0]: conflict: 0.0.0.0/0 opens SSH and the API to the whole internet"],
    ["missing runtime bundle", { runtime: undefined }, "runtime: missing-field: cloud machines fetch the runtime bundle at boot"],
    ["bad runtime checksum", { runtime: { url: RUNTIME.url, sha256: "abc" } }, "runtime.sha256"],
    ["discovery with url and service", { discovery: { url: "https://d.example.com/" + "a".repeat(32), service: "https://d.example.com" } }, "discovery: conflict: give exactly one of discovery.url"],
    ["discovery service with a path", { discovery: { service: "https://d.example.com/new" } }, "discovery.service: invalid-value"],
    ["discovery URL without a token", { discovery: { url: "https://d.example.com/abc" } }, "discovery.url: invalid-value: discovery URL does not end in a 32-hex token"],
    ["missing discovery", { discovery: undefined }, "discovery: missing-field"],
    ["image not pinned", { images: { node: "node:20" } }, 'images.node: invalid-value: image "node:20" is not pinned by digest'],
    ["etcd lease TTL", { leaseTtlSeconds: 1 }, "leaseTtlSeconds: conflict: etcd grants leases of at least 2 s"],
    ["lease TTL out of range", { leaseTtlSeconds: 0 }, "leaseTtlSeconds: invalid-value"],
    ["reserved metadata", { metadata: { provider: "mine" } }, 'metadata.provider: conflict: metadata key "provider" is set by Hafen'],
    ["metadata value with a comma", { pools: [awsPool({ metadata: { disk: "ssd,fast" } })] }, "pools[0].metadata.disk: invalid-value"],
    ["AWS subnets missing", { pools: [awsPool({ subnetIds: undefined })] }, "pools[0].subnetIds: missing-field"],
    ["AWS zones not parallel", { pools: [awsPool({ availabilityZones: ["a"] })] }, "pools[0].availabilityZones: conflict: availabilityZones is parallel to subnetIds: give 2 zone(s)"],
    ["OpenStack image twice", { pools: [awsPool(), osPool({ imageId: "x" })] }, "pools[1].imageId: conflict: give exactly one of imageName and imageId"],
    ["vSphere memory", { pools: [vspherePool({ count: 3, memoryMb: 1001 })] }, "pools[0].memoryMb: invalid-value: memoryMb must be a multiple of 4"],
    ["vSphere password", { pools: [vspherePool({ connection: { url: "https://vc/sdk", username: "u" } })] }, "pools[0].connection.password: missing-field"],
    ["unit lint error with its line", { units: [{ name: "web.service", contents: "[Service]\nExecStart=/bin/a\n[X-Fleet]\nMachineID=abc\nGlobal=true\n" }] }, "units[0].contents: invalid-value: line"],
    ["unit name", { units: [{ name: "web", contents: "[Service]\nExecStart=/bin/true\n" }] }, "units[0].name"],
    ["unit state", { units: [{ name: "a.service", contents: "[Service]\nExecStart=/bin/true\n", desiredState: "running" }] }, "units[0].desiredState: invalid-value"],
    ["host name too long", { pools: [awsPool({ name: "a".repeat(60) })] }, "pools[0].name: invalid-value: host name"],
    ["machine certificate lifetime (issued at boot now)", { tls: { certValidityHours: 200 } }, "tls.certValidityHours: invalid-value: machine certificates are no longer made by Pulumi"],
    ["CA lifetime", { tls: { caValidityHours: 1 } }, "tls.caValidityHours: invalid-value: caValidityHours must be a whole number from 24 to 876000"],
    ["sealed key TTL", { tls: { sealedKeyTtlSeconds: 30 * 24 * 3600 } }, "tls.sealedKeyTtlSeconds: invalid-value: sealedKeyTtlSeconds must be a whole number from 60 to 604800"],
    ["production needs 3 control machines", { production: true, pools: [awsPool({ count: 1 })] }, "production: conflict: a production cluster needs at least 3 control machines (it has 1)"],
    ["production is a boolean", { production: "yes" }, "production: wrong-type"],
  ])("%s", (_what, over, message) => {
    expect(cluster(over as Record<string, unknown>).message).toContain(message);
  });

  test("the cluster's own name", () => {
    expect(cluster({}, "Prod_1").message).toContain("(name): invalid-value");
  });

  test("every problem is reported at once", () => {
    const e = cluster({ pools: [awsPool({ count: 2 }), { provider: "gcp" }], sshAuthorizedKeys: [], runtime: undefined, os: "plan9" });
    const paths = e.problems.map((p) => p.at.join("."));
    expect(paths).toEqual(expect.arrayContaining(["pools.1.provider", "sshAuthorizedKeys", "runtime", "os"]));
    expect(e.message.split("\n").length).toBeGreaterThanOrEqual(5);
  });

  test.each([null, "prod", 42, []])("garbage args %j", (args) => {
    expect(refusal(() => new Cluster("prod", args as never)).message).toContain("wrong-type");
  });
});

describe("components used on their own check their arguments too", () => {
  test("a NodePool without a usable context or pool", () => {
    const e = refusal(() => new AwsNodePool("p", { context: undefined, pool: { name: "x", role: "control", count: 1 } } as never));
    expect(e.message).toContain("context: missing-field");
    const e2 = refusal(() => new AwsNodePool("p", { context: { clusterName: "c", sshAuthorizedKeys: [] }, pool: { name: "x", role: "boss", count: 1 } } as never));
    expect(e2.message).toContain("context.sshAuthorizedKeys: missing-field");
    expect(e2.message).toContain("pool.role: invalid-value");
    expect(e2.message).toContain("pool.instanceType: missing-field");
  });

  test("a DiscoveryToken with a bad service or size", () => {
    expect(refusal(() => new DiscoveryToken("t", { service: "ftp://x", size: 200 })).message).toMatch(/service: invalid-value[\s\S]*size: invalid-value/);
    expect(refusal(() => new DiscoveryToken("t", {} as never)).message).toContain("service: missing-field");
  });

  test("a Unit whose contents fail lint names the line; credentials never appear", () => {
    const e = refusal(() => new Unit("u", { cluster: { endpoint: "https://10.0.0.1:7480", token: "hfa_secretsecretsecretsecretsecret" }, name: "a.service", contents: "[Service]\nExecStart=/bin/a\nExecStart=/bin/b\n" }));
    expect(e.message).toContain("contents: invalid-value: line 3: multiple-exec-start");
    const e2 = refusal(() => new Unit("u", { cluster: { endpoint: "ftp://x", token: "hfa_secretsecretsecretsecretsecret" }, name: "a.service", contents: "[Service]\nExecStart=/bin/true\n" }));
    expect(e2.message).toContain("cluster.endpoint: invalid-value");
    expect(JSON.stringify(e2.problems)).not.toContain("hfa_secret");
  });
});
