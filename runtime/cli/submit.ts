// `hafen submit UNIT...`: puts units into the cluster without scheduling them (fleet's
// desired state "inactive"), like `fleetctl submit`.
import { UsageError, type Command, type CommandContext } from "./command";
import { parseFlags } from "./flags";
import { clientCommand } from "./client/command-kit";
import { CLIENT_FLAGS, CLIENT_USAGE } from "./client/connect";
import { realDeps, type ChangeDeps } from "./client/change";
import { runCreate } from "./client/create";

const usage = `Usage: hafen submit [--replace] [--json] UNIT...

Submits unit files to the cluster (desired state inactive). UNIT is a unit file (its
name is the file's basename) or, for an instance such as web@1.service, a name whose
template web@.service is beside it or already in the cluster. Submitting different
contents under an existing name is refused without --replace.

  --replace           replace units whose contents differ (they keep their state;
                      a running unit restarts with the new contents)
${CLIENT_USAGE}`;

export function makeSubmit(deps: ChangeDeps = realDeps): Command {
  return clientCommand({
    words: ["submit"],
    summary: "submit unit files to the cluster",
    usage,
    async run(ctx: CommandContext): Promise<number> {
      const { values, positionals } = parseFlags(ctx.args, { ...CLIENT_FLAGS, replace: { type: "boolean" } });
      if (positionals.length === 0) throw new UsageError("no UNIT given");
      return runCreate(ctx, "submit", values, positionals, deps);
    },
  });
}

export const submit = makeSubmit();
