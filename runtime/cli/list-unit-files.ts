// `hafen list-unit-files [--fields F,...] [--full] [--no-legend] [--json]`: the units
// the cluster holds and their desired and current states, like `fleetctl
// list-unit-files`. Read through fleet's own paginated /fleet/v1/units, so it lists
// every unit however many pages that takes.
import { UsageError, type Command, type CommandContext } from "./command";
import { parseFlags } from "./flags";
import { clientCommand } from "./client/command-kit";
import { CLIENT_FLAGS, CLIENT_USAGE, connect } from "./client/connect";
import { byId, descriptionOf, isGlobalUnit, machineLabel, type MachineInfo } from "./client/format";
import { parseFields, renderTable } from "./client/table";
import { hashOptions, shortHash } from "../../units";
import type { FleetUnit } from "../client/api";

const FIELDS = ["unit", "hash", "dstate", "state", "target", "global", "desc"] as const;
type Field = (typeof FIELDS)[number];
const DEFAULT_FIELDS: readonly Field[] = ["unit", "hash", "dstate", "state", "target"];

const usage = `Usage: hafen list-unit-files [--fields F,...] [-l|--full] [--no-legend] [--json]

Lists the units in the cluster: content hash, desired state (DSTATE), current state
(STATE) and the machine they are scheduled to (TARGET; "global" for global units).

  --fields F,...      columns to show, from ${FIELDS.join(", ")}
                      (default ${DEFAULT_FIELDS.join(",")})
  -l, --full          whole hashes and machine ids
  --no-legend         leave out the header row
${CLIENT_USAGE}`;

function cell(u: FleetUnit, f: Field, machines: ReadonlyMap<string, MachineInfo>, full: boolean): string {
  const global = isGlobalUnit(u.options);
  switch (f) {
    case "unit":
      return u.name;
    case "hash": {
      const h = hashOptions(u.options);
      return full ? h : shortHash(h);
    }
    case "dstate":
      return u.desiredState;
    case "state":
      return global ? "-" : u.currentState ?? "-";
    case "target":
      return global ? "global" : u.machineID ? machineLabel(u.machineID, machines, full) : "-";
    case "global":
      return global ? "true" : "false";
    case "desc":
      return descriptionOf(u.options) ?? "-";
    default: {
      const _never: never = f;
      return _never;
    }
  }
}

export const listUnitFiles: Command = clientCommand({
  words: ["list-unit-files"],
  summary: "list the units in the cluster and their states",
  usage,
  async run(ctx: CommandContext): Promise<number> {
    const flags = { ...CLIENT_FLAGS, fields: { type: "string" }, full: { type: "boolean", short: "l" }, "no-legend": { type: "boolean" } } as const;
    const { values, positionals } = parseFlags(ctx.args, flags);
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}; list-unit-files takes none`);
    const chosen = values.fields !== undefined ? parseFields(values.fields, FIELDS) : undefined;
    if (chosen && !chosen.ok) throw new UsageError(chosen.message);
    const api = await connect(values, ctx.env, ctx.cwd);
    const units = (await api.listUnits()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (values.json) {
      const out = units.map((u) => ({ name: u.name, hash: hashOptions(u.options), desiredState: u.desiredState, currentState: u.currentState, machineID: u.machineID, global: isGlobalUnit(u.options), options: u.options }));
      ctx.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    }
    const fields = chosen?.fields ?? DEFAULT_FIELDS;
    const needMachines = fields.includes("target") && units.some((u) => u.machineID);
    const machines = needMachines ? byId(await api.listMachines()) : new Map<string, MachineInfo>();
    const full = values.full === true;
    ctx.stdout.write(renderTable(fields.map((f) => f.toUpperCase()), units.map((u) => fields.map((f) => cell(u, f, machines, full))), { legend: !values["no-legend"] }));
    return 0;
  },
});
