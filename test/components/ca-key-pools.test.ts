// Pools whose machines' addresses are unknown before they exist (DigitalOcean, vSphere):
// control machines get the CA key and issue their own certificate at boot, workers only
// the CA certificate. vSphere configs travel in guestinfo (decoded here the way the guest
// decodes them); Fedora CoreOS gets Ignition and Podman.
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../components/cluster";
import { configFromGuestinfo } from "../../components/vsphere/guestinfo";
import { childRecorder, installMocks, isSecret, mockOutputs, registered, resolve, type Child } from "./mocks";
import { clusterArgs, doPool, ED25519, ETCD_IMAGE, expectedConfig, NODE_IMAGE, RUNTIME, SERVICE, sha256, tokens, vspherePool } from "./fixtures";

installMocks();

function control(cluster: string, host: string, role: string, metadata: Record<string, string>, store: string, engine: string) {
  const t = tokens(cluster);
  return {
    hostname: host,
    os: engine === "podman" ? ("fedora-coreos" as const) : ("flatcar" as const),
    sshAuthorizedKeys: [ED25519],
    files: [
      { path: "/etc/hafen/bootstrap-token", mode: 0o600, contents: { text: t.bootstrap } },
      { path: "/etc/hafen/tls/ca.pem", mode: 0o644, contents: { text: mockOutputs.certPem(`${cluster}-ca`) } },
      { path: "/etc/hafen/tls/ca-key.pem", mode: 0o600, contents: { text: mockOutputs.privateKeyPem(`${cluster}-ca-key`) } },
    ],
    hafen: {
      role,
      discovery: mockOutputs.token(SERVICE, `${cluster}-discovery`),
      store,
      metadata,
      bindAddress: "0.0.0.0",
      auth: { adminTokenSha256: [sha256(t.admin)], bootstrapTokenSha256: sha256(t.bootstrap) },
      bootstrapTokenFile: "/etc/hafen/bootstrap-token",
      tls: { caFile: "/etc/hafen/tls/ca.pem", caKeyFile: "/etc/hafen/tls/ca-key.pem" },
      launch: { style: "container", engine, nodeImage: NODE_IMAGE, etcdImage: ETCD_IMAGE },
      runtime: RUNTIME,
      leaseTtlSeconds: 5,
    },
  };
}

describe("DigitalOcean control pool", () => {
  let children: Child[];
  beforeAll(async () => {
    const rec = childRecorder();
    children = rec.children;
    const c = new Cluster("ocean", clusterArgs({ pools: [doPool({ name: "ctl", role: "control", count: 3 }), doPool({ name: "wrk", count: 1 })] }), { transformations: rec.transformations });
    await resolve(c.machines);
  });

  test("control droplets carry the CA key; the worker does not", async () => {
    const ud = (n: string) => resolve(children.find((c) => c.type === "digitalocean:index/droplet:Droplet" && c.name === n)!.props.userData as pulumi.Output<string>);
    expect(await ud("ocean-ctl-3")).toBe(expectedConfig(control("ocean", "ocean-ctl-3", "control", { provider: "digitalocean", pool: "ctl", role: "control", region: "fra1" }, "etcd", "docker"), "cloud-config", "digitalocean"));
    expect(await ud("ocean-wrk-1")).not.toContain("ca-key");
  });

  test("same-provider peers by member tag: workers' API access and control's agent access", async () => {
    const peers = async (n: string) => resolve(children.find((c) => c.type === "digitalocean:index/firewall:Firewall" && c.name === n)!.props.inboundRules);
    expect(await peers("ocean-ctl-peers")).toEqual([{ protocol: "tcp", portRange: "7480", sourceTags: ["hafen:ocean:wrk"] }]);
    expect(await peers("ocean-wrk-peers")).toEqual([{ protocol: "tcp", portRange: "7481", sourceTags: ["hafen:ocean:ctl"] }]);
    const own = await resolve(children.find((c) => c.type === "digitalocean:index/firewall:Firewall" && c.name === "ocean-ctl")!.props.inboundRules);
    expect(own).toEqual([
      { protocol: "tcp", portRange: "7481", sourceTags: ["hafen:ocean:ctl"] },
      { protocol: "tcp", portRange: "7480", sourceTags: ["hafen:ocean:ctl"] },
      { protocol: "tcp", portRange: "2379-2380", sourceTags: ["hafen:ocean:ctl"] },
    ]);
  });
});

describe("vSphere, Fedora CoreOS, one machine", () => {
  let children: Child[];
  let cluster: Cluster;
  beforeAll(async () => {
    const rec = childRecorder();
    children = rec.children;
    cluster = new Cluster("lab", clusterArgs({ os: "fedora-coreos", pools: [vspherePool()] }), { transformations: rec.transformations });
    await Promise.all([resolve(cluster.machines), resolve(cluster.discoveryUrl)]);
  });

  test("guestinfo holds the Ignition config rendered for the machine (embedded store, Podman, CA key)", async () => {
    const vm = children.find((c) => c.type === "pulumi-nodejs:dynamic/vsphere:Vm")!;
    expect(vm.name).toBe("lab-lab-1");
    const guestinfo = await resolve(vm.props.guestinfo as pulumi.Output<Record<string, string>>);
    expect(Object.keys(guestinfo).sort()).toEqual(["guestinfo.ignition.config.data", "guestinfo.ignition.config.data.encoding"]);
    const text = configFromGuestinfo(guestinfo, "ignition");
    expect(text).toBe(expectedConfig(control("lab", "lab-lab-1", "both", { provider: "vsphere", pool: "lab", role: "both", region: "DC1" }, "embedded", "podman"), "ignition", "vsphere"));
    expect(await isSecret(vm.props.guestinfo)).toBe(true);
    expect(vm.props).toMatchObject({ datacenter: "DC1", template: "templates/flatcar", resourcePool: "Cluster1", name: "lab-lab-1", numCpus: 2, memoryMb: 4096 });
  });

  test("the discovery token is asked for one member; no firewall resources; the endpoint is the guest's address", async () => {
    expect(registered.find((r) => r.type === "pulumi-nodejs:dynamic/hafen:DiscoveryToken" && r.name === "lab-discovery")!.inputs).toMatchObject({ size: 1 });
    expect(children.filter((c) => /firewall|secGroup|securityGroup/i.test(c.type))).toEqual([]);
    expect(await resolve(cluster.endpoints)).toEqual([`https://${mockOutputs.vmIp("lab-lab-1")}:7480`]);
  });
});
