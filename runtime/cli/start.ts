// `hafen start UNIT...`: like `fleetctl start` — units become launched, submitted first
// when the cluster does not hold them yet.
import { UsageError, type Command, type CommandContext } from "./command";
import { parseFlags } from "./flags";
import { clientCommand } from "./client/command-kit";
import { CLIENT_USAGE } from "./client/connect";
import { CHANGE_FLAGS, CHANGE_USAGE, realDeps, type ChangeDeps } from "./client/change";
import { runCreate } from "./client/create";

const usage = `Usage: hafen start [--replace] [--no-block] [--json] UNIT...

Starts units (desired state launched), submitting them first when needed, and waits
until every unit runs, or reports why it cannot be scheduled or failed.
UNIT is a unit file (its name is the file's basename), a unit already in the cluster,
or an instance such as web@1.service of a template beside it or in the cluster.

  --replace           replace units whose contents differ from the files given
${CHANGE_USAGE}
${CLIENT_USAGE}`;

export function makeStart(deps: ChangeDeps = realDeps): Command {
  return clientCommand({
    words: ["start"],
    summary: "schedule and start units",
    usage,
    async run(ctx: CommandContext): Promise<number> {
      const { values, positionals } = parseFlags(ctx.args, { ...CHANGE_FLAGS, replace: { type: "boolean" } });
      if (positionals.length === 0) throw new UsageError("no UNIT given");
      return runCreate(ctx, "start", values, positionals, deps);
    },
  });
}

export const start = makeStart();
