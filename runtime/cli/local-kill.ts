// `hafen local kill MACHINE`: simulates a dead machine — SIGKILL to its whole process tree.
import { resolve } from "node:path";
import type { Command, CommandContext } from "./command";
import { UsageError } from "./command";
import { parseFlags } from "./flags";
import { localKill, defaultClusterDir } from "../local";

const usage = `Usage: hafen local kill MACHINE [--dir DIR] [--json]

MACHINE is a name (m1…) or a full machine id.`;

async function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(ctx.args, { dir: { type: "string" }, json: { type: "boolean" } });
  if (positionals.length !== 1) throw new UsageError("expected exactly one MACHINE");
  const dir = resolve(ctx.cwd, values.dir ?? defaultClusterDir(ctx.env));
  const r = await localKill(dir, positionals[0]!);
  ctx.stdout.write(values.json ? `${JSON.stringify(r)}\n` : `killed ${r.name} (${r.killed} processes)\n`);
  return 0;
}

export const localKillCommand: Command = { words: ["local", "kill"], summary: "kill -9 a local machine's process tree", usage, run };
