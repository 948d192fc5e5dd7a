// `hafen unload UNIT...`: like `fleetctl unload`, on units already in the cluster, named or
// matched by globs.
import { UsageError, type Command, type CommandContext } from "./command";
import { parseFlags } from "./flags";
import { clientCommand } from "./client/command-kit";
import { CLIENT_USAGE } from "./client/connect";
import { CHANGE_FLAGS, CHANGE_USAGE, realDeps, type ChangeDeps } from "./client/change";
import { runExisting } from "./client/existing";

const usage = `Usage: hafen unload [--no-block] [--json] UNIT...

Unloads units (desired state inactive) and waits until no machine reports them.
UNIT is a unit name (a path's basename is used) or a glob such as 'web@*.service'
matched against the units in the cluster (quote it so the shell leaves it alone).

${CHANGE_USAGE}
${CLIENT_USAGE}`;

export function makeUnload(deps: ChangeDeps = realDeps): Command {
  return clientCommand({
    words: ["unload"],
    summary: "stop units and unload them from their machines",
    usage,
    async run(ctx: CommandContext): Promise<number> {
      const { values, positionals } = parseFlags(ctx.args, CHANGE_FLAGS);
      if (positionals.length === 0) throw new UsageError("no UNIT given");
      return runExisting(ctx, "unload", values, positionals, deps);
    },
  });
}

export const unload = makeUnload();
