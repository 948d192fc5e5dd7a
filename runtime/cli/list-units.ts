// `hafen list-units [--fields F,...] [--full] [--no-legend] [--json]`: where units run
// and their systemd states, like `fleetctl list-units`, one row per unit and machine.
// Hafen adds units that are not placed (MACHINE "-") with the engine's REASON, and units
// still reported by a machine after they were destroyed. Templates are never listed
// here (they are in list-unit-files).
import { UsageError, type Command, type CommandContext } from "./command";
import { parseFlags } from "./flags";
import { clientCommand } from "./client/command-kit";
import { CLIENT_FLAGS, CLIENT_USAGE, connect } from "./client/connect";
import { byId, machineLabel, type MachineInfo } from "./client/format";
import { isTemplateName } from "./client/plan";
import { parseFields, renderTable } from "./client/table";
import { shortHash } from "../../units";
import type { FleetUnitState, HafenUnit } from "../client/api";

const FIELDS = ["unit", "machine", "load", "active", "sub", "hash", "dstate", "reason"] as const;
type Field = (typeof FIELDS)[number];

const usage = `Usage: hafen list-units [--fields F,...] [-l|--full] [--no-legend] [--json]

Lists the units in the cluster with the machine running them and their systemd
state; units the engine could not place show why in REASON.

  --fields F,...      columns to show, from ${FIELDS.join(", ")}
                      (default unit,machine,active,sub, plus reason when any unit has one)
  -l, --full          whole machine ids and hashes
  --no-legend         leave out the header row
${CLIENT_USAGE}`;

export interface UnitRow {
  readonly unit: string;
  readonly machineID?: string;
  readonly load?: string;
  readonly active?: string;
  readonly sub?: string;
  readonly hash: string;
  readonly desiredState?: string;
  readonly reason?: string;
}

/** One row per (unit, reporting machine); unplaced units get one row without a machine. */
export function unitRows(units: readonly HafenUnit[], states: readonly FleetUnitState[]): UnitRow[] {
  const byUnit = new Map<string, FleetUnitState[]>();
  for (const s of states) byUnit.set(s.name, [...(byUnit.get(s.name) ?? []), s]);
  const names = new Set([...units.map((u) => u.name), ...byUnit.keys()]);
  const unitOf = new Map(units.map((u) => [u.name, u]));
  const rows: UnitRow[] = [];
  for (const name of [...names].sort()) {
    if (isTemplateName(name)) continue;
    const u = unitOf.get(name);
    const common = { unit: name, ...(u ? { desiredState: u.desiredState } : {}), ...(u?.reason ? { reason: u.reason } : {}) };
    const reported = (byUnit.get(name) ?? []).sort((a, b) => (a.machineID < b.machineID ? -1 : 1));
    for (const s of reported) rows.push({ ...common, machineID: s.machineID, load: s.systemdLoadState, active: s.systemdActiveState, sub: s.systemdSubState, hash: s.hash });
    if (reported.length > 0 || !u) continue;
    // Placed but not reported yet, or not placed at all.
    const placed = u.machineIDs.length > 0 ? u.machineIDs : [undefined];
    for (const m of placed) rows.push({ ...common, hash: u.hash, ...(m ? { machineID: m } : {}) });
  }
  return rows;
}

function cell(r: UnitRow, f: Field, machines: ReadonlyMap<string, MachineInfo>, full: boolean): string {
  switch (f) {
    case "unit":
      return r.unit;
    case "machine":
      return r.machineID ? machineLabel(r.machineID, machines, full) : "-";
    case "load":
      return r.load ?? "-";
    case "active":
      return r.active ?? "-";
    case "sub":
      return r.sub ?? "-";
    case "hash":
      return full ? r.hash : shortHash(r.hash);
    case "dstate":
      return r.desiredState ?? "-";
    case "reason":
      return r.reason ?? "-";
    default: {
      const _never: never = f;
      return _never;
    }
  }
}

export const listUnits: Command = clientCommand({
  words: ["list-units"],
  summary: "list units, where they run and their state",
  usage,
  async run(ctx: CommandContext): Promise<number> {
    const flags = { ...CLIENT_FLAGS, fields: { type: "string" }, full: { type: "boolean", short: "l" }, "no-legend": { type: "boolean" } } as const;
    const { values, positionals } = parseFlags(ctx.args, flags);
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}; list-units takes none`);
    const chosen = values.fields !== undefined ? parseFields(values.fields, FIELDS) : undefined;
    if (chosen && !chosen.ok) throw new UsageError(chosen.message);
    const api = await connect(values, ctx.env, ctx.cwd);
    const [units, states, machines] = await Promise.all([api.hafenUnits(), api.listStates(), api.hafenMachines()]);
    const rows = unitRows(units, states);
    const byMachine = byId(machines);
    if (values.json) {
      const out = rows.map((r) => ({ ...r, ...(r.machineID && byMachine.get(r.machineID) ? { machineIP: byMachine.get(r.machineID)!.primaryIP } : {}) }));
      ctx.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    }
    const fields: readonly Field[] = chosen?.fields ?? ["unit", "machine", "active", "sub", ...(rows.some((r) => r.reason) ? (["reason"] as const) : [])];
    const full = values.full === true;
    const table = rows.map((r) => fields.map((f) => cell(r, f, byMachine, full)));
    ctx.stdout.write(renderTable(fields.map((f) => f.toUpperCase()), table, { legend: !values["no-legend"] }));
    return 0;
  },
});
