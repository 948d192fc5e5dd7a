// `hafen local start MACHINE`: boots a killed or stopped machine again, same id and files.
import { resolve } from "node:path";
import type { Command, CommandContext } from "./command";
import { UsageError } from "./command";
import { parseFlags } from "./flags";
import { localStart, defaultClusterDir } from "../local";

const usage = `Usage: hafen local start MACHINE [--dir DIR] [--json]`;

async function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(ctx.args, { dir: { type: "string" }, json: { type: "boolean" } });
  if (positionals.length !== 1) throw new UsageError("expected exactly one MACHINE");
  const dir = resolve(ctx.cwd, values.dir ?? defaultClusterDir(ctx.env));
  const r = await localStart(dir, positionals[0]!);
  ctx.stdout.write(values.json ? `${JSON.stringify(r)}\n` : `started ${r.name} (pid ${r.pid})\n`);
  return 0;
}

export const localStartCommand: Command = { words: ["local", "start"], summary: "boot a stopped local machine again", usage, run };
