// Acceptance item 3: the policies that read Hafen components work on what the real
// Cluster creates (programs/cluster-shaped.ts, under mocks that answer like the real
// providers). Resource policies see the Cluster's inputs, stack policies its registered
// outputs (test/policies/program.ts keeps both, as CrossGuard shows them).
//
// What a stand-in could be made to do and the Cluster cannot: switch TLS off, or size a
// token it makes wrongly — the Cluster always renders `tls {caFile}` and sizes its
// DiscoveryToken to its control machines. So the pack must find exactly the problems
// the program declares on purpose, at the Clusters' URNs: prod's single zone and public
// discovery service, and lab's single region (DigitalOcean regions are its zones).
import { join } from "node:path";
import { POLICIES } from "../../policies/all";
import { clusterFacts } from "../../policies/core/hafen-components";
import type { Props } from "../../policies/core/values";
import { discoverySize } from "../../policies/rules/discovery";
import { mockOutputs } from "../components/mocks";
import { runProgram } from "./program";
import { checkStack, runPack, urnOf, type StackResource } from "./support";

const PUBLIC_DISCOVERY = `https://discovery.etcd.io/${"5".repeat(32)}`;
const LAB_TOKEN = mockOutputs.token("https://discovery.hafen.example.com", "lab-discovery");
let resources: StackResource[];

beforeAll(async () => {
  resources = await runProgram(join(__dirname, "programs", "cluster-shaped.ts"), "hafen-components");
}, 60_000);

const cluster = (name: string) => resources.find((r) => r.type === "hafen:index:Cluster" && r.name === name)!;
const facts = (name: string, props: Record<string, unknown> | undefined) => clusterFacts(name, props as unknown as Props);

test("the Cluster's outputs carry the facts the pack reads, and the pack reads them", () => {
  expect(facts("prod", cluster("prod").outputs)).toEqual({ name: "prod", controlCount: 3, production: true, discovery: { url: PUBLIC_DISCOVERY, managed: false }, tls: true, local: false });
  expect(facts("lab", cluster("lab").outputs)).toEqual({ name: "lab", controlCount: 3, production: false, discovery: { url: LAB_TOKEN, size: 3, managed: false }, tls: true, local: false });
  // Inputs (what resource policies see) hold the same facts, without the secret token URL.
  expect(facts("lab", cluster("lab").props)).toMatchObject({ controlCount: 3, discovery: { size: 3, managed: false }, tls: true });
  expect(JSON.stringify(cluster("lab").props)).not.toContain(LAB_TOKEN);
  expect(resources.filter((r) => r.type === "aws:ec2/instance:Instance").map((r) => r.name)).toEqual(["prod-control-1", "prod-control-2", "prod-control-3", "prod-work-1", "prod-work-2"]);
});

test("cluster policies find the declared problems on the Clusters, nothing else anywhere", async () => {
  const found = await runPack(POLICIES, resources);
  const at = (urn: string | undefined) => resources.find((r) => urn === urnOf(r.type, r.name))?.name ?? "(stack)";
  expect(found.map((v) => [v.policy, at(v.urn), v.message])).toEqual([
    ["hafen-control-zones", "lab", expect.stringMatching(/^cluster "lab": its 3 control machines \(lab-ctl-1, lab-ctl-2, lab-ctl-3\) are only in fra1; .* Set region so/)],
    ["hafen-control-zones", "prod", expect.stringMatching(/^cluster "prod": its 3 control machines \(prod-control-1, prod-control-2, prod-control-3\) are only in eu-central-1a/)],
    // Production only because the Cluster says so (no stack tag, no policy config).
    ["hafen-discovery-controlled", "prod", expect.stringContaining(`production cluster "prod" bootstraps from ${PUBLIC_DISCOVERY} (prod-control-1, prod-control-2, prod-control-3`)],
  ]);
});

test("the token size stated in the Cluster's outputs is what hafen-discovery-size compares", async () => {
  const tampered = resources.map((r) => (r === cluster("lab") ? { ...r, outputs: { ...r.outputs, discovery: { ...(r.outputs!["discovery"] as object), size: 5 } } } : r));
  expect((await checkStack(discoverySize, tampered)).map((v) => v.message)).toEqual([expect.stringContaining(`cluster "lab": discovery token ${LAB_TOKEN} was created for size 5, but 3 control machines run etcd`)]);
  expect(await checkStack(discoverySize, resources)).toEqual([]);
});
