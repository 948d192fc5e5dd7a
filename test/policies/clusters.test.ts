// The cluster-level (stack) policies: control count, zones, discovery. Each works from the
// raw cloud resources a pool creates (tagged machines) and from a Cluster component's
// props (acceptance item 3).
import { controlCountPolicy, controlZones, discoveryControlled, discoverySize } from "../../policies/all";
import { checkStack, urnOf, type StackResource } from "./support";
import { awsControl, awsInstance, DISCOVERY, DISCOVERY_HOST, doDroplet, hafenMachine, osInstance, T, TOKEN, userData } from "./fixtures";

const aws = (name: string, zone: string, role: "control" | "worker" | "both" = "control", cluster = "web", ud?: string): StackResource => ({ type: T.awsInstance, name, props: awsControl(cluster, zone, role, ud) });
const three = [aws("c1", "eu-central-1a"), aws("c2", "eu-central-1b"), aws("c3", "eu-central-1c")];
const production = { stackTags: { "hafen:production": "true" } };
/** The discovery service's own machine: what makes the discovery host the stack's. */
const discoveryHost: StackResource = { type: "aws:route53/record:Record", name: "discovery", props: { name: DISCOVERY_HOST, type: "A", records: ["10.0.0.9"] } };

describe("hafen-control-count", () => {
  it("passes 1 (development) and 3 (production) control machines", async () => {
    expect(await checkStack(controlCountPolicy, [aws("c1", "a"), aws("w1", "a", "worker")])).toEqual([]);
    expect(await checkStack(controlCountPolicy, three, production)).toEqual([]);
  });

  it("refuses an even count, naming the machines", async () => {
    expect(await checkStack(controlCountPolicy, [aws("c1", "a"), aws("c2", "b", "both"), aws("w1", "a", "worker")])).toEqual([
      { policy: "hafen-control-count", message: 'cluster "web" has 2 control machines (c1, c2): an even number adds no fault tolerance (etcd needs a majority; 2 members survive as many failures as 1) and Hafen refuses it. Use 1 or 3.' },
    ]);
  });

  it("refuses one control machine in production, however production is marked", async () => {
    const one = [aws("c1", "a")];
    const expected = [{ policy: "hafen-control-count", message: expect.stringMatching(/^cluster "web" has 1 control machine \(c1\), but the stack is production: with one control machine, losing it stops the cluster\. Use 3 \(or 5\) control machines/) }];
    expect(await checkStack(controlCountPolicy, one, production)).toEqual(expected);
    expect(await checkStack(controlCountPolicy, one, { config: { production: true } })).toEqual(expected);
    expect(await checkStack(controlCountPolicy, one, { stackTags: { "hafen:production": "false" } })).toEqual([]);
  });

  it("counts per cluster and across clouds (DigitalOcean string tags, OpenStack metadata)", async () => {
    const d = (name: string, cluster: string): StackResource => ({ type: T.doDroplet, name, props: doDroplet({ image: "flatcar-stable", size: "s-2vcpu-4gb", region: "fra1", tags: ["hafen-role-control", `hafen-cluster-${cluster}`] }) });
    const o = (name: string, cluster: string): StackResource => ({ type: T.osInstance, name, props: osInstance({ imageName: "flatcar", metadata: { "hafen:role": "control", "hafen:cluster": cluster } }) });
    const found = await checkStack(controlCountPolicy, [d("d1", "blue"), o("o1", "blue"), d("d2", "green")]);
    expect(found.map((f) => f.message)).toEqual([expect.stringMatching(/^cluster "blue" has 2 control machines \(d1, o1\)/)]);
  });

  it("reads untagged Hafen machines' role from their settings, and ignores templates and roleless machines", async () => {
    const ud = userData(hafenMachine("control"));
    const untagged = (name: string): StackResource => ({ type: T.awsInstance, name, props: awsInstance({ keyName: "k", userData: ud }) });
    expect((await checkStack(controlCountPolicy, [untagged("u1"), untagged("u2")])).map((f) => f.message)).toEqual([expect.stringMatching(new RegExp(`^cluster "discovery ${DISCOVERY}" has 2 control machines \\(u1, u2\\)`))]);
    const template: StackResource = { type: T.awsLaunchTemplate, name: "lt", props: { tagSpecifications: [{ resourceType: "instance", tags: { "hafen:role": "control", "hafen:cluster": "web" } }] } };
    const plain: StackResource = { type: T.awsInstance, name: "bastion", props: awsInstance({ keyName: "k" }) };
    expect(await checkStack(controlCountPolicy, [aws("c1", "a"), template, plain])).toEqual([]);
  });

  it("works from a Cluster component's props alone, reporting against the component", async () => {
    const cluster: StackResource = { type: T.cluster, name: "prod", props: { name: "prod", controlCount: 4 } };
    expect(await checkStack(controlCountPolicy, [cluster])).toEqual([{ policy: "hafen-control-count", urn: urnOf(T.cluster, "prod"), message: expect.stringMatching(/^cluster "prod" declares controlCount 4: an even number/) }]);
    const single: StackResource = { type: T.cluster, name: "prod", props: { controlCount: 1, production: true } };
    expect(await checkStack(controlCountPolicy, [single])).toEqual([expect.objectContaining({ message: expect.stringMatching(/^cluster "prod" declares controlCount 1, but the stack is production/) })]);
    // The machines it created, tagged with its name, take precedence over the declared count.
    const withMachines = [{ type: T.cluster, name: "web", props: { controlCount: 3, production: true } }, ...three];
    expect(await checkStack(controlCountPolicy, withMachines)).toEqual([]);
  });
});

