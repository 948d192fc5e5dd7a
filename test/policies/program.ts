// Runs a Pulumi program under Pulumi's mocks and returns the resources it registers as
// CrossGuard shows them to policies (secrets unwrapped, like @pulumi/policy's
// deserializeProperties(…, false)): `props` are the inputs resource policies see,
// `outputs` what stack policies see — a custom resource's state, a component's
// registered outputs. No Pulumi CLI, no cloud.
//
// The mocks answer as real providers would (test/components/mocks.ts mockState): random
// bytes, keys, certificates, addresses and ids exist, so the values computed from them
// (machine configs, firewall sources) are known and judged — echo mocks would leave them
// unknown and the policies that read them would have nothing to check.
import * as pulumi from "@pulumi/pulumi";
import { mockState } from "../components/mocks";
import type { StackResource } from "./support";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";

export function unwrapSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (typeof v !== "object" || v === null) return v;
  const o = v as Record<string, unknown>;
  if (o[SIG] === SECRET) return unwrapSecrets(o["value"]);
  return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined).map(([k, x]) => [k, unwrapSecrets(x)]));
}

interface MonitorEntry {
  readonly urn: string;
  readonly state: unknown;
}

/** What the mock engine holds per resource after the run: state, or registered outputs (a protobuf Struct). */
function engineStates(): Map<string, Record<string, unknown>> {
  const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): { getRegisteredResources?(): Map<string, MonitorEntry> } };
  const out = new Map<string, Record<string, unknown>>();
  for (const e of settings.getMonitor().getRegisteredResources?.().values() ?? []) {
    const raw = e.state as { toJavaScript?: () => unknown } | undefined;
    const state = raw && typeof raw.toJavaScript === "function" ? raw.toJavaScript() : raw;
    // urn:pulumi:<stack>::<project>::<parent types $ type>::<name>
    const [, , qualified = "", ...name] = e.urn.split("::");
    out.set(`${qualified.split("$").pop()}::${name.join("::")}`, unwrapSecrets(state) as Record<string, unknown>);
  }
  return out;
}

const loaded = new Set<string>();

export interface ProgramOptions {
  /** Config keys ("project:key") whose values are secrets, as `pulumi config set --secret` marks them. */
  readonly secretKeys?: readonly string[];
}

/**
 * Loads `programPath` (a module that declares resources when required) under mocks.
 * `config` is the stack config ("project:key" → value), as Pulumi.<stack>.yaml holds it.
 */
export async function runProgram(programPath: string, project: string, config: Record<string, string> = {}, opts: ProgramOptions = {}): Promise<StackResource[]> {
  const registered: { type: string; name: string; props: Record<string, unknown> }[] = [];
  pulumi.runtime.setAllConfig(config, [...(opts.secretKeys ?? [])]);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, props: unwrapSecrets(args.inputs) as Record<string, unknown> });
        return { id: `${args.name}-id`, state: mockState(args.type, args.name, args.inputs) };
      },
      call: (args) => args.inputs,
    },
    project,
    "policy-test",
    false,
  );
  // A program declares its resources when first required. Loading it into this test
  // file's module registry (not an isolated one) reuses the Pulumi SDK and providers
  // already loaded — about 2 s a program; a second run of the same program needs a
  // fresh registry.
  if (loaded.has(programPath)) jest.isolateModules(() => require(programPath));
  else require(programPath);
  loaded.add(programPath);
  // Every registration is an RPC to the (mock) engine; disconnect waits for all of them.
  await pulumi.runtime.disconnect();
  const states = engineStates();
  return registered.map((r) => {
    const outputs = states.get(`${r.type}::${r.name}`);
    return outputs === undefined ? r : { ...r, outputs };
  });
}
