// Acceptance item 2, first half: the stacks in stacks/ pass the pack (no mandatory
// violation), each run under Pulumi's mocks with its Pulumi.<stack>.yaml config (secure
// values stand in as secrets) and mocks that answer like the real providers, so every
// machine's user data is rendered and judged in full. A safe reference program
// (programs/good-stack.ts) must produce no violation at all, so the pack's findings on
// the bad example are not noise it reports everywhere.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { POLICIES } from "../../policies/all";
import { runProgram } from "./program";
import { runPack } from "./support";

const STACKS = join(__dirname, "..", "..", "stacks");
const MANDATORY = new Set(POLICIES.filter((p) => p.enforcementLevel === "mandatory").map((p) => p.name));

interface StackCase {
  readonly label: string;
  readonly dir: string;
  readonly project: string;
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
}

/** Secrets a stack requires that its example file cannot hold (set with `pulumi config set --secret`). */
const REQUIRED_SECRETS: Readonly<Record<string, readonly string[]>> = { vsphere: ["hafen:vspherePassword"] };

/** Config values of a Pulumi.<stack>.yaml ("project:key" → string); a secure value (ciphertext) becomes a stand-in secret. */
function stackConfig(file: string): { config: Record<string, string>; secretKeys: string[] } {
  const doc = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(doc?.config ?? {})) {
    if (typeof v === "object" && v !== null && "secure" in v) {
      config[k] = `stand-in secret for ${k}`;
      secretKeys.push(k);
    } else config[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return { config, secretKeys };
}

function stackCases(): StackCase[] {
  if (!existsSync(STACKS)) return [];
  return readdirSync(STACKS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== "bad-example" && existsSync(join(STACKS, d.name, "index.ts")))
    .flatMap((d) => {
      const dir = join(STACKS, d.name);
      const project = String((parse(readFileSync(join(dir, "Pulumi.yaml"), "utf8")) as { name?: unknown })?.name ?? d.name);
      const files = readdirSync(dir).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f));
      if (files.length === 0) return [{ label: d.name, dir, project, config: {}, secretKeys: [] }];
      return files.map((f) => {
        const { config, secretKeys } = stackConfig(join(dir, f));
        for (const k of REQUIRED_SECRETS[d.name] ?? []) config[k] ??= `stand-in secret for ${k}`;
        return { label: `${d.name} (${f})`, dir, project, config, secretKeys: [...secretKeys, ...(REQUIRED_SECRETS[d.name] ?? [])] };
      });
    });
}

test("a safe production cluster on the raw providers passes every policy", async () => {
  const resources = await runProgram(join(__dirname, "programs", "good-stack.ts"), "hafen-good");
  expect(resources.length).toBe(9);
  expect(await runPack(POLICIES, resources, { stackTags: { "hafen:production": "true" } })).toEqual([]);
}, 60_000);

const cases = stackCases();
(cases.length ? test.each(cases.map((c) => [c.label, c] as const)) : test.skip.each([["(stacks/ holds no stack besides bad-example yet)", undefined]]))(
  "stack %s passes the pack",
  async (_label, c) => {
    const resources = await runProgram(join(c!.dir, "index.ts"), c!.project, c!.config, { secretKeys: c!.secretKeys });
    // The checks had something to judge: every machine's user data was rendered.
    const machines = resources.filter((r) => /ec2\/instance:Instance|droplet:Droplet|compute\/instance:Instance/.test(r.type));
    expect(machines.every((m) => typeof m.props["userData"] === "string" && (m.props["userData"] as string).length > 1000)).toBe(true);
    const mandatory = (await runPack(POLICIES, resources)).filter((v) => MANDATORY.has(v.policy));
    expect(mandatory).toEqual([]);
  },
  60_000,
);