describe("hafen-control-zones", () => {
  it("flags control machines all in one zone and passes a spread", async () => {
    const same = [aws("c1", "eu-central-1a"), aws("c2", "eu-central-1a"), aws("c3", "eu-central-1a")];
    expect(await checkStack(controlZones, same)).toEqual([
      { policy: "hafen-control-zones", message: 'cluster "web": its 3 control machines (c1, c2, c3) are only in eu-central-1a; one zone outage would stop the cluster. Set availabilityZone so they span at least 2 zones.' },
    ]);
    expect(await checkStack(controlZones, three)).toEqual([]);
    expect(await checkStack(controlZones, three, { config: { minimumZones: 4 } })).toEqual([]);
    expect(await checkStack(controlZones, [aws("c1", "a"), aws("c2", "b"), aws("c3", "b")], { config: { minimumZones: 3 } })).toHaveLength(1);
  });

  it("counts clouds' zones apart and does not judge machines whose zone the provider picks", async () => {
    const d: StackResource = { type: T.doDroplet, name: "d1", props: doDroplet({ image: "f", size: "s", region: "fra1", tags: ["hafen-role-control", "hafen-cluster-web"] }) };
    expect(await checkStack(controlZones, [aws("c1", "fra1"), d])).toEqual([]);
    const noZone: StackResource = { type: T.awsInstance, name: "c3", props: { ...awsControl("web", "x"), availabilityZone: undefined } };
    expect(await checkStack(controlZones, [aws("c1", "a"), aws("c2", "a"), noZone])).toEqual([]);
    expect(await checkStack(controlZones, [aws("c1", "a"), aws("w1", "a", "worker")])).toEqual([]);
  });
});

