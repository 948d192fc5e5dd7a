// A stand-in for Hafen's Cluster component (hafen:index:Cluster) with the shape the pack
// assumes (policies/core/hafen-components.ts): its args and registered outputs carry
// controlCount, production, discovery {url, size} and tls; the machines it creates are
// its children, tagged with its name. Replace with the real component when it lands.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DISCOVERY, hafenMachine, userData } from "../fixtures";

interface StandInArgs {
  readonly controlCount: number;
  readonly production: boolean;
  readonly discovery: { readonly url: string; readonly size: number };
  readonly tls: boolean;
  readonly zones: readonly string[];
}

class StandInCluster extends pulumi.ComponentResource {
  constructor(name: string, args: StandInArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hafen:index:Cluster", name, args, opts);
    for (let i = 0; i < args.controlCount; i++) {
      new aws.ec2.Instance(`${name}-control-${i + 1}`, {
        ami: "ami-0123456789abcdef0",
        instanceType: "m6i.large",
        availabilityZone: args.zones[i % args.zones.length],
        keyName: "ops",
        userData: userData(hafenMachine("control")),
        tags: { "hafen:role": "control", "hafen:cluster": name },
      }, { parent: this });
    }
    this.registerOutputs({ controlCount: args.controlCount, production: args.production, discovery: args.discovery, tls: args.tls });
  }
}

// Three control machines, but all in one zone, with a token made for five and TLS off.
new StandInCluster("prod", { controlCount: 3, production: true, discovery: { url: DISCOVERY, size: 5 }, tls: false, zones: ["eu-central-1a"] });
