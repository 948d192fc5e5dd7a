// `VsphereVm`: one VM cloned from a template, as a Pulumi dynamic resource (type token
// pulumi-nodejs:dynamic/vsphere:Vm). The vSphere node pool creates one per machine.
import * as pulumi from "@pulumi/pulumi";
import { vmProvider } from "./vm-provider";
import type { VmInputs, VsphereConnectionArgs } from "./vm-inputs";

type Inputs<T> = { readonly [K in keyof T]: pulumi.Input<T[K]> };
type StringMap = pulumi.Input<Readonly<Record<string, pulumi.Input<string>>>>;

/**
 * Arguments of a VsphereVm; see VmInputs for each field's meaning and default.
 * `connection` is always stored as a secret (it holds the vCenter password).
 */
export type VsphereVmArgs = Omit<Inputs<VmInputs>, "connection" | "guestinfo" | "extraConfig"> & {
  readonly connection: pulumi.Input<Inputs<VsphereConnectionArgs>>;
  readonly guestinfo?: StringMap;
  readonly extraConfig?: StringMap;
};

// One provider object for all VMs: Pulumi caches the serialised provider per object, so
// a 300-machine pool serialises it once instead of 300 times (seconds each).
const provider = vmProvider();

export class VsphereVm extends pulumi.dynamic.Resource {
  /** VM name in vCenter. */
  declare public readonly name: pulumi.Output<string>;
  /** Managed object id, e.g. "vm-42"; also the resource id. */
  declare public readonly moref: pulumi.Output<string>;
  /** The guest's IP as VMware Tools reports it ("" when not waited for). */
  declare public readonly ipAddress: pulumi.Output<string>;
  /** "poweredOn", "poweredOff" or "suspended". */
  declare public readonly powerState: pulumi.Output<string>;
  declare public readonly numCpus: pulumi.Output<number>;
  declare public readonly memoryMb: pulumi.Output<number>;

  constructor(name: string, args: VsphereVmArgs, opts: pulumi.CustomResourceOptions = {}) {
    const props = { ...args, connection: pulumi.secret(args.connection), moref: undefined, ipAddress: undefined, powerState: undefined };
    super(provider, name, props, { ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), "connection"] }, "vsphere", "Vm");
  }
}
