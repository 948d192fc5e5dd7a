// `hafen:digitalocean:NodePool`: Droplets tagged for their cluster, pool and role, behind
// a cloud firewall that targets the pool's member tag. Machines issue their certificates
// at boot (components/README.md, "TLS").
import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import type { NodePoolHandle, PeerRule } from "../common/context";
import { PORT_RANGES, type PortName, type Rule } from "../common/firewall";
import { checkPoolArgs, poolSummary, type NodePoolArgs } from "../common/pool-args";
import { machineInfos, ownPoolRules, planPool, type PoolParts } from "../common/pool-parts";
import { doMemberTag, doTags } from "../common/tags";
import type { DigitalOceanPool, MachineInfo, PoolRole } from "../common/types";
import { machineUserData } from "../common/userdata";

export type DigitalOceanNodePoolArgs = NodePoolArgs<DigitalOceanPool>;

type Inbound = digitalocean.types.input.FirewallInboundRule;

const portRange = (port: PortName) => {
  const r = PORT_RANGES[port];
  return r.from === r.to ? String(r.from) : `${r.from}-${r.to}`;
};

/** Outbound: everything (images, bundle, discovery); DigitalOcean firewalls drop what no rule allows. */
const OUTBOUND = ["tcp", "udp"].map((protocol) => ({ protocol, portRange: "1-65535", destinationAddresses: ["0.0.0.0/0", "::/0"] }));

export function ownInbound(rules: readonly Rule[], memberTag: pulumi.Input<string>): Inbound[] {
  return rules.map((r) => ({
    protocol: "tcp",
    portRange: portRange(r.port),
    ...(r.source.kind === "cidr" ? { sourceAddresses: [r.source.cidr] } : { sourceTags: [memberTag] }),
  }));
}

export function peerInbound(rules: readonly PeerRule[]): Inbound[] {
  return rules.map((r) => ({
    protocol: "tcp",
    portRange: portRange(r.port),
    ...(r.source.kind === "group" ? { sourceTags: [r.source.ref] } : { sourceAddresses: r.source.ips.map((ip) => pulumi.output(ip).apply((a) => `${a}/32`)) }),
  }));
}

function build(self: pulumi.ComponentResource, args: DigitalOceanNodePoolArgs): PoolParts {
  const { context: ctx, pool } = args;
  const plan = planPool(ctx, { ...pool, provider: "digitalocean" });
  const prefix = `${ctx.clusterName}-${pool.name}`;
  // A Tag resource, so the firewall (which refuses unknown tags) waits for it.
  const member = new digitalocean.Tag(`${prefix}-member`, { name: doMemberTag(ctx.clusterName, pool.name) }, { parent: self });
  const tags: pulumi.Input<string>[] = [...doTags({ cluster: ctx.clusterName, pool: pool.name, role: pool.role }), member.name, ...(pool.tags ?? [])];
  const own = ownPoolRules(ctx, { ...pool, provider: "digitalocean" });
  new digitalocean.Firewall(prefix, { name: prefix, tags: [member.name], inboundRules: ownInbound(own, member.name), outboundRules: OUTBOUND }, { parent: self });
  const droplets = plan.map(
    (m) =>
      new digitalocean.Droplet(
        m.hostname,
        {
          name: m.hostname,
          image: pool.image,
          region: pool.region,
          size: pool.size,
          ...(pool.vpcUuid !== undefined && { vpcUuid: pool.vpcUuid }),
          userData: machineUserData(ctx, m, "digitalocean"),
          tags,
        },
        { parent: self, ...(ctx.machinesDependOn?.length && { dependsOn: ctx.machinesDependOn }) },
      ),
  );
  const publicIps = droplets.map((d) => d.ipv4Address);
  const privateIps = droplets.map((d) => d.ipv4AddressPrivate);
  let peerSets = 0;
  return {
    machines: machineInfos(plan, publicIps, privateIps),
    publicIps,
    privateIps,
    peerRef: member.name,
    allowPeers: (rules) => {
      if (rules.length === 0) return;
      const name = `${prefix}-peers${peerSets++ ? `-${peerSets}` : ""}`;
      new digitalocean.Firewall(name, { name, tags: [member.name], inboundRules: peerInbound(rules) }, { parent: self });
    },
  };
}

/** DigitalOcean Droplets of one Hafen cluster pool (see DigitalOceanPoolSettings). */
export class NodePool extends pulumi.ComponentResource implements NodePoolHandle {
  declare public readonly machines: pulumi.Output<MachineInfo[]>;
  declare public readonly publicIps: pulumi.Output<string>[];
  declare public readonly privateIps: pulumi.Output<string>[];
  /** The pool's member tag (firewall source for same-provider peers). */
  declare public readonly peerRef: pulumi.Output<string>;
  readonly provider = "digitalocean" as const;
  readonly poolName: string;
  readonly role: PoolRole;
  private readonly parts: PoolParts;

  constructor(name: string, args: DigitalOceanNodePoolArgs, opts: pulumi.ComponentResourceOptions = {}) {
    checkPoolArgs("hafen:digitalocean:NodePool", "digitalocean", args);
    super("hafen:digitalocean:NodePool", name, poolSummary(args.context, args.pool, "digitalocean"), opts);
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

export { build as buildDigitalOceanPool };
