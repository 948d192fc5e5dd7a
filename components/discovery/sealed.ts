// `SealedSecret`: a secret published in a Hafen discovery service for machines' first
// boot, sealed with a key derived from the bootstrap token (runtime/tls/seal.ts). The
// Cluster publishes its CA private key this way (name "ca-key"), so user data carries
// only the short-lived bootstrap token (design.md "Secrets at boot").
//
// TTL: the record stays `ttlSeconds` (default 24 h, at most 7 days). Control machines
// must make their first boot within it; a control machine created after it expired (a
// replacement) needs a `pulumi up` first, which publishes the record again — any update
// within an hour of expiry (or after) republishes, and `pulumi refresh` notices an expired
// record and recreates it.
import * as pulumi from "@pulumi/pulumi";
import { sealedProvider } from "./sealed-provider";

export interface SealedSecretArgs {
  /** The discovery token URL (stored as a secret). */
  discoveryUrl: pulumi.Input<string>;
  /** Record name; the runtime fetches "ca-key". */
  name: pulumi.Input<string>;
  /** The text to seal, at most 4096 bytes (stored as a secret). */
  plaintext: pulumi.Input<string>;
  /** The cluster's bootstrap token (stored as a secret). */
  bootstrapToken: pulumi.Input<string>;
  /** Seconds the service keeps the record, 60 to 604800. Default 86400 (24 h). */
  ttlSeconds?: pulumi.Input<number>;
  /** PEM CA of the discovery service, for a private CA. Default: Node's trust store. */
  ca?: pulumi.Input<string>;
}

// One provider object: Pulumi serialises a provider once per object.
const provider = sealedProvider();

/** Type token `pulumi-nodejs:dynamic/hafen:SealedSecret`. */
export class SealedSecret extends pulumi.dynamic.Resource {
  /** When the service drops the record (ms since the epoch). */
  declare public readonly expiresAt: pulumi.Output<number>;
  declare public readonly ttlSeconds: pulumi.Output<number>;

  constructor(name: string, args: SealedSecretArgs, opts: pulumi.CustomResourceOptions = {}) {
    const props = {
      discoveryUrl: pulumi.secret(args.discoveryUrl),
      name: args.name,
      plaintext: pulumi.secret(args.plaintext),
      bootstrapToken: pulumi.secret(args.bootstrapToken),
      // Always present, so the output exists; undefined means the default.
      ttlSeconds: args.ttlSeconds,
      ...(args.ca !== undefined && { ca: args.ca }),
      expiresAt: undefined,
    };
    const secretOutputs = ["discoveryUrl", "plaintext", "bootstrapToken"];
    super(provider, name, props, { ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), ...secretOutputs] }, "hafen", "SealedSecret");
  }
}
