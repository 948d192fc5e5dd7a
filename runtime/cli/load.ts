// `hafen load UNIT...`: like `fleetctl load` — units become loaded, submitted first
// when the cluster does not hold them yet.
import { UsageError, type Command, type CommandContext } from "./command";
import { parseFlags } from "./flags";
import { clientCommand } from "./client/command-kit";
import { CLIENT_USAGE } from "./client/connect";
import { CHANGE_FLAGS, CHANGE_USAGE, realDeps, type ChangeDeps } from "./client/change";
import { runCreate } from "./client/create";

const usage = `Usage: hafen load [--replace] [--no-block] [--json] UNIT...

Loads units on machines (desired state loaded) without starting them, submitting them
first when needed. Waits until every unit is loaded.
UNIT is a unit file (its name is the file's basename), a unit already in the cluster,
or an instance such as web@1.service of a template beside it or in the cluster.

  --replace           replace units whose contents differ from the files given
${CHANGE_USAGE}
${CLIENT_USAGE}`;

export function makeLoad(deps: ChangeDeps = realDeps): Command {
  return clientCommand({
    words: ["load"],
    summary: "schedule units to machines and load them, without starting",
    usage,
    async run(ctx: CommandContext): Promise<number> {
      const { values, positionals } = parseFlags(ctx.args, { ...CHANGE_FLAGS, replace: { type: "boolean" } });
      if (positionals.length === 0) throw new UsageError("no UNIT given");
      return runCreate(ctx, "load", values, positionals, deps);
    },
  });
}

export const load = makeLoad();
