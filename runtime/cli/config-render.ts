// `hafen config render`: machine YAML → cloud-config or Ignition on stdout. Problems go
// to stderr, one per line as FILE:LINE: PATH: CODE: message, with exit code 1; a config
// over the provider's user-data limit is such a problem.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { FORMATS, PROVIDERS, formatPath, formatProblem, renderMachineYaml, type ConfigFormat, type MachineProblem, type Provider } from "../../machine";
import { UsageError, type Command, type CommandContext } from "./command";
import { parseFlags } from "./flags";

const USAGE = `Usage: hafen config render --format cloud-config|ignition [--provider NAME] [--json] MACHINE.yaml

Renders the machine described in MACHINE.yaml (see machine/README.md) and prints it.

Options:
  --format F     cloud-config (Flatcar's coreos-cloudinit) or ignition (spec 3.3.0)
  --provider P   ${PROVIDERS.join(", ")} (default local): refuse configs
                 over that provider's user-data limit
  --json         print {ok, format, provider, size, config} or {ok, problems} as JSON`;

function oneOf<T extends string>(flag: string, v: string | undefined, allowed: readonly T[], fallback?: T): T {
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`--${flag} is required: one of ${allowed.join(", ")}`);
  }
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${flag} "${v}" is not one of ${allowed.join(", ")}`);
  return v as T;
}

function problemJson(p: MachineProblem) {
  return { code: p.code, path: formatPath(p.at), value: p.value, message: p.message, ...(p.file !== undefined && { file: p.file }), ...(p.line !== undefined && { line: p.line }) };
}

function fail(ctx: CommandContext, json: boolean, problems: readonly MachineProblem[]): number {
  if (json) ctx.stdout.write(`${JSON.stringify({ ok: false, problems: problems.map(problemJson) }, null, 2)}\n`);
  else ctx.stderr.write(problems.map((p) => `${formatProblem(p)}\n`).join(""));
  return 1;
}

async function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(ctx.args, {
    format: { type: "string" },
    provider: { type: "string" },
    json: { type: "boolean" },
  });
  const format = oneOf<ConfigFormat>("format", values.format, FORMATS);
  const provider = oneOf<Provider>("provider", values.provider, PROVIDERS, "local");
  if (positionals.length !== 1) throw new UsageError(`expected one MACHINE.yaml, got ${positionals.length} arguments`);
  const file = positionals[0]!;
  const json = values.json === true;
  let text: string;
  try {
    text = await readFile(resolve(ctx.cwd, file), "utf8");
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return fail(ctx, json, [{ code: "syntax", at: [], value: JSON.stringify(file), message: `cannot read ${file}: ${e.code ?? e.message}`, file }]);
  }
  const r = renderMachineYaml(text, { format, provider }, file);
  if (!r.ok) return fail(ctx, json, r.problems);
  if (json) {
    ctx.stdout.write(`${JSON.stringify({ ok: true, format, provider, size: r.value.size, config: r.value.text }, null, 2)}\n`);
  } else {
    ctx.stdout.write(r.value.text.endsWith("\n") ? r.value.text : `${r.value.text}\n`);
  }
  return 0;
}

export const configRender: Command = {
  words: ["config", "render"],
  summary: "render a machine's cloud-config or Ignition config",
  usage: USAGE,
  run,
};
