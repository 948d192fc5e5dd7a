// `hafen:aws:NodePool`: EC2 instances in the pool's subnets behind its security group,
// each with an Elastic IP unless `publicIp: false`. Machines issue their certificates at
// boot for the addresses they find, so nothing waits for an address before the instance
// (and a replaced instance simply takes the Elastic IP over).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { NodePoolHandle, PeerRule } from "../common/context";
import type { MachinePlan } from "../common/plan";
import { checkPoolArgs, poolSummary, type NodePoolArgs } from "../common/pool-args";
import { machineInfos, ownPoolRules, planPool, type PoolParts } from "../common/pool-parts";
import { keyValueTags } from "../common/tags";
import type { AwsPool, MachineInfo, PoolRole } from "../common/types";
import { machineUserData } from "../common/userdata";
import { awsFirewall, awsPeerRules, type AwsFirewall } from "./firewall";

export type AwsNodePoolArgs = NodePoolArgs<AwsPool>;

interface Built {
  readonly publicIp: pulumi.Output<string>;
  readonly privateIp: pulumi.Output<string>;
}

function machine(self: pulumi.ComponentResource, args: AwsNodePoolArgs, fw: AwsFirewall, m: MachinePlan): Built {
  const { context: ctx, pool } = args;
  const tags = { Name: m.hostname, ...keyValueTags({ cluster: ctx.clusterName, pool: pool.name, role: pool.role }) };
  const slot = (m.index - 1) % pool.subnetIds.length;
  // The zone follows from the subnet; stating it (when given) lets EC2 refuse a mismatch
  // and lets reviews (the policy pack's zone check) see where control machines run.
  const zone = pool.availabilityZones?.[slot];
  const instance = new aws.ec2.Instance(
    m.hostname,
    {
      ami: pool.ami,
      instanceType: pool.instanceType,
      subnetId: pool.subnetIds[slot]!,
      ...(zone !== undefined && { availabilityZone: zone }),
      vpcSecurityGroupIds: [fw.group.id],
      userData: machineUserData(ctx, m, "aws"),
      // Configs apply at first boot only (Ignition) or describe the machine wholly
      // (cloud-config): a new config means a new machine, as for cattle.
      userDataReplaceOnChange: true,
      metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
      ...(pool.keyName !== undefined && { keyName: pool.keyName }),
      ...(pool.rootVolumeGb !== undefined && { rootBlockDevice: { volumeSize: pool.rootVolumeGb, encrypted: true } }),
      tags,
      volumeTags: tags,
    },
    { parent: self, ...(ctx.machinesDependOn?.length && { dependsOn: ctx.machinesDependOn }) },
  );
  const eip = pool.publicIp === false ? undefined : new aws.ec2.Eip(`${m.hostname}-eip`, { domain: "vpc", instance: instance.id, tags }, { parent: self });
  return { publicIp: eip ? eip.publicIp : pulumi.output(""), privateIp: instance.privateIp };
}

function build(self: pulumi.ComponentResource, args: AwsNodePoolArgs): PoolParts {
  const { context: ctx, pool } = args;
  const plan = planPool(ctx, { ...pool, provider: "aws" });
  const prefix = `${ctx.clusterName}-${pool.name}`;
  const tags = keyValueTags({ cluster: ctx.clusterName, pool: pool.name, role: pool.role });
  const fw = awsFirewall(prefix, pool.vpcId, ownPoolRules(ctx, { ...pool, provider: "aws" }), [pool.name], tags, self);
  const built = plan.map((m) => machine(self, args, fw, m));
  const publicIps = built.map((b) => b.publicIp);
  const privateIps = built.map((b) => b.privateIp);
  let peerSets = 0;
  return {
    machines: machineInfos(plan, publicIps, privateIps),
    publicIps,
    privateIps,
    peerRef: fw.group.id,
    allowPeers: (rules: readonly PeerRule[]) => awsPeerRules(`${prefix}${peerSets++ ? `-${peerSets}` : ""}`, fw, rules, tags, self),
  };
}

/** EC2 machines of one Hafen cluster pool (see AwsPoolSettings). */
export class NodePool extends pulumi.ComponentResource implements NodePoolHandle {
  declare public readonly machines: pulumi.Output<MachineInfo[]>;
  declare public readonly publicIps: pulumi.Output<string>[];
  declare public readonly privateIps: pulumi.Output<string>[];
  /** The pool's security group id. */
  declare public readonly peerRef: pulumi.Output<string>;
  readonly provider = "aws" as const;
  readonly poolName: string;
  readonly role: PoolRole;
  private readonly parts: PoolParts;

  constructor(name: string, args: AwsNodePoolArgs, opts: pulumi.ComponentResourceOptions = {}) {
    checkPoolArgs("hafen:aws:NodePool", "aws", args);
    super("hafen:aws:NodePool", name, poolSummary(args.context, args.pool, "aws"), opts);
    this.poolName = args.pool.name;
    this.role = args.pool.role;
    this.parts = build(this, args);
    Object.assign(this, { machines: this.parts.machines, publicIps: this.parts.publicIps, privateIps: this.parts.privateIps, peerRef: this.parts.peerRef });
    this.registerOutputs({ machines: this.parts.machines });
  }

  allowPeers(rules: readonly PeerRule[]): void {
    this.parts.allowPeers(rules);
  }
}

export { build as buildAwsPool };
