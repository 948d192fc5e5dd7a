// Control machines on AWS, workers on DigitalOcean and OpenStack, under mocks: each
// provider's user data decodes to the config rendered for that machine, and the
// firewalls let each cloud reach only what it needs: workers → control API (7480) by
// the workers' public addresses, control → workers' agent port (7481) by the control
// machines' public addresses, same-provider members by group, tag or remote group.
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../components/cluster";
import { childRecorder, installMocks, isSecret, mockOutputs, resolve, type Child } from "./mocks";
import { awsPool, clusterArgs, doPool, expectedConfig, expectedInput, osPool } from "./fixtures";

installMocks();

let cluster: Cluster;
let children: Child[];

beforeAll(async () => {
  const rec = childRecorder();
  children = rec.children;
  cluster = new Cluster("mc", clusterArgs({ pools: [awsPool(), doPool(), osPool()], operatorCidrs: ["203.0.113.0/24"] }), { transformations: rec.transformations });
  await Promise.all([resolve(cluster.machines), resolve(cluster.clientConfig)]);
});

const of = (type: string) => children.filter((c) => c.type === type);
const find = (type: string, name: string) => children.find((c) => c.type === type && c.name === name)!;

const worker = (host: string, pool: string, provider: string, placement: Record<string, string>) =>
  expectedInput({ cluster: "mc", host, role: "worker", metadata: { provider, pool, role: "worker", ...placement } });

test("a DigitalOcean worker's user_data: the config rendered for it, CA certificate only", async () => {
  const d = find("digitalocean:index/droplet:Droplet", "mc-workers-2").props;
  const text = await resolve(d.userData as pulumi.Output<string>);
  expect(text).toBe(expectedConfig(worker("mc-workers-2", "workers", "digitalocean", { region: "fra1" }), "cloud-config", "digitalocean"));
  expect(text).not.toContain("PRIVATE KEY");
  expect(await isSecret(d.userData)).toBe(true);
  expect(d).toMatchObject({ name: "mc-workers-2", region: "fra1", size: "s-2vcpu-4gb", image: "flatcar-stable" });
});

test("an OpenStack worker's user_data is the same kind; it boots on its own port carrying the pool's group", async () => {
  const i = find("openstack:compute/instance:Instance", "mc-edge-1").props;
  const text = await resolve(i.userData as pulumi.Output<string>);
  expect(text).toBe(expectedConfig(worker("mc-edge-1", "edge", "openstack", { zone: "nova" }), "cloud-config", "openstack"));
  expect(await resolve(i.networks)).toEqual([{ port: "mc-edge-1-port-id" }]);
  expect(await resolve(find("openstack:networking/port:Port", "mc-edge-1-port").props.securityGroupIds)).toEqual(["mc-edge-id"]);
  expect(await resolve(find("openstack:networking/floatingIp:FloatingIp", "mc-edge-1-fip").props.portId)).toBe("mc-edge-1-port-id");
  expect(of("tls:index/certRequest:CertRequest")).toHaveLength(0);
  expect(i.metadata).toEqual({ "hafen:cluster": "mc", "hafen:role": "worker", "hafen:pool": "edge" });
  expect(i.tags).toEqual(["hafen:cluster=mc", "hafen:role=worker", "hafen:pool=edge"]);
});

test("DigitalOcean tags: cluster, role, pool, and the member tag firewalls use", async () => {
  const d = find("digitalocean:index/droplet:Droplet", "mc-workers-1").props;
  expect(await resolve(d.tags)).toEqual(["hafen-cluster-mc", "hafen-role-worker", "hafen-pool-workers", "hafen:mc:workers"]);
});

test("AWS control group: workers on other clouds reach the API by their public addresses only", async () => {
  const rules = of("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
  const sources: string[] = [];
  for (const r of rules) sources.push(`${r.props.fromPort}<${(await resolve(r.props.cidrIpv4)) ?? `sg:${await resolve(r.props.referencedSecurityGroupId)}`}`);
  const workerIps = [...[1, 2].map((i) => mockOutputs.dropletPublic(`mc-workers-${i}`)), ...[1, 2].map((i) => mockOutputs.floatingIp(`mc-edge-${i}-fip`))];
  expect(sources.sort()).toEqual(
    ["22<203.0.113.0/24", "7480<203.0.113.0/24", "2379<sg:mc-control-id", "7480<sg:mc-control-id", "7481<sg:mc-control-id", ...workerIps.map((ip) => `7480<${ip}/32`)].sort(),
  );
});

test("DigitalOcean firewalls: own rules by member tag and CIDR, control machines' addresses on 7481, open egress", async () => {
  const own = find("digitalocean:index/firewall:Firewall", "mc-workers").props;
  expect(await resolve(own.tags)).toEqual(["hafen:mc:workers"]);
  expect(await resolve(own.inboundRules)).toEqual([{ protocol: "tcp", portRange: "22", sourceAddresses: ["203.0.113.0/24"] }]);
  expect((await resolve(own.outboundRules)).map((r: { protocol: string }) => r.protocol)).toEqual(["tcp", "udp"]);
  const peers = find("digitalocean:index/firewall:Firewall", "mc-workers-peers").props;
  const controlIps = [1, 2, 3].map((i) => `${mockOutputs.eipIp(`mc-control-${i}-eip`)}/32`);
  expect(await resolve(peers.inboundRules)).toEqual([{ protocol: "tcp", portRange: "7481", sourceAddresses: controlIps }]);
  const all = [...(await resolve(own.inboundRules)), ...(await resolve(peers.inboundRules))].flatMap((r: { sourceAddresses?: string[] }) => r.sourceAddresses ?? []);
  expect(all.some((a: string) => a.endsWith("/0"))).toBe(false);
});

test("OpenStack group: control machines on 7481 by address, operators on 22; default egress kept", async () => {
  const rules = of("openstack:networking/secGroupRule:SecGroupRule").map((r) => r.props);
  const views: string[] = [];
  for (const r of rules) views.push(`${r.portRangeMin}<${(await resolve(r.remoteIpPrefix)) ?? `group:${await resolve(r.remoteGroupId)}`}`);
  expect(views.sort()).toEqual(["22<203.0.113.0/24", ...[1, 2, 3].map((i) => `7481<${mockOutputs.eipIp(`mc-control-${i}-eip`)}/32`)].sort());
  expect(rules.every((r) => r.direction === "ingress" && r.protocol === "tcp")).toBe(true);
  expect(find("openstack:networking/secGroup:SecGroup", "mc-edge").props.deleteDefaultRules).toBeUndefined();
});

test("machines list every provider", async () => {
  const ms = await resolve(cluster.machines);
  expect(ms.map((m) => `${m.name}/${m.provider}/${m.role}`)).toEqual([
    "mc-control-1/aws/control",
    "mc-control-2/aws/control",
    "mc-control-3/aws/control",
    "mc-workers-1/digitalocean/worker",
    "mc-workers-2/digitalocean/worker",
    "mc-edge-1/openstack/worker",
    "mc-edge-2/openstack/worker",
  ]);
});
