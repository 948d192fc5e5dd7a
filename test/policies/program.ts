// Runs a Pulumi program under Pulumi's mocks and returns the resources it registers, with
// their inputs as CrossGuard would show them to policies (secrets unwrapped, like
// @pulumi/policy's deserializeProperties(…, false)). No Pulumi CLI, no cloud.
import * as pulumi from "@pulumi/pulumi";
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

/**
 * Loads `programPath` (a module that declares resources when required) under mocks.
 * `config` is the stack config ("project:key" → value), as Pulumi.<stack>.yaml holds it.
 */
export async function runProgram(programPath: string, project: string, config: Record<string, string> = {}): Promise<StackResource[]> {
  const registered: StackResource[] = [];
  pulumi.runtime.setAllConfig(config);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, props: unwrapSecrets(args.inputs) as Record<string, unknown> });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    project,
    "policy-test",
    false,
  );
  jest.isolateModules(() => {
    require(programPath);
  });
  // Every registration is an RPC to the (mock) engine; disconnect waits for all of them.
  await pulumi.runtime.disconnect();
  return registered;
}
