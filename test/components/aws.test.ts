// An AWS cluster under Pulumi mocks: every child's inputs — each machine's user data
// decodes to exactly the config the machine layer renders for it (discovery URL, CA
// certificate, role, tokens; no private key), the CA key goes only into the sealed
// record every machine waits for, security group rules open only the cluster's ports to
// the right sources, tags, the parent chain, and which values are secret.
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../components/cluster";
import { childRecorder, installMocks, isSecret, isSecretInput, mockOutputs, plain, registered, resolve, type Child } from "./mocks";
import { awsPool, clusterArgs, expectedConfig, expectedInput, SERVICE, tokens } from "./fixtures";

installMocks();

let cluster: Cluster;
let children: Child[];

beforeAll(async () => {
  const rec = childRecorder();
  children = rec.children;
  cluster = new Cluster(
    "prod",
    clusterArgs({
      pools: [awsPool(), awsPool({ name: "work", role: "worker", count: 2, publicIp: false, subnetIds: ["subnet-c"], availabilityZones: ["eu-central-1c"] })],
      operatorCidrs: ["198.51.100.0/24"],
      metadata: { team: "infra" },
    }),
    { transformations: rec.transformations },
  );
  await Promise.all([resolve(cluster.machines), resolve(cluster.discoveryUrl), resolve(cluster.clientConfig)]);
});

const of = (type: string) => children.filter((c) => c.type === type);
const named = (name: string, type?: string) => children.find((c) => c.name === name && (type === undefined || c.type === type))!;

test("one NodePool per pool, machines and their network parts counted", () => {
  expect(of("hafen:aws:NodePool").map((c) => c.name)).toEqual(["prod-control", "prod-work"]);
  expect(of("aws:ec2/instance:Instance").map((c) => c.name)).toEqual(["prod-control-1", "prod-control-2", "prod-control-3", "prod-work-1", "prod-work-2"]);
  expect(of("aws:ec2/eip:Eip").map((c) => c.name)).toEqual(["prod-control-1-eip", "prod-control-2-eip", "prod-control-3-eip"]);
  // One key pair in the whole stack: the CA's. Machines make their own at boot.
  expect(of("tls:index/privateKey:PrivateKey").map((c) => c.name)).toEqual(["prod-ca-key"]);
  expect(of("tls:index/locallySignedCert:LocallySignedCert")).toHaveLength(0);
  expect(of("aws:ec2/networkInterface:NetworkInterface")).toHaveLength(0);
  expect(of("random:index/randomBytes:RandomBytes").map((c) => c.name)).toEqual(["prod-admin-token", "prod-bootstrap-token"]);
  expect(of("hafen:index:DiscoveryToken")).toHaveLength(1);
  expect(registered.find((r) => r.type === "pulumi-nodejs:dynamic/hafen:DiscoveryToken" && r.name === "prod-discovery")!.inputs).toMatchObject({ service: SERVICE, size: 3 });
});

test("each machine's user data is exactly the config rendered for it: CA certificate, tls {caFile}, no key", async () => {
  for (const [host, role, pool, zone] of [
    ["prod-control-2", "control", "control", "eu-central-1b"],
    ["prod-work-1", "worker", "work", "eu-central-1c"],
  ] as const) {
    const userData = await resolve(named(host).props.userData as pulumi.Output<string>);
    const expected = expectedConfig(expectedInput({ cluster: "prod", host, role, metadata: { team: "infra", provider: "aws", pool, role, region: "eu-central-1", zone } }), "cloud-config", "aws");
    expect(userData).toBe(expected);
    expect(userData.startsWith("#cloud-config\n")).toBe(true);
    expect(userData).not.toContain("PRIVATE KEY");
    expect(Buffer.byteLength(userData)).toBeLessThanOrEqual(16384);
  }
});

test("the CA key (RSA, what the runtime signs with) is sealed in discovery under \"ca-key\", and every machine waits for it", async () => {
  expect(named("prod-ca-key").props).toMatchObject({ algorithm: "RSA", rsaBits: 2048 });
  const sealed = registered.find((r) => r.type === "pulumi-nodejs:dynamic/hafen:SealedSecret" && r.name === "prod-ca-key-sealed")!;
  expect(sealed).toBeDefined();
  expect(plain(sealed.inputs.name)).toBe("ca-key");
  expect(plain(sealed.inputs.plaintext)).toBe(mockOutputs.privateKeyPem("prod-ca-key"));
  expect(plain(sealed.inputs.bootstrapToken)).toBe(tokens("prod").bootstrap);
  expect(plain(sealed.inputs.discoveryUrl)).toBe(mockOutputs.token(SERVICE, "prod-discovery"));
  expect(sealed.inputs.ttlSeconds).toBe(86400);
  for (const k of ["plaintext", "bootstrapToken", "discoveryUrl"]) expect(isSecretInput(sealed.inputs[k])).toBe(true);
  const record = named("prod-ca-key-sealed").resource;
  for (const i of of("aws:ec2/instance:Instance")) expect(i.dependsOn).toContain(record);
});

