// Acceptance item 2, first half: the stacks in stacks/ pass the pack (no mandatory
// violation), each run under Pulumi's mocks with its Pulumi.<stack>.yaml config. A safe
// reference program (programs/good-stack.ts) must produce no violation at all, so the
// pack's findings on the bad example are not noise it reports everywhere.
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
}

/** Plain config values of a Pulumi.<stack>.yaml ("project:key" → string); secure values are skipped. */
function stackConfig(file: string): Record<string, string> {
  const doc = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc?.config ?? {})) {
    if (typeof v === "object" && v !== null && "secure" in v) continue;
    out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

function stackCases(): StackCase[] {
  if (!existsSync(STACKS)) return [];
  return readdirSync(STACKS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== "bad-example" && existsSync(join(STACKS, d.name, "index.ts")))
    .flatMap((d) => {
      const dir = join(STACKS, d.name);
      const project = String((parse(readFileSync(join(dir, "Pulumi.yaml"), "utf8")) as { name?: unknown })?.name ?? d.name);
      const files = readdirSync(dir).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f));
      if (files.length === 0) return [{ label: d.name, dir, project, config: {} }];
      return files.map((f) => ({ label: `${d.name} (${f})`, dir, project, config: stackConfig(join(dir, f)) }));
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
    const resources = await runProgram(join(c!.dir, "index.ts"), c!.project, c!.config);
    const mandatory = (await runPack(POLICIES, resources)).filter((v) => MANDATORY.has(v.policy));
    expect(mandatory).toEqual([]);
  },
  60_000,
);
