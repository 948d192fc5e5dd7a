// `hafen list-machines [-l|--full] [--no-legend] [--json]`: the machines registered
// in the cluster, like `fleetctl list-machines`, plus Hafen's NAME and ROLE.
import type { Command, CommandContext } from "./command";
import { parseFlags } from "./flags";
import { UsageError } from "./command";
import { clientCommand } from "./client/command-kit";
import { CLIENT_FLAGS, CLIENT_USAGE, connect } from "./client/connect";
import { metadataText, shortId } from "./client/format";
import { renderTable } from "./client/table";
import type { HafenMachine } from "../client/api";

const usage = `Usage: hafen list-machines [-l|--full] [--no-legend] [--json]

Lists the machines in the cluster: id, name, primary IP, metadata and role.

  -l, --full          show whole machine ids
  --no-legend         leave out the header row
${CLIENT_USAGE}`;

export function machineRows(machines: readonly HafenMachine[], full: boolean): string[][] {
  return machines.map((m) => [shortId(m.id, full), m.name, m.primaryIP, metadataText(m.metadata), m.role]);
}

export const listMachines: Command = clientCommand({
  words: ["list-machines"],
  summary: "list the machines in the cluster",
  usage,
  async run(ctx: CommandContext): Promise<number> {
    const { values, positionals } = parseFlags(ctx.args, { ...CLIENT_FLAGS, full: { type: "boolean", short: "l" }, "no-legend": { type: "boolean" } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}; list-machines takes none`);
    const api = await connect(values, ctx.env, ctx.cwd);
    const machines = await api.hafenMachines();
    if (values.json) {
      const rows = machines.map((m) => ({ id: m.id, name: m.name, primaryIP: m.primaryIP, metadata: m.metadata, role: m.role, version: m.version }));
      ctx.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    ctx.stdout.write(renderTable(["MACHINE", "NAME", "IP", "METADATA", "ROLE"], machineRows(machines, values.full === true), { legend: !values["no-legend"] }));
    return 0;
  },
});
