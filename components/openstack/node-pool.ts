// `hafen:openstack:NodePool`: Nova instances, each booting on a Neutron port made for it
// (with a floating IP from `floatingIpPool`). The port is what carries the pool's
// security group *by id* (Nova's `securityGroups` takes names, which are not unique in a
// project) and what the floating IP attaches to. Security group rules use remote groups
// for cluster members. Machines issue their certificates at boot.
import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import type { NodePoolHandle, PeerRule } from "../common/context";
import { PORT_RANGES, ruleName, type PortName } from "../common/firewall";
import type { MachinePlan } from "../common/plan";
import { checkPoolArgs, poolSummary, type NodePoolArgs } from "../common/pool-args";
import { machineInfos, ownPoolRules, planPool, type PoolParts } from "../common/pool-parts";
import { whenDefined } from "../common/known";
import { keyValueStrings, keyValueTags } from "../common/tags";
import type { MachineInfo, OpenStackPool, PoolRole } from "../common/types";
import { machineUserData } from "../common/userdata";

export type OpenStackNodePoolArgs = NodePoolArgs<OpenStackPool>;

interface RuleSpec {
  readonly name: string;
  readonly port: PortName;
  readonly from: { remoteIpPrefix?: pulumi.Input<string>; remoteGroupId?: pulumi.Input<string> };
  readonly ipv6?: boolean;
}

function rule(prefix: string, group: openstack.networking.SecGroup, r: RuleSpec, region: string | undefined, parent: pulumi.Resource): void {
  const range = PORT_RANGES[r.port];
  new openstack.networking.SecGroupRule(
    `${prefix}-${r.name}`,
    {
      securityGroupId: group.id,
      direction: "ingress",
      ethertype: r.ipv6 ? "IPv6" : "IPv4",
      protocol: "tcp",
      portRangeMin: range.from,
      portRangeMax: range.to,
      description: `Hafen ${r.port}`,
      ...(region !== undefined && { region }),
      ...r.from,
    },
    { parent },
  );
}

function machine(self: pulumi.ComponentResource, args: OpenStackNodePoolArgs, group: openstack.networking.SecGroup, m: MachinePlan) {
  const { context: ctx, pool } = args;
  const region = pool.region !== undefined ? { region: pool.region } : {};
  const labels = { cluster: ctx.clusterName, pool: pool.name, role: pool.role };
  const port = new openstack.networking.Port(
    `${m.hostname}-port`,
    { name: m.hostname, networkId: pool.networkId, adminStateUp: true, securityGroupIds: [group.id, ...(pool.secGroups ?? [])], tags: keyValueStrings(labels), ...region },
    { parent: self },
  );
  const fip = pool.floatingIpPool === undefined ? undefined : new openstack.networking.FloatingIp(`${m.hostname}-fip`, { pool: pool.floatingIpPool, portId: port.id, tags: keyValueStrings(labels), ...region }, { parent: self });
  const privateIp = port.allFixedIps.apply((ips) => whenDefined({ ips }, (v) => v.ips[0] ?? ""));
  const publicIp = fip ? fip.address : pulumi.output("");
  new openstack.compute.Instance(
    m.hostname,
    {
      name: m.hostname,
      flavorName: pool.flavorName,
      ...(pool.imageName !== undefined && { imageName: pool.imageName }),
      ...(pool.imageId !== undefined && { imageId: pool.imageId }),
      networks: [{ port: port.id }],
      userData: machineUserData(ctx, m, "openstack"),
      metadata: keyValueTags(labels),
      tags: keyValueStrings(labels),
      ...(pool.availabilityZone !== undefined && { availabilityZone: pool.availabilityZone }),
      ...region,
    },
    { parent: self, ...(ctx.machinesDependOn?.length && { dependsOn: ctx.machinesDependOn }) },
  );
  return { privateIp, publicIp };
}

function build(self: pulumi.ComponentResource, args: OpenStackNodePoolArgs): PoolParts {
  const { context: ctx, pool } = args;
  const plan = planPool(ctx, { ...pool, provider: "openstack" });
  const prefix = `${ctx.clusterName}-${pool.name}`;
  const group = new openstack.networking.SecGroup(
    prefix,
    { name: prefix, description: `Hafen ${prefix}: cluster ports only`, tags: keyValueStrings({ cluster: ctx.clusterName, pool: pool.name, role: pool.role }), ...(pool.region !== undefined && { region: pool.region }) },
    { parent: self },
  );
  for (const r of ownPoolRules(ctx, { ...pool, provider: "openstack" })) {
    const src = r.source;
    const from = src.kind === "cidr" ? { remoteIpPrefix: src.cidr } : { remoteGroupId: group.id };
    rule(prefix, group, { name: ruleName(r, [pool.name]), port: r.port, from, ipv6: src.kind === "cidr" && src.cidr.includes(":") }, pool.region, self);
  }
  const built = plan.map((m) => machine(self, args, group, m));
  const publicIps = built.map((b) => b.publicIp);
  const privateIps = built.map((b) => b.privateIp);
  return {
    machines: machineInfos(plan, publicIps, privateIps),
    publicIps,
    privateIps,
    peerRef: group.id,
    allowPeers: (rules: readonly PeerRule[]) => {
      for (const r of rules) {
        const s = r.source;
        if (s.kind === "group") rule(prefix, group, { name: `${r.port}-from-${s.name}`, port: r.port, from: { remoteGroupId: s.ref } }, pool.region, self);
        else s.ips.forEach((ip, i) => rule(prefix, group, { name: `${r.port}-from-${s.name}-${i + 1}`, port: r.port, from: { remoteIpPrefix: pulumi.output(ip).apply((a) => `${a}/32`) } }, pool.region, self));
      }
    },
  };
}

/** OpenStack instances of one Hafen cluster pool (see OpenStackPoolSettings). */
export class NodePool extends pulumi.ComponentResource implements NodePoolHandle {
  declare public readonly machines: pulumi.Output<MachineInfo[]>;
  declare public readonly publicIps: pulumi.Output<string>[];
  declare public readonly privateIps: pulumi.Output<string>[];
  /** The pool's security group id. */
  declare public readonly peerRef: pulumi.Output<string>;
  readonly provider = "openstack" as const;
  readonly poolName: string;
  readonly role: PoolRole;
  private readonly parts: PoolParts;

  constructor(name: string, args: OpenStackNodePoolArgs, opts: pulumi.ComponentResourceOptions = {}) {
    checkPoolArgs("hafen:openstack:NodePool", "openstack", args);
    super("hafen:openstack:NodePool", name, poolSummary(args.context, args.pool, "openstack"), opts);
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

export { build as buildOpenStackPool };
