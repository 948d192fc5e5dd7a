// `hafen discovery new [--size N] URL`: asks a discovery service for a fresh token and
// prints the token URL (what etcd's --discovery flag takes), like
// `curl https://discovery.etcd.io/new?size=N`.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError, type Command, type CommandContext } from "./command";
import { parseFlags } from "./flags";
import { createToken } from "../discovery/client";
import { MAX_SIZE } from "../discovery/request";

const usage = `Usage: hafen discovery new [--size N] [--ca FILE] URL

Prints a new token URL from the discovery service at URL (http(s)://host[:port]).

  --size N     members of the cluster the token is for, 1 to ${MAX_SIZE} (default 3)
  --ca FILE    PEM CA certificate to trust for an https service with a private CA`;

export const discoveryNew: Command = {
  words: ["discovery", "new"],
  summary: "get a new token URL from a discovery service",
  usage,
  async run(ctx: CommandContext): Promise<number> {
    const { values, positionals } = parseFlags(ctx.args, { size: { type: "string" }, ca: { type: "string" } });
    if (positionals.length !== 1) throw new UsageError("expected exactly one URL, the discovery service's base URL");
    const sizeText = values.size ?? "3";
    const size = /^[0-9]{1,3}$/.test(sizeText) ? Number(sizeText) : 0;
    if (size < 1 || size > MAX_SIZE) throw new UsageError(`--size ${JSON.stringify(sizeText)}: expected a whole number from 1 to ${MAX_SIZE}`);
    let ca: Buffer | undefined;
    if (values.ca !== undefined) {
      try {
        ca = readFileSync(resolve(ctx.cwd, values.ca));
      } catch (err) {
        throw new UsageError(`--ca ${values.ca}: ${(err as Error).message}`);
      }
    }
    const made = await createToken(positionals[0]!, size, ca ? { ca } : {});
    if (!made.ok) {
      ctx.stderr.write(`hafen discovery new: ${made.error.kind}: ${made.error.message}\n`);
      return 1;
    }
    ctx.stdout.write(`${made.value}\n`);
    return 0;
  },
};
