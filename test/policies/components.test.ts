// Acceptance item 3: the policies that read Hafen components work on what a Cluster
// creates. A stand-in with the assumed shape (programs/cluster-shaped.ts) runs under
// Pulumi's mocks; the component and its tagged children go through the pack.
import { join } from "node:path";
import { POLICIES } from "../../policies/all";
import { runProgram } from "./program";
import { runPack, type StackResource } from "./support";
import { DISCOVERY } from "./fixtures";

let resources: StackResource[];

beforeAll(async () => {
  resources = await runProgram(join(__dirname, "programs", "cluster-shaped.ts"), "hafen-components");
}, 60_000);

test("the component registers under hafen:index:Cluster with its args as props", () => {
  const cluster = resources.find((r) => r.type === "hafen:index:Cluster");
  expect(cluster).toMatchObject({ name: "prod", props: { controlCount: 3, production: true, discovery: { url: DISCOVERY, size: 5 }, tls: false } });
  expect(resources.filter((r) => r.type === "aws:ec2/instance:Instance")).toHaveLength(3);
});

test("cluster policies read the component and its children", async () => {
  const found = await runPack(POLICIES, resources);
  const at = (urn: string | undefined) => resources.find((r) => urn?.endsWith(`::${r.type}::${r.name}`))?.name ?? "(stack)";
  expect(found.map((v) => [v.policy, at(v.urn), v.message])).toEqual([
    ["hafen-control-zones", "prod", expect.stringMatching(/^cluster "prod": its 3 control machines \(prod-control-1, prod-control-2, prod-control-3\) are only in eu-central-1a/)],
    ["hafen-tls", "prod", expect.stringMatching(/^hafen:index:Cluster "prod" tls: false switches TLS off/)],
    ["hafen-discovery-controlled", "prod", expect.stringContaining(`production cluster "prod" bootstraps from ${DISCOVERY}`)],
    ["hafen-discovery-size", "prod", expect.stringContaining(`was created for size 5, but 3 control machines run etcd`)],
  ]);
});
