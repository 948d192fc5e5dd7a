// `hafen:index:Unit`: a fleet unit submitted, launched, replaced and destroyed through a
// cluster's API. A component around a dynamic resource (dynamic resources cannot carry
// their own type token, and multi-language programs can use only components).
import * as pulumi from "@pulumi/pulumi";
import { problem, refuse, type ComponentProblem } from "../common/problems";
import { isDeferred } from "../common/read";
import type { UnitDesiredState } from "../common/types";
import { hashOptions, type UnitOption } from "../../units";
import { checkUnitInputs, type InputFailure } from "./inputs";
import { unitOptions } from "./lint";
import { unitProvider } from "./provider";

/** How to reach the cluster's API: what a Cluster's `clientConfig` output holds. */
export interface UnitClusterArgs {
  /** API base URL, e.g. https://203.0.113.10:7480. */
  endpoint: pulumi.Input<string>;
  /** Admin token (hfa_…). */
  token?: pulumi.Input<string>;
  /** PEM of the cluster CA. */
  ca?: pulumi.Input<string>;
  /** Client certificate and key (PEM), instead of a token. */
  cert?: pulumi.Input<string>;
  key?: pulumi.Input<string>;
}

/** One fleet unit option. */
export interface UnitOptionArgs {
  section: string;
  name: string;
  value: string;
}

export interface UnitArgs {
  /** The cluster's client config; stored as a secret. */
  cluster: pulumi.Input<UnitClusterArgs>;
  /** Unit name, e.g. "web@1.service" (a template "web@.service" only with desiredState inactive). */
  name: pulumi.Input<string>;
  /** Unit file text, linted at preview (errors name the line). Conflicts with options. */
  contents?: pulumi.Input<string>;
  /** fleet UnitOptions instead of contents. Conflicts with contents. */
  options?: pulumi.Input<UnitOptionArgs[]>;
  /** Default "launched". */
  desiredState?: pulumi.Input<UnitDesiredState>;
  /** How long to wait for the API to answer (a new cluster is still booting). Default 600, at most 3600. */
  waitSeconds?: pulumi.Input<number>;
}

const provider = unitProvider();

class UnitResource extends pulumi.dynamic.Resource {
  declare public readonly desiredState: pulumi.Output<UnitDesiredState>;
  declare public readonly submitted: pulumi.Output<UnitOption[]>;

  constructor(name: string, inputs: Record<string, pulumi.Input<unknown>>, opts: pulumi.CustomResourceOptions) {
    super(provider, name, inputs, { ...opts, additionalSecretOutputs: ["cluster"] }, "hafen", "Unit");
  }
}

/** Stand-ins for fields given as Outputs, so the plain ones can be checked at construction. */
const STAND_INS: Record<string, unknown> = {
  cluster: { endpoint: "https://placeholder.invalid:7480", token: "hfa_placeholderplaceholderplaceholder" },
  name: "placeholder.service",
  contents: "[Service]\nExecStart=/bin/true\n",
  options: [{ section: "Service", name: "ExecStart", value: "/bin/true" }],
  desiredState: "launched",
  waitSeconds: 0,
};

const deferredIn = (v: unknown) => isDeferred(v) || (typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).some(isDeferred));

function failuresOf(a: Record<string, unknown>): InputFailure[] {
  const lint = unitOptions(a["name"], a["contents"], a["options"]);
  const rest = checkUnitInputs({ ...a, submitted: lint.options ?? STAND_INS["options"] }).failures;
  return [...lint.failures, ...rest];
}

/** Problems visible at construction: plain values are checked now, Outputs at deployment. */
function constructionProblems(args: UnitArgs | undefined): ComponentProblem[] {
  const a = (args ?? {}) as unknown as Record<string, unknown>;
  const deferred = Object.keys(a).filter((k) => deferredIn(a[k]));
  const plain = { ...a, ...Object.fromEntries(deferred.map((k) => [k, STAND_INS[k]])) };
  return failuresOf(plain)
    .filter((f) => !deferred.includes(f.property.split(/[.[]/)[0] ?? ""))
    .map((f) => {
      const key = f.property.split(/[.[]/)[0] ?? "";
      // The cluster config holds credentials: never copy it into an error.
      const value = key === "cluster" ? "(credentials not shown)" : a[key];
      return problem(f.property === "" ? "wrong-type" : "invalid-value", f.property ? f.property.split(".") : [], value, f.reason);
    });
}

/** The options to submit, linted in the program; a bad unit given as an Output fails the deployment here. */
function submitted(args: UnitArgs): pulumi.Output<UnitOption[]> {
  return pulumi.all([args.name, args.contents, args.options]).apply(([name, contents, options]) => {
    const r = unitOptions(name, contents, options);
    if (!r.options) throw new Error(`Unit ${name}: ${r.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    return r.options;
  });
}

export class Unit extends pulumi.ComponentResource {
  /** The unit's name in the cluster. */
  declare public readonly unitName: pulumi.Output<string>;
  declare public readonly desiredState: pulumi.Output<string>;
  /** fleet's hash of the submitted options (SHA-1 of the canonical form). */
  declare public readonly hash: pulumi.Output<string>;

  constructor(name: string, args: UnitArgs, opts: pulumi.ComponentResourceOptions = {}) {
    refuse("hafen:index:Unit", constructionProblems(args));
    // The unit's definition (never the cluster's credentials) is what policies read.
    super("hafen:index:Unit", name, { name: args.name, ...(args.contents !== undefined && { contents: args.contents }), ...(args.options !== undefined && { options: args.options }), desiredState: args.desiredState ?? "launched" }, opts);
    const options = submitted(args);
    const r = new UnitResource(
      name,
      {
        cluster: pulumi.secret(args.cluster),
        name: args.name,
        submitted: options,
        ...(args.desiredState !== undefined && { desiredState: args.desiredState }),
        ...(args.waitSeconds !== undefined && { waitSeconds: args.waitSeconds }),
      },
      { parent: this },
    );
    this.unitName = pulumi.output(args.name);
    this.desiredState = r.desiredState;
    this.hash = options.apply((o) => hashOptions(o));
    this.registerOutputs({ unitName: this.unitName, desiredState: this.desiredState, hash: this.hash });
  }
}
