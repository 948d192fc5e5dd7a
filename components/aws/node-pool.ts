// `hafen:aws:NodePool`: EC2 machines. For each machine the network interface (and its
// Elastic IP) is made first, so its certificate can name its addresses; then the
// instance boots from the rendered config with that interface attached.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { NodePoolHandle, PeerRule } from "../common/context";
import type { MachinePlan } from "../common/plan";
import { checkPoolArgs, poolSummary, type NodePoolArgs } from "../common/pool-args";
import { machineInfos, ownPoolRules, planPool, type PoolParts } from "../common/pool-parts";
import { keyValueTags } from "../common/tags";
import { machineCert } from "../common/tls";
import type { AwsPool, MachineInfo, PoolRole } from "../common/types";
import { machineUserData } from "../common/userdata";
import { awsFirewall, awsPeerRules, type AwsFirewall } from "./firewall";

export type AwsNodePoolArgs = NodePoolArgs<AwsPool>;

interface Built {
  readonly eni: aws.ec2.NetworkInterface;
  readonly publicIp: pulumi.Output<string>;
  readonly privateIp: pulumi.Output<string>;
}

function machine(self: pulumi.ComponentResource, args: AwsNodePoolArgs, fw: AwsFirewall, m: MachinePlan): Built {
  const { context: ctx, pool } = args;
  const tags = { Name: m.hostname, ...keyValueTags({ cluster: ctx.clusterName, pool: pool.name, role: pool.role }) };
  const subnetId = pool.subnetIds[(m.index - 1) % pool.subnetIds.length]!;
  const eni = new aws.ec2.NetworkInterface(`${m.hostname}-eni`, { subnetId, securityGroups: [fw.group.id], description: `Hafen machine ${m.hostname}`, tags }, { parent: self });
  const eip = pool.publicIp === false ? undefined : new aws.ec2.Eip(`${m.hostname}-eip`, { domain: "vpc", networkInterface: eni.id, tags }, { parent: self });
  const privateIp = eni.privateIp;
  const publicIp = eip ? eip.publicIp : pulumi.output("");
  const cert = machineCert(
    m.hostname,
    { hostname: m.hostname, ips: eip ? [privateIp, eip.publicIp] : [privateIp], ca: { certPem: ctx.caCertPem, keyPem: ctx.caKeyPem }, validityHours: ctx.certValidityHours },
    self,
  );
  new aws.ec2.Instance(
    m.hostname,
    {
      ami: pool.ami,
      instanceType: pool.instanceType,
      primaryNetworkInterface: { networkInterfaceId: eni.id },
      userData: machineUserData(ctx, m, "aws", { cert, caKey: false }),
      // Configs apply at first boot only (Ignition) or describe the machine wholly
      // (cloud-config): a new config means a new machine, as for cattle.
      userDataReplaceOnChange: true,
      metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
      ...(pool.keyName !== undefined && { keyName: pool.keyName }),
      ...(pool.rootVolumeGb !== undefined && { rootBlockDevice: { volumeSize: pool.rootVolumeGb, encrypted: true } }),
      tags,
      volumeTags: tags,
    },
    { parent: self, dependsOn: eip ? [eip] : [] },
  );
  return { eni, publicIp, privateIp };
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
