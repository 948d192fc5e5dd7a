// Every policy's config: the schema CrossGuard shows matches what the policy reads, and
// bad settings are refused with the policy, the field, the value and what is accepted —
// reported as the violation, never silently defaulted.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { POLICIES } from "../../policies/all";
import { checkResource, checkStack } from "./support";

async function run(p: ResourceValidationPolicy | StackValidationPolicy, config: Record<string, unknown>): Promise<string[]> {
  if ("validateStack" in p) return (await checkStack(p, [], { config })).map((v) => v.message);
  // Resource policies only read config for types they check: give each a type it reads.
  for (const type of ["aws:ec2/instance:Instance", "aws:ec2/securityGroup:SecurityGroup"]) {
    const found = await checkResource(p, type, {}, { config });
    if (found.length) return found;
  }
  return [];
}

describe.each(POLICIES.map((p) => [p.name, p] as const))("%s", (name, policy) => {
  const schema = policy.configSchema?.properties ?? {};

  it("refuses an unknown setting, naming the accepted ones", async () => {
    expect(await run(policy, { bogus: 1 })).toEqual([`config ${name}.bogus: unknown setting; accepted: ${[...Object.keys(schema), "enforcementLevel"].join(", ")}`]);
  });

  it("refuses a value of the wrong type for each setting", async () => {
    for (const key of Object.keys(schema)) {
      const found = await run(policy, { [key]: { wrong: [] } });
      expect(found).toEqual([expect.stringMatching(new RegExp(`^config ${name}\\.${key}(\\.wrong)?: .* is not accepted; expected `))]);
    }
  });

  it("accepts every schema default as a setting", async () => {
    const defaults = Object.fromEntries(Object.entries(schema).map(([k, s]) => [k, (s as { default?: unknown }).default]));
    expect((await run(policy, defaults)).filter((m) => m.startsWith("config "))).toEqual([]);
  });
});
