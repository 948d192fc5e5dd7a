// `hafen local down`: stops every process a local cluster started (verified by pid and
// start time); --purge also deletes its directory.
import { resolve } from "node:path";
import type { Command, CommandContext } from "./command";
import { parseFlags } from "./flags";
import { localDown, defaultClusterDir } from "../local";

const usage = `Usage: hafen local down [--dir DIR] [--purge] [--json]`;

async function run(ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(ctx.args, { dir: { type: "string" }, purge: { type: "boolean" }, json: { type: "boolean" } });
  const dir = resolve(ctx.cwd, values.dir ?? defaultClusterDir(ctx.env));
  const r = await localDown(dir, { purge: values.purge ?? false });
  if (values.json) ctx.stdout.write(`${JSON.stringify(r)}\n`);
  else {
    ctx.stdout.write(r.stopped.length ? `stopped ${r.stopped.join(", ")}\n` : "nothing was running\n");
    if (r.stillListening.length) ctx.stderr.write(`note: ports ${r.stillListening.join(", ")} are in use by other processes now\n`);
    if (r.purged) ctx.stdout.write(`removed ${dir}\n`);
  }
  return 0;
}

export const localDownCommand: Command = { words: ["local", "down"], summary: "stop a local cluster", usage, run };
