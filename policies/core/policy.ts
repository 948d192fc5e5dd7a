// Policies are written as pure checks over plain data (ResourceView → messages); these
// wrappers adapt them to CrossGuard: snapshot the properties (unknowns → UNKNOWN), read
// and validate the policy's config, and report each message. A config problem is
// reported as the violation and the check is skipped — a guard that cannot read its
// settings must not silently pass.
import type { EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { Config, ConfigOf, Spec } from "./config";
import { isProps, snapshot, type Props } from "./values";

export interface ResourceView {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: Props;
}

export interface Context {
  readonly stackTags: ReadonlyMap<string, string>;
}

export interface StackFinding {
  readonly message: string;
  /** The resource in violation; absent for the stack as a whole. */
  readonly urn?: string;
}

interface Common<S extends Spec> {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly remediationSteps: string;
  readonly config: Config<S>;
}

export interface ResourceRule<S extends Spec> extends Common<S> {
  /** Type tokens the rule reads; other resources are not looked at. */
  readonly types: readonly string[];
  check(r: ResourceView, config: ConfigOf<S>, ctx: Context): readonly string[];
}

export interface StackRule<S extends Spec> extends Common<S> {
  check(resources: readonly ResourceView[], config: ConfigOf<S>, ctx: Context): readonly StackFinding[];
}

function props(v: unknown): Props {
  const s = snapshot(v);
  return isProps(s) ? s : {};
}

export function resourcePolicy<S extends Spec>(rule: ResourceRule<S>): ResourceValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    remediationSteps: rule.remediationSteps,
    configSchema: rule.config.schema,
    validateResource: (args, report) => {
      if (!rule.types.includes(args.type)) return;
      const config = rule.config.read(args.getConfig(), rule.name);
      if (!config.ok) return config.problems.forEach((p) => report(p));
      const view: ResourceView = { type: args.type, name: args.name, urn: args.urn, props: props(args.props) };
      for (const message of rule.check(view, config.value, { stackTags: args.stackTags })) report(message);
    },
  };
}

export function stackPolicy<S extends Spec>(rule: StackRule<S>): StackValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    remediationSteps: rule.remediationSteps,
    configSchema: rule.config.schema,
    validateStack: (args, report) => {
      const config = rule.config.read(args.getConfig(), rule.name);
      if (!config.ok) return config.problems.forEach((p) => report(p));
      const views = args.resources.map((r): ResourceView => ({ type: r.type, name: r.name, urn: r.urn, props: props(r.props) }));
      for (const f of rule.check(views, config.value, { stackTags: args.stackTags })) report(f.message, f.urn);
    },
  };
}

/** "aws:ec2/instance:Instance control-1" — how messages name a resource. */
export function label(r: Pick<ResourceView, "type" | "name">): string {
  return `${r.type} "${r.name}"`;
}