test("instances: in their subnet, behind the pool's group, IMDSv2, replaced on a new config; the EIP follows the instance", async () => {
  const i = named("prod-control-3").props;
  expect(i).toMatchObject({ ami: "ami-0123456789abcdef0", instanceType: "t3.small", userDataReplaceOnChange: true, metadataOptions: { httpTokens: "required" }, subnetId: "subnet-a" });
  expect(named("prod-control-2").props).toMatchObject({ subnetId: "subnet-b", availabilityZone: "eu-central-1b" });
  expect(named("prod-work-1").props).toMatchObject({ subnetId: "subnet-c", availabilityZone: "eu-central-1c" });
  expect(await resolve(i.vpcSecurityGroupIds)).toEqual(["prod-control-id"]);
  expect(await resolve(named("prod-work-2").props.vpcSecurityGroupIds)).toEqual(["prod-work-id"]);
  expect(await resolve(named("prod-control-3-eip").props.instance)).toBe("prod-control-3-id");
});

interface RuleView {
  sg: string;
  from: number;
  to: number;
  source: string;
}

async function ingress(): Promise<RuleView[]> {
  const out: RuleView[] = [];
  for (const r of of("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")) {
    const p = r.props;
    const source = (await resolve(p.cidrIpv4)) ?? (await resolve(p.cidrIpv6)) ?? `sg:${await resolve(p.referencedSecurityGroupId)}`;
    out.push({ sg: (await resolve(p.securityGroupId)) as string, from: p.fromPort, to: p.toPort, source: source as string });
  }
  return out;
}

test("security groups: only the cluster's ports, from members and operators; never 0.0.0.0/0 inbound", async () => {
  const rules = await ingress();
  const control = "prod-control-id";
  const work = "prod-work-id";
  const on = (sg: string) => rules.filter((r) => r.sg === sg).map((r) => `${r.from}-${r.to}<${r.source}`).sort();
  expect(on(control)).toEqual(
    [
      "22-22<198.51.100.0/24",
      "2379-2380<sg:prod-control-id",
      "7480-7480<198.51.100.0/24",
      "7480-7480<sg:prod-control-id",
      "7480-7480<sg:prod-work-id",
      "7481-7481<sg:prod-control-id",
    ].sort(),
  );
  expect(on(work)).toEqual(["22-22<198.51.100.0/24", "7481-7481<sg:prod-control-id"].sort());
  expect(rules.some((r) => /^(0\.0\.0\.0|::)\/0$/.test(r.source))).toBe(false);
  const egress = of("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
  expect(egress).toHaveLength(4);
});

test("tags say cluster, role and pool", () => {
  expect(named("prod-work-1").props.tags).toEqual({ Name: "prod-work-1", "hafen:cluster": "prod", "hafen:role": "worker", "hafen:pool": "work" });
  expect(named("prod-control", "aws:ec2/securityGroup:SecurityGroup").props.tags).toMatchObject({ "hafen:cluster": "prod", "hafen:role": "control", "hafen:pool": "control" });
  expect(named("prod-control-1-eip").props.tags).toMatchObject({ "hafen:cluster": "prod", "hafen:pool": "control" });
});

test("parent chain: every child hangs under the Cluster, a pool or a component of the Cluster", () => {
  const pools = cluster.pools as unknown as pulumi.Resource[];
  const components = children.filter((c) => ["hafen:index:DiscoveryToken", "hafen:index:Unit"].includes(c.type)).map((c) => c.resource);
  for (const c of children.filter((c) => c.resource !== cluster)) {
    expect([cluster, ...pools, ...components]).toContain(c.parent);
  }
  expect(named("prod-control-1").parent).toBe(pools[0]);
  expect(named("prod-admin-token").parent).toBe(cluster);
});

test("secrets: user data, keys, tokens, discovery URL and client config", async () => {
  expect(await isSecret(named("prod-work-1").props.userData)).toBe(true);
  // What the engine receives (and stores in the state) is marked secret too.
  const instances = registered.filter((r) => r.type === "aws:ec2/instance:Instance" && r.name.startsWith("prod-"));
  expect(instances).toHaveLength(5);
  expect(instances.every((r) => isSecretInput(r.inputs.userData))).toBe(true);
  const keys = registered.filter((r) => r.type === "random:index/randomBytes:RandomBytes" && r.name.startsWith("prod-"));
  expect(keys).toHaveLength(2);
  expect(await isSecret(cluster.discoveryUrl)).toBe(true);
  expect(await isSecret(cluster.clientConfig)).toBe(true);
  expect((named("prod-ca-key").opts as pulumi.CustomResourceOptions).additionalSecretOutputs).toContain("privateKeyPem");
  const cfg = await resolve(cluster.clientConfig);
  const t = tokens("prod");
  expect(cfg).toEqual({ endpoint: `https://${mockOutputs.eipIp("prod-control-1-eip")}:7480`, token: t.admin, ca: mockOutputs.certPem("prod-ca") });
});

test("outputs: endpoints of control machines, every machine with its addresses", async () => {
  expect(await resolve(cluster.endpoints)).toEqual([1, 2, 3].map((i) => `https://${mockOutputs.eipIp(`prod-control-${i}-eip`)}:7480`));
  const machines = await resolve(cluster.machines);
  expect(machines[4]).toEqual({ name: "prod-work-2", provider: "aws", pool: "work", role: "worker", publicIp: "", privateIp: mockOutputs.instanceIp("prod-work-2") });
  expect(machines).toHaveLength(5);
});
