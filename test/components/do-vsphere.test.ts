// Pools whose machines' addresses are known only once they exist (DigitalOcean, vSphere):
// their configs are the same kind as everyone's — CA certificate and bootstrap token, no
// key — and the machines wait for the sealed CA key. vSphere configs travel in guestinfo
// (decoded here the way the guest decodes them); Fedora CoreOS gets Ignition and Podman.
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../components/cluster";
import { configFromGuestinfo } from "../../components/vsphere/guestinfo";
import { childRecorder, installMocks, isSecret, mockOutputs, registered, resolve, type Child } from "./mocks";
import { clusterArgs, doPool, expectedConfig, expectedInput, vspherePool } from "./fixtures";

installMocks();

describe("DigitalOcean control pool", () => {
  let children: Child[];
  beforeAll(async () => {
    const rec = childRecorder();
    children = rec.children;
    const c = new Cluster("ocean", clusterArgs({ pools: [doPool({ name: "ctl", role: "control", count: 3 }), doPool({ name: "wrk", count: 1 })] }), { transformations: rec.transformations });
    await resolve(c.machines);
  });

  test("control and worker droplets get the same kind of config: CA certificate, no key; both wait for the sealed CA key", async () => {
    const droplet = (n: string) => children.find((c) => c.type === "digitalocean:index/droplet:Droplet" && c.name === n)!;
    const ud = (n: string) => resolve(droplet(n).props.userData as pulumi.Output<string>);
    expect(await ud("ocean-ctl-3")).toBe(expectedConfig(expectedInput({ cluster: "ocean", host: "ocean-ctl-3", role: "control", metadata: { provider: "digitalocean", pool: "ctl", role: "control", region: "fra1" } }), "cloud-config", "digitalocean"));
    expect(await ud("ocean-wrk-1")).toBe(expectedConfig(expectedInput({ cluster: "ocean", host: "ocean-wrk-1", role: "worker", metadata: { provider: "digitalocean", pool: "wrk", role: "worker", region: "fra1" } }), "cloud-config", "digitalocean"));
    const sealed = children.find((c) => c.type === "pulumi-nodejs:dynamic/hafen:SealedSecret")!.resource;
    for (const n of ["ocean-ctl-1", "ocean-wrk-1"]) expect(droplet(n).dependsOn).toContain(sealed);
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
    cluster = new Cluster("lab", clusterArgs({ os: "fedora-coreos", pools: [vspherePool()], tls: { sealedKeyTtlSeconds: 3 * 24 * 3600 } }), { transformations: rec.transformations });
    await Promise.all([resolve(cluster.machines), resolve(cluster.discoveryUrl)]);
  });

  test("guestinfo holds the Ignition config rendered for the machine (embedded store, Podman, CA certificate only)", async () => {
    const vm = children.find((c) => c.type === "pulumi-nodejs:dynamic/vsphere:Vm")!;
    expect(vm.name).toBe("lab-lab-1");
    const guestinfo = await resolve(vm.props.guestinfo as pulumi.Output<Record<string, string>>);
    expect(Object.keys(guestinfo).sort()).toEqual(["guestinfo.ignition.config.data", "guestinfo.ignition.config.data.encoding"]);
    const text = configFromGuestinfo(guestinfo, "ignition");
    expect(text).toBe(expectedConfig(expectedInput({ cluster: "lab", host: "lab-lab-1", role: "both", os: "fedora-coreos", store: "embedded", metadata: { provider: "vsphere", pool: "lab", role: "both", region: "DC1" } }), "ignition", "vsphere"));
    expect(text).not.toContain("PRIVATE KEY");
    expect(vm.dependsOn).toContain(children.find((c) => c.type === "pulumi-nodejs:dynamic/hafen:SealedSecret")!.resource);
    expect(await isSecret(vm.props.guestinfo)).toBe(true);
    expect(vm.props).toMatchObject({ datacenter: "DC1", template: "templates/flatcar", resourcePool: "Cluster1", name: "lab-lab-1", numCpus: 2, memoryMb: 4096 });
  });

  test("the sealed CA key stays as long as asked (tls.sealedKeyTtlSeconds)", () => {
    expect(registered.find((r) => r.type === "pulumi-nodejs:dynamic/hafen:SealedSecret" && r.name === "lab-ca-key-sealed")!.inputs.ttlSeconds).toBe(3 * 24 * 3600);
  });

  test("the discovery token is asked for one member; no firewall resources; the endpoint is the guest's address", async () => {
    expect(registered.find((r) => r.type === "pulumi-nodejs:dynamic/hafen:DiscoveryToken" && r.name === "lab-discovery")!.inputs).toMatchObject({ size: 1 });
    expect(children.filter((c) => /firewall|secGroup|securityGroup/i.test(c.type))).toEqual([]);
    expect(await resolve(cluster.endpoints)).toEqual([`https://${mockOutputs.vmIp("lab-lab-1")}:7480`]);
  });
});