describe("hafen-discovery-controlled", () => {
  const publicUd = userData(hafenMachine("control", {}, { discovery: `https://discovery.etcd.io/${TOKEN}` }));
  const onPublic = [aws("c1", "a", "control", "web", publicUd), aws("c2", "b", "control", "web", publicUd), aws("c3", "c", "control", "web", publicUd)];

  it("flags a production cluster on the public discovery service", async () => {
    expect(await checkStack(discoveryControlled, onPublic, production)).toEqual([
      { policy: "hafen-discovery-controlled", message: `production cluster "web" bootstraps from https://discovery.etcd.io/${TOKEN} (c1, c2, c3), but discovery.etcd.io is a public discovery service. Run \`hafen discovery serve\` on a machine this stack creates and point the cluster at it (or list a host the team runs in trustedHosts).` },
    ]);
    expect(await checkStack(discoveryControlled, onPublic)).toEqual([]);
  });

  it("flags a host no resource of the stack creates, and passes one it does (or a trusted one)", async () => {
    expect(await checkStack(discoveryControlled, three, production)).toEqual([expect.objectContaining({ message: expect.stringMatching(/but no resource of this stack creates discovery\.hafen\.example\.com\./) })]);
    expect(await checkStack(discoveryControlled, [...three, discoveryHost], production)).toEqual([]);
    expect(await checkStack(discoveryControlled, three, { ...production, config: { trustedHosts: [DISCOVERY_HOST] } })).toEqual([]);
    expect(await checkStack(discoveryControlled, three, { ...production, config: { trustedHosts: "x" } })).toEqual(['config hafen-discovery-controlled.trustedHosts: "x" is not accepted; expected a list of strings (default [])'].map((message) => ({ policy: "hafen-discovery-controlled", message })));
  });

  it("accepts a Cluster that runs its own discovery service", async () => {
    const cluster: StackResource = { type: T.cluster, name: "web", props: { production: true, discovery: { url: `https://discovery.etcd.io/${TOKEN}`, managed: true } } };
    expect(await checkStack(discoveryControlled, [cluster, ...onPublic])).toEqual([]);
    const unmanaged: StackResource = { type: T.cluster, name: "web", props: { production: true, discovery: `https://discovery.etcd.io/${TOKEN}` } };
    expect(await checkStack(discoveryControlled, [unmanaged])).toEqual([expect.objectContaining({ urn: urnOf(T.cluster, "web"), message: expect.stringMatching(/^production cluster "web" bootstraps from https:\/\/discovery\.etcd\.io\/\w+ \(web\)/) })]);
  });
});

describe("hafen-discovery-size", () => {
  it("flags control machines that use different tokens", async () => {
    const other = userData(hafenMachine("control", {}, { discovery: `https://${DISCOVERY_HOST}/${"f".repeat(32)}` }));
    const found = await checkStack(discoverySize, [aws("c1", "a"), aws("c2", "b"), aws("c3", "c", "control", "web", other)]);
    expect(found).toEqual([{ policy: "hafen-discovery-size", message: expect.stringMatching(/^cluster "web": its control machines use 2 different discovery tokens: .*\(c1, c2\); .*\(c3\)\. They would form separate etcd clusters/) }]);
  });

  it("compares a declared token size with the etcd members", async () => {
    const declared = (size: number): StackResource => ({ type: T.cluster, name: "web", props: { discovery: { url: DISCOVERY, size } } });
    expect(await checkStack(discoverySize, [declared(3), ...three])).toEqual([]);
    expect(await checkStack(discoverySize, [declared(5), ...three])).toEqual([
      { policy: "hafen-discovery-size", urn: urnOf(T.cluster, "web"), message: `cluster "web": discovery token ${DISCOVERY} was created for size 5, but 3 control machines run etcd; etcd waits for 5 members and the cluster never forms. Create the token with size 3 (hafen discovery new --size 3 URL).` },
    ]);
    expect(await checkStack(discoverySize, [declared(1), ...three])).toEqual([expect.objectContaining({ message: expect.stringMatching(/only the first 1 members form the cluster and the others exit/) })]);
    // A token resource of the stack ({url, size}) states the size too.
    const token: StackResource = { type: "hafen:index:DiscoveryToken", name: "t", props: { url: DISCOVERY, size: 5 } };
    expect(await checkStack(discoverySize, [token, ...three])).toHaveLength(1);
    // From the component alone: controlCount against discovery.size.
    expect(await checkStack(discoverySize, [{ type: T.cluster, name: "web", props: { controlCount: 3, discovery: { url: DISCOVERY, size: 5 } } }])).toHaveLength(1);
    expect(await checkStack(discoverySize, three)).toEqual([]);
  });
});
