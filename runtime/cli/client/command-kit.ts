// Wraps a client command so any failure that is not a usage error is printed the same
// way everywhere — `hafen VERB: message` plus a hint (connect.ts) — with exit code 1.
import { UsageError, type Command, type CommandContext } from "../command";
import { failureMessage } from "./connect";

export function clientCommand(def: Command): Command {
  return {
    ...def,
    async run(ctx: CommandContext): Promise<number> {
      try {
        return await def.run(ctx);
      } catch (err) {
        if (err instanceof UsageError) throw err;
        ctx.stderr.write(`hafen ${def.words.join(" ")}: ${failureMessage(err).replace(/\n/g, "\n  ")}\n`);
        return 1;
      }
    },
  };
}
