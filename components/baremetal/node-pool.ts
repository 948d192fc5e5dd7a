// `hafen:baremetal:NodePool`: the operator's own machines, PXE-booted by a Hafen boot
// service (`hafen boot serve`). Each machine (name + MAC) becomes one group and one
// profile on the service holding its PXE images and its rendered-per-request machine
// config — the same Machine model, rendered by the same renderer, a cloud machine of the
// same role gets. Nothing is created on the machines themselves; power them on (or
// reboot them) into iPXE pointed at <service>/boot.ipxe. No firewall is managed: the
// network is the operator's (admit what components/common/firewall.ts lists).
import * as pulumi from "@pulumi/pulumi";
import type { Machine, MachineRole } from "../../machine";
import { selectorQuery, normalizeMac } from "../../runtime/boot";
import { BootMachines } from "./boot-machines";
import { buildPoolDocs, checkPoolSpec, docName, type PoolDocs } from "./pool-docs";
import type { BareMetalMachineArgs, BootEndpointArgs, PoolSpec } from "./types";

export interface NodePoolArgs extends Omit<PoolSpec, "poolName"> {
  /** The boot service's API; the token is stored as a secret. */
  readonly boot: pulumi.Input<BootEndpointArgs>;
  /** Group/profile names are `<poolName>-<machine name>`. Default: the resource name. */
  readonly poolName?: string;
  /**
   * Each machine's model (machine/model.ts), in `machines` order: a list, or a function
   * called once per machine. Models may be Outputs (they usually carry secrets); known
   * models are validated at construction, the others once their values resolve.
   */
  readonly machine: readonly pulumi.Input<Machine>[] | ((m: BareMetalMachineArgs, index: number) => pulumi.Input<Machine>);
  /** Names reported in `machines`, in `machines` order. Default each machine's `name`
   *  (a Cluster passes the host names `<cluster>-<pool>-<name>`). */
  readonly hostnames?: readonly string[];
  /** The `pool` reported in `machines`. Default poolName (a Cluster passes its pool's name). */
  readonly poolLabel?: string;
  /** Resources the documents are written after (a Cluster's sealed CA key). Default none. */
  readonly machinesDependOn?: readonly pulumi.Resource[];
}

/** What the Cluster reads of every pool (components/common/types.ts MachineInfo). */
export interface BareMetalMachineInfo {
  name: string;
  provider: string;
  pool: string;
  role: string;
  publicIp: string;
  privateIp: string;
  mac: string;
  /** The group (= profile) serving this machine on the boot service. */
  group: string;
  /** Where the machine fetches its config (Ignition/cloud-config). */
  configUrl: string;
}

function fail(name: string, problems: readonly string[]): never {
  throw new Error(`hafen:baremetal:NodePool ${name}: ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join("\n")}`);
}

function docsFor(name: string, spec: PoolSpec, models: readonly Machine[]): PoolDocs {
  const r = buildPoolDocs(spec, models);
  return r.ok ? r.docs : fail(name, r.problems);
}

/**
 * Pulumi's Output resolution copies objects member by member and turns a Uint8Array into
 * {"0": .., "1": ..}; file bytes that went through an Output are turned back here.
 */
export function reviveBytes(m: Machine): Machine {
  const files = m.files.map((f) => {
    const c = f.contents;
    if (c.source !== "bytes" || c.bytes instanceof Uint8Array) return f;
    const o = c.bytes as unknown as Record<string, number>;
    return { ...f, contents: { source: "bytes" as const, bytes: Uint8Array.from(Object.keys(o).sort((a, b) => Number(a) - Number(b)).map((k) => o[k]!)) } };
  });
  return { ...m, files };
}

/** True when every model is a plain value (not an Output or a Promise). */
function allKnown(models: readonly pulumi.Input<Machine>[]): models is readonly Machine[] {
  return models.every((m) => !pulumi.Output.isInstance(m) && !(m instanceof Promise));
}

export class NodePool extends pulumi.ComponentResource {
  declare public readonly machines: pulumi.Output<BareMetalMachineInfo[]>;
  /** The address of each machine as given ("" when unknown), in pool order. */
  declare public readonly publicIps: pulumi.Output<string>[];
  declare public readonly privateIps: pulumi.Output<string>[];
  /** The iPXE entry point for these machines: <service>/boot.ipxe */
  declare public readonly bootScriptUrl: pulumi.Output<string>;
  declare public readonly resource: BootMachines;
  readonly provider = "baremetal" as const;
  readonly poolName: string;
  readonly role: MachineRole;

  constructor(name: string, args: NodePoolArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const spec: PoolSpec = { ...args, poolName: args.poolName ?? name };
    const make = args.machine;
    const models: pulumi.Input<Machine>[] = typeof make === "function" ? spec.machines.map((m, i) => make(m, i)) : [...make];
    const own = checkPoolSpec(spec, models.length);
    if (own.length) fail(name, own);
    // Validated now when the models are known, so `pulumi preview` fails with the field named.
    const known = allKnown(models) ? docsFor(name, spec, models) : undefined;
    super("hafen:baremetal:NodePool", name, {}, opts);
    this.poolName = spec.poolName;
    this.role = spec.role ?? "worker";
    const docs: pulumi.Output<PoolDocs> = known ? pulumi.output(known) : pulumi.all(models).apply((ms) => docsFor(name, spec, (ms as Machine[]).map(reviveBytes)));
    const after = args.machinesDependOn?.length ? { dependsOn: [...args.machinesDependOn] } : {};
    const resource = new BootMachines(name, { endpoint: args.boot, groups: docs.apply((d) => d.groups), profiles: docs.apply((d) => d.profiles) }, { parent: this, ...after });
    const url = pulumi.output(args.boot).apply((b) => b.url.replace(/\/+$/, ""));
    const ips = spec.machines.map((m) => pulumi.output(m.address ?? ""));
    const machines = pulumi.all([url, resource.id]).apply(([base]) =>
      spec.machines.map((m, i) => {
        const mac = normalizeMac(m.mac);
        const selectors = { ...("value" in mac && { mac: mac.value }), ...(m.uuid !== undefined && { uuid: m.uuid.toLowerCase() }), ...(m.serial !== undefined && { serial: m.serial.trim() }) };
        return { name: args.hostnames?.[i] ?? m.name, provider: "baremetal", pool: args.poolLabel ?? spec.poolName, role: this.role, publicIp: m.address ?? "", privateIp: m.address ?? "", mac: "value" in mac ? mac.value : m.mac, group: docName(spec.poolName, m.name), configUrl: `${base}/config?${selectorQuery(selectors)}` };
      }),
    );
    Object.assign(this, { machines, publicIps: ips, privateIps: ips, bootScriptUrl: url.apply((u) => `${u}/boot.ipxe`), resource });
    this.registerOutputs({ machines, bootScriptUrl: this.bootScriptUrl });
  }

  /** No firewall is managed on the operator's network (see the module comment). */
  allowPeers(_rules: readonly unknown[]): void {}
}
