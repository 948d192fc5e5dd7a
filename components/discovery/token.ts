// `hafen:index:DiscoveryToken`: a discovery token made at a Hafen discovery service
// (`hafen discovery serve`), for etcd members and Hafen agents to find each other.
// A component around a dynamic resource, because dynamic resources cannot carry their
// own type token (they are always `pulumi-nodejs:dynamic/...`) and multi-language
// programs can only use components.
import * as pulumi from "@pulumi/pulumi";
import { problem, refuse, type ComponentProblem } from "../common/problems";
import { isDeferred } from "../common/read";
import { checkTokenInputs } from "./inputs";
import { tokenProvider } from "./provider";

export interface DiscoveryTokenArgs {
  /** Base URL of the discovery service, http(s)://host[:port]. */
  service: pulumi.Input<string>;
  /** The number of control machines (etcd members) the token is for, 1 to 99. */
  size: pulumi.Input<number>;
  /** PEM CA of the service, for a private CA. Default: Node's trust store. */
  ca?: pulumi.Input<string>;
}

// One provider object: Pulumi serialises a provider once per object.
const provider = tokenProvider();

class TokenResource extends pulumi.dynamic.Resource {
  declare public readonly url: pulumi.Output<string>;

  constructor(name: string, args: DiscoveryTokenArgs, opts: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, url: undefined }, { ...opts, additionalSecretOutputs: ["url"] }, "hafen", "DiscoveryToken");
  }
}

/** Problems visible at construction: missing fields and plain values (Outputs are checked by the provider). */
function constructionProblems(args: DiscoveryTokenArgs | undefined): ComponentProblem[] {
  const a = (args ?? {}) as unknown as Record<string, unknown>;
  const out: ComponentProblem[] = [];
  for (const key of ["service", "size"]) {
    if (a[key] === undefined) out.push(problem("missing-field", [key], undefined, key === "service" ? "service is required: the discovery service's base URL" : "size is required: the number of control machines"));
  }
  const plain: Record<string, unknown> = { service: "https://placeholder.invalid", size: 1 };
  for (const [k, v] of Object.entries(a)) if (v !== undefined && !isDeferred(v)) plain[k] = v;
  for (const f of checkTokenInputs(plain)) if (f.property in a) out.push(problem("invalid-value", [f.property], a[f.property], f.reason));
  return out;
}

export class DiscoveryToken extends pulumi.ComponentResource {
  /** The token URL: `<service>/<32 hex>`. Secret — whoever has it can join the cluster's discovery. */
  declare public readonly url: pulumi.Output<string>;

  constructor(name: string, args: DiscoveryTokenArgs, opts: pulumi.ComponentResourceOptions = {}) {
    refuse("hafen:index:DiscoveryToken", constructionProblems(args));
    super("hafen:index:DiscoveryToken", name, { service: args.service, size: args.size }, opts);
    const token = new TokenResource(name, args, { parent: this });
    this.url = pulumi.secret(token.url);
    this.registerOutputs({ url: this.url });
  }
}
