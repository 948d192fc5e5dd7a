// `hafen cat UNIT...`: the unit file as the cluster holds it (its options written back as
// a unit file; comments were never submitted), like `fleetctl cat`. Several units, or a
// glob, print each after a "# NAME" comment line, which leaves their hashes unchanged.
import { UsageError, type Command, type CommandContext } from "./command";
import { parseFlags } from "./flags";
import { clientCommand } from "./client/command-kit";
import { CLIENT_FLAGS, CLIENT_USAGE, connect } from "./client/connect";
import { selectUnits } from "./client/unit-args";
import { canonicalText, fromOptions, serializeUnit } from "../../units";
import type { UnitOption } from "../executor/types";

const usage = `Usage: hafen cat [--json] UNIT...

Prints units as submitted to the cluster. UNIT is a unit name or a glob such as
'web@*.service'.

${CLIENT_USAGE}`;

export function unitText(name: string, options: readonly UnitOption[]): string {
  const file = fromOptions(options, name);
  // The server validated these options, so fromOptions succeeds; the canonical form
  // is the fallback for a store written by something else. A blank line between
  // sections, as people write unit files (blank lines are not options).
  if (!file.ok) return `${canonicalText(options)}\n`;
  return file.value.sections.map((s) => serializeUnit({ preamble: [], sections: [s] })).join("\n");
}

export const cat: Command = clientCommand({
  words: ["cat"],
  summary: "print units as submitted",
  usage,
  async run(ctx: CommandContext): Promise<number> {
    const { values, positionals } = parseFlags(ctx.args, CLIENT_FLAGS);
    if (positionals.length === 0) throw new UsageError("no UNIT given");
    const api = await connect(values, ctx.env, ctx.cwd);
    const units = await api.listUnits();
    const { names, failures } = selectUnits(positionals, units.map((u) => u.name));
    const byName = new Map(units.map((u) => [u.name, u]));
    const shown = names.map((n) => ({ name: n, options: byName.get(n)!.options, text: unitText(n, byName.get(n)!.options) }));
    if (values.json) ctx.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    else if (shown.length === 1) ctx.stdout.write(shown[0]!.text);
    else ctx.stdout.write(shown.map((s) => `# ${s.name}\n${s.text}`).join("\n"));
    for (const f of failures) ctx.stderr.write(`hafen cat: ${f.unit}: ${f.message}\n`);
    return failures.length > 0 ? 1 : 0;
  },
});
