// `hafen boot check --data DIR [--assets DIR] [--json]`: validates a boot data directory
// offline (CI, review) with exactly the checks `hafen boot serve` applies when loading.
import { resolve } from "node:path";
import { AssetStore, formatBootProblem, loadDataDir, problemJson } from "../boot";
import { UsageError, type Command, type CommandContext } from "./command";
import { parseFlags } from "./flags";

const usage = `Usage: hafen boot check --data DIR [--assets DIR] [--json]

Checks groups/ and profiles/ under DIR as the boot service would at start: syntax,
fields, selectors, profile references, cached assets and that every machine config
renders. Exit 0 when the data would be accepted, 1 otherwise (problems on stderr as
FILE:LINE: PATH: CODE: message, or with --json on stdout).`;

export const bootCheck: Command = {
  words: ["boot", "check"],
  summary: "validate a boot service data directory (groups and profiles)",
  usage,
  async run(ctx: CommandContext): Promise<number> {
    const { values, positionals } = parseFlags(ctx.args, { data: { type: "string" }, assets: { type: "string" }, json: { type: "boolean" } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (!values.data) throw new UsageError("--data DIR is required");
    const assets = values.assets === undefined ? undefined : await AssetStore.open(resolve(ctx.cwd, values.assets));
    const r = await loadDataDir(resolve(ctx.cwd, values.data), assets?.index());
    if (values.json) {
      const out = r.ok ? { ok: true, groups: r.data.groups.size, profiles: r.data.profiles.size } : { ok: false, problems: r.problems.map(problemJson) };
      ctx.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else if (r.ok) ctx.stdout.write(`ok: ${r.data.groups.size} groups, ${r.data.profiles.size} profiles\n`);
    else ctx.stderr.write(`${r.problems.map(formatBootProblem).join("\n")}\n`);
    return r.ok ? 0 : 1;
  },
};
