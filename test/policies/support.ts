// Drives the pack's policies the way CrossGuard does, without the Pulumi CLI: a
// hand-built args object (properties behind @pulumi/policy's own unknown-checking proxy,
// as its server passes them), a config, stack tags, and a reportViolation collector.
import { unknownCheckingProxy } from "@pulumi/policy";
import type { Policies, PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";

export interface Violation {
  readonly policy: string;
  readonly message: string;
  readonly urn?: string;
}

export interface RunOptions {
  readonly config?: Record<string, unknown>;
  readonly stackTags?: Record<string, string>;
}

export const urnOf = (type: string, name: string) => `urn:pulumi:test::hafen::${type}::${name}`;

function collector(policy: string, out: Violation[]): ReportViolation {
  return (message: string, urn?: string) => void out.push({ policy, message, ...(urn !== undefined && { urn }) });
}

const notApplicable = (reason?: string): never => {
  throw new Error(`notApplicable: ${reason ?? ""}`);
};

export function resourceArgs(type: string, name: string, props: Record<string, unknown>, o: RunOptions = {}): ResourceValidationArgs {
  return {
    type,
    name,
    urn: urnOf(type, name),
    props: unknownCheckingProxy(props) as Record<string, unknown>,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map(Object.entries(o.stackTags ?? {})),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => (o.config ?? {}) as T,
    notApplicable,
  };
}

/** Messages a resource policy reports for one resource. */
export async function checkResource(policy: ResourceValidationPolicy, type: string, props: Record<string, unknown>, o: RunOptions & { name?: string } = {}): Promise<string[]> {
  const out: Violation[] = [];
  const validations = policy.validateResource === undefined ? [] : Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
  for (const v of validations) await v(resourceArgs(type, o.name ?? "r", props, o), collector(policy.name, out));
  return out.map((v) => v.message);
}

export interface StackResource {
  readonly type: string;
  readonly name: string;
  /** Inputs: what resource policies see. */
  readonly props: Record<string, unknown>;
  /** Outputs (a custom resource's state, a component's registered outputs): what stack
   *  policies see. Absent: stack policies see `props` too. */
  readonly outputs?: Record<string, unknown>;
}

export function stackArgs(resources: readonly StackResource[], o: RunOptions = {}): StackValidationArgs {
  const list: PolicyResource[] = resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: urnOf(r.type, r.name),
    props: unknownCheckingProxy(r.outputs ?? r.props) as Record<string, unknown>,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  }));
  return { resources: list, stackTags: new Map(Object.entries(o.stackTags ?? {})), getConfig: <T extends object>() => (o.config ?? {}) as T, notApplicable };
}

export async function checkStack(policy: StackValidationPolicy, resources: readonly StackResource[], o: RunOptions = {}): Promise<Violation[]> {
  const out: Violation[] = [];
  await policy.validateStack(stackArgs(resources, o), collector(policy.name, out));
  return out;
}

/**
 * Runs every policy of a pack over a stack: resource policies on each resource, stack
 * policies on all of them — what `pulumi preview --policy-pack` does. `config` is the
 * --policy-pack-config object (policy name → settings).
 */
export async function runPack(policies: Policies, resources: readonly StackResource[], o: { config?: Record<string, Record<string, unknown>>; stackTags?: Record<string, string> } = {}): Promise<Violation[]> {
  const out: Violation[] = [];
  for (const p of policies) {
    const opts = { config: o.config?.[p.name] ?? {}, stackTags: o.stackTags ?? {} };
    if ("validateStack" in p) {
      out.push(...(await checkStack(p, resources, opts)));
      continue;
    }
    for (const r of resources) {
      for (const message of await checkResource(p, r.type, r.props, { ...opts, name: r.name })) out.push({ policy: p.name, message, urn: urnOf(r.type, r.name) });
    }
  }
  return out;
}

// @pulumi/policy's sentinels for values unknown during preview (proxy.js); the proxy
// throws UnknownValueError when a policy touches one.
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
export const UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";
