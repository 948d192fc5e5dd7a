// `hafen:vsphere:NodePool`: VMs cloned from a Flatcar/Fedora CoreOS template through the
// vSphere SOAP client (VsphereVm, this folder), each booting from the config it finds in
// guestinfo (gzip+base64 when that is shorter). Addresses come from DHCP; machines issue
// their certificates at boot. No firewall is managed: on-premises networks are the operator's
// (put the machines on a network that admits what components/common/firewall.ts lists).
import * as pulumi from "@pulumi/pulumi";
import type { NodePoolHandle, PeerRule } from "../common/context";
import { checkPoolArgs, poolSummary, type NodePoolArgs } from "../common/pool-args";
import { machineInfos, planPool, type PoolParts } from "../common/pool-parts";
import type { MachineInfo, PoolRole, VspherePool } from "../common/types";
import { machineUserData } from "../common/userdata";
import { guestinfoFor } from "./guestinfo";
import { VsphereVm } from "./vm";

export type VsphereNodePoolArgs = NodePoolArgs<VspherePool>;

export const VSPHERE_DEFAULTS = { numCpus: 2, memoryMb: 4096 } as const;

function build(self: pulumi.ComponentResource, args: VsphereNodePoolArgs): PoolParts {
  const { context: ctx, pool } = args;
  const plan = planPool(ctx, { ...pool, provider: "vsphere" });
  const format = ctx.configFormat;
  const vms = plan.map((m) => {
    const config = machineUserData(ctx, m, "vsphere");
    return new VsphereVm(
      m.hostname,
      {
        connection: { ...pool.connection },
        datacenter: pool.datacenter,
        template: pool.template,
        ...(pool.folder !== undefined && { folder: pool.folder }),
        resourcePool: pool.resourcePool,
        ...(pool.datastore !== undefined && { datastore: pool.datastore }),
        name: m.hostname,
        numCpus: pool.numCpus ?? VSPHERE_DEFAULTS.numCpus,
        memoryMb: pool.memoryMb ?? VSPHERE_DEFAULTS.memoryMb,
        guestinfo: pulumi.secret(config.apply((text) => guestinfoFor(text, format))),
      },
      { parent: self, ...(ctx.machinesDependOn?.length && { dependsOn: ctx.machinesDependOn }) },
    );
  });
  const ips = vms.map((vm) => vm.ipAddress);
  return {
    machines: machineInfos(plan, ips, ips),
    publicIps: ips,
    privateIps: ips,
    allowPeers: (_rules: readonly PeerRule[]) => undefined,
  };
}

/** vSphere VMs of one Hafen cluster pool (see VspherePoolSettings). */
export class NodePool extends pulumi.ComponentResource implements NodePoolHandle {
  declare public readonly machines: pulumi.Output<MachineInfo[]>;
  declare public readonly publicIps: pulumi.Output<string>[];
  declare public readonly privateIps: pulumi.Output<string>[];
  readonly provider = "vsphere" as const;
  readonly poolName: string;
  readonly role: PoolRole;

  constructor(name: string, args: VsphereNodePoolArgs, opts: pulumi.ComponentResourceOptions = {}) {
    checkPoolArgs("hafen:vsphere:NodePool", "vsphere", args);
    super("hafen:vsphere:NodePool", name, poolSummary(args.context, args.pool, "vsphere"), opts);
    this.poolName = args.pool.name;
    this.role = args.pool.role;
    const parts = build(this, args);
    Object.assign(this, { machines: parts.machines, publicIps: parts.publicIps, privateIps: parts.privateIps });
    this.registerOutputs({ machines: parts.machines });
  }

  /** No firewall is managed on vSphere (see the module comment). */
  allowPeers(_rules: readonly PeerRule[]): void {}
}

export { build as buildVspherePool };
