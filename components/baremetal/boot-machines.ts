// `BootMachines`: groups and profiles on a Hafen boot service, as one Pulumi dynamic
// resource (type token pulumi-nodejs:dynamic/baremetal:BootMachines). The endpoint (it
// holds the API token) and the documents (profiles hold machine configs, which may carry
// a bootstrap token) are secrets in the state. Documents travel as one JSON string (see
// provider.ts for why).
import * as pulumi from "@pulumi/pulumi";
import { bootMachinesProvider } from "./provider";
import type { BootEndpointArgs } from "./types";

export interface BootMachinesArgs {
  /** The boot service's API (stored as a secret). */
  readonly endpoint: pulumi.Input<BootEndpointArgs>;
  /** Group and profile documents by name (runtime/boot/README.md); stored as a secret. */
  readonly groups: pulumi.Input<Record<string, unknown>>;
  readonly profiles: pulumi.Input<Record<string, unknown>>;
}

// One provider object for every resource: Pulumi serialises it once per object.
const provider = bootMachinesProvider();

export class BootMachines extends pulumi.dynamic.Resource {
  /** JSON of {groups, profiles} as the service holds them (secret). */
  declare public readonly documents: pulumi.Output<string>;
  /** The service's data generation after the last write. */
  declare public readonly generation: pulumi.Output<number>;

  constructor(name: string, args: BootMachinesArgs, opts: pulumi.CustomResourceOptions = {}) {
    const documents = pulumi.all([args.groups, args.profiles]).apply(([groups, profiles]) => JSON.stringify({ groups, profiles }));
    const props = { endpoint: pulumi.secret(args.endpoint), documents: pulumi.secret(documents), generation: undefined };
    super(provider, name, props, { ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), "endpoint", "documents"] }, "baremetal", "BootMachines");
  }
}
