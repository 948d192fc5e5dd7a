// `hafen local status`: which processes of a local cluster run and which machines are registered.
import { resolve } from "node:path";
import type { Command, CommandContext } from "./command";
import { parseFlags } from "./flags";
import { localStatus, defaultClusterDir } from "../local";

const usage = `Usage: hafen local status [--dir DIR] [--json]`;

async function run(ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(ctx.args, { dir: { type: "string" }, json: { type: "boolean" } });
  const dir = resolve(ctx.cwd, values.dir ?? defaultClusterDir(ctx.env));
  const s = await localStatus(dir);
  if (values.json) {
    const { adminToken: _secret, ...shown } = s;
    ctx.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    return 0;
  }
  const rows = [["MACHINE", "ID", "ROLE", "PROCESS", "REGISTERED"]];
  for (const m of s.machines) rows.push([m.name, m.id, m.role, m.running ? `running (pid ${m.pid})` : "stopped", m.registered ? "yes" : "no"]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  ctx.stdout.write(
    `Local cluster in ${dir}: API ${s.endpoint}, ${s.store} store, discovery ${s.discoveryRunning ? "running" : "stopped"}\n` +
      rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n") +
      "\n",
  );
  return 0;
}

export const localStatusCommand: Command = { words: ["local", "status"], summary: "show a local cluster's processes and machines", usage, run };
