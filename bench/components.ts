// How long constructing a 300-machine, three-cloud Cluster takes under Pulumi mocks
// (3 control machines on AWS, 148 workers on DigitalOcean, 149 on OpenStack), against a
// same-run baseline: 300 bare aws.ec2.Instance resources under the same mocks. Two
// figures each: the constructor returning, and every registration answered (outputs
// resolved, user data rendered). Then the rendered config size per machine, per
// provider (min/median/max) against the provider's user-data limit.
// Run: npm run bench -- components
import * as aws from "@pulumi/aws";
import { measure, LIMITS, type Provider } from "../machine";
import { Cluster } from "../components/cluster";
import type { ClusterArgs } from "../components/common/types";
import { installMocks, plain, registered, resolve, settle } from "../test/components/mocks";
import { awsPool, clusterArgs, doPool, osPool } from "../test/components/fixtures";

const ROUNDS = 3;
const MACHINES = 300;

function args(): ClusterArgs {
  return clusterArgs({
    pools: [awsPool({ count: 3 }), doPool({ name: "ocean", count: 148 }), osPool({ name: "campus", count: 149 })],
    operatorCidrs: ["203.0.113.0/24"],
  });
}

interface Timing {
  readonly constructMs: number;
  readonly settledMs: number;
  readonly resources: number;
}

async function timed(build: () => Promise<unknown>): Promise<Timing> {
  const before = registered.length;
  const start = process.hrtime.bigint();
  const done = build();
  const constructMs = Number(process.hrtime.bigint() - start) / 1e6;
  await done;
  await settle();
  const settledMs = Number(process.hrtime.bigint() - start) / 1e6;
  return { constructMs, settledMs, resources: registered.length - before };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function baseline(round: number): Promise<Timing> {
  return timed(async () => {
    const instances = Array.from({ length: MACHINES }, (_, i) => new aws.ec2.Instance(`base-${round}-${i}`, { ami: "ami-0123456789abcdef0", instanceType: "t3.small", userData: "#cloud-config\n" }));
    await Promise.all(instances.map((x) => resolve(x.id)));
  });
}

async function cluster(round: number): Promise<Timing> {
  return timed(async () => {
    const c = new Cluster(`bench${round}`, args());
    await Promise.all([resolve(c.machines), resolve(c.clientConfig)]);
  });
}

function sizes(prefix: string): void {
  const byProvider: Record<string, number[]> = {};
  const add = (p: Provider, input: unknown) => {
    const text = plain(input);
    if (typeof text === "string") (byProvider[p] ??= []).push(measure(text, p).bytes);
  };
  for (const r of registered.filter((x) => x.name.startsWith(prefix))) {
    if (r.type === "aws:ec2/instance:Instance") add("aws", r.inputs.userData);
    if (r.type === "digitalocean:index/droplet:Droplet") add("digitalocean", r.inputs.userData);
    if (r.type === "openstack:compute/instance:Instance") add("openstack", r.inputs.userData);
  }
  console.log("\nrendered config per machine (bytes as the provider counts them):");
  for (const [p, list] of Object.entries(byProvider)) {
    const l = LIMITS[p as Provider];
    const [min, med, max] = [Math.min(...list), median(list), Math.max(...list)];
    console.log(`  ${p.padEnd(13)} ${String(list.length).padStart(4)} machines  min ${min}  median ${med}  max ${max}  limit ${l.limit} (${l.counts})  max/limit ${((max / l.limit!) * 100).toFixed(1)}%`);
  }
}

export async function main(): Promise<void> {
  installMocks();
  // Warm-up: loads every module and serialises the DiscoveryToken provider once.
  await cluster(-1);
  await baseline(-1);
  const base: Timing[] = [];
  const ours: Timing[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    base.push(await baseline(r));
    ours.push(await cluster(r));
  }
  const show = (label: string, t: Timing[]) =>
    console.log(`${label.padEnd(44)} construct ${median(t.map((x) => x.constructMs)).toFixed(0).padStart(6)} ms   all registered ${median(t.map((x) => x.settledMs)).toFixed(0).padStart(6)} ms   ${t[0]!.resources} resources`);
  console.log(`${MACHINES} machines, median of ${ROUNDS} rounds (node ${process.version})`);
  show("baseline: 300 bare aws.ec2.Instance", base);
  show("Cluster: 3 AWS + 148 DigitalOcean + 149 OpenStack", ours);
  const ratio = median(ours.map((x) => x.settledMs)) / median(base.map((x) => x.settledMs));
  const perResource = median(ours.map((x) => x.settledMs / x.resources)) / median(base.map((x) => x.settledMs / x.resources));
  console.log(`ratio Cluster / baseline: ${ratio.toFixed(2)}x overall, ${perResource.toFixed(2)}x per registered resource`);
  sizes("bench0-");
}
