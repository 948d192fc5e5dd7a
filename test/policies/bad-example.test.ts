// Acceptance item 2: the deliberately bad stack (stacks/bad-example, a real Pulumi program
// on the raw providers) fails the pack with exactly the expected violations. The program
// runs under Pulumi's mocks; the inputs it registers go through every policy.
import { join } from "node:path";
import { POLICIES } from "../../policies/all";
import { ignitionValidate } from "../support/validators";
import { runProgram } from "./program";
import { runPack, urnOf, type StackResource, type Violation } from "./support";

const PROGRAM = join(__dirname, "..", "..", "stacks", "bad-example", "index.ts");
let resources: StackResource[];
let found: Violation[];

beforeAll(async () => {
  resources = await runProgram(PROGRAM, "hafen-bad-example");
  found = await runPack(POLICIES, resources, { stackTags: { "hafen:production": "true" } });
}, 60_000);

const nameOf = (urn: string | undefined) => (urn === undefined ? "(stack)" : resources.find((r) => urnOf(r.type, r.name) === urn)?.name ?? urn);

test("the program registers what it declares", () => {
  expect(resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
    "aws:ec2/instance:Instance control-1",
    "aws:ec2/instance:Instance control-2",
    "aws:ec2/securityGroup:SecurityGroup cluster-sg",
    "aws:ec2/securityGroupRule:SecurityGroupRule api-open",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule everything-v6",
    "digitalocean:index/droplet:Droplet edge-control",
    "digitalocean:index/firewall:Firewall edge-fw",
    "openstack:compute/instance:Instance edge-worker",
    "openstack:networking/secGroupRule:SecGroupRule boot-open",
  ]);
});

test("its Ignition configs are valid (the violations are policy matters, not typos)", () => {
  for (const name of ["control-2", "edge-worker"]) {
    const r = resources.find((x) => x.name === name)!;
    expect([name, ignitionValidate(String(r.props["userData"])).findings]).toEqual([name, []]);
  }
});

test("the pack reports exactly the expected violations", () => {
  const got = found.map((v) => `${v.policy} ${nameOf(v.urn)}`).sort();
  expect(got).toEqual(
    [
      "hafen-control-count (stack)", // cluster "bad": 2 control machines
      "hafen-control-count (stack)", // cluster "edge": 1 control machine in production
      "hafen-control-zones (stack)",
      "hafen-discovery-controlled (stack)", // control-1's token on discovery.etcd.io
      "hafen-discovery-controlled (stack)", // control-2's token on discovery.etcd.io
      "hafen-discovery-size (stack)", // two tokens in one cluster
      "hafen-no-public-cluster-ports cluster-sg",
      "hafen-no-public-cluster-ports api-open",
      "hafen-no-public-cluster-ports everything-v6",
      "hafen-no-public-cluster-ports edge-fw",
      "hafen-no-public-cluster-ports boot-open",
      "hafen-no-public-ssh cluster-sg",
      "hafen-no-public-ssh everything-v6", // every protocol and port includes 22
      "hafen-user-data-size control-2",
      "hafen-no-plaintext-secrets control-1", // admin token
      "hafen-no-plaintext-secrets control-1", // private key
      "hafen-no-plaintext-secrets control-1", // password hash
      "hafen-tls control-1",
      "hafen-ssh-keys-only control-1", // password user
      "hafen-ssh-keys-only control-1", // no key
      "hafen-ssh-keys-only edge-control", // no key
      "hafen-ssh-keys-only edge-worker", // adminPass
      "hafen-coreos-image edge-control",
      "hafen-control-memory control-1",
      "hafen-control-memory edge-control",
      "hafen-units-lint control-1",
    ].sort(),
  );
});

test("every violation says what to change", () => {
  for (const v of found) expect([v.policy, v.message]).toEqual([v.policy, expect.stringMatching(/\b(Set|Use|Remove|remove|Run|Pick|Create|Remedies|needs|expected|give|pass|use|issue|set|never)\b/)]);
});

test("without the production tag, the production-only findings go away", async () => {
  const dev = await runPack(POLICIES, resources);
  const only = (vs: Violation[], p: string) => vs.filter((v) => v.policy === p).length;
  expect(only(dev, "hafen-discovery-controlled")).toBe(0);
  expect(only(dev, "hafen-control-count")).toBe(1);
  expect(dev.length).toBe(found.length - 3);
});
