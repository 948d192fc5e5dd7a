// `hafen status [--lines N] UNIT...`: what fleet and the machine know about each unit —
// desired and current state, where it is scheduled, the systemd load/active/sub state
// each machine reports, why the engine could not place it, and its last journal lines.
// (fleetctl ran `systemctl status` over SSH; Hafen asks its API.) A journal that cannot
// be fetched is shown as such and does not fail the command: the state is the answer.
import { UsageError, type Command, type CommandContext } from "./command";
import { parseFlags } from "./flags";
import { clientCommand } from "./client/command-kit";
import { CLIENT_FLAGS, CLIENT_USAGE, connect, failureMessage } from "./client/connect";
import { byId, descriptionOf, mapLimit, shortId } from "./client/format";
import { selectUnits } from "./client/unit-args";
import { cleanCell } from "./client/table";
import type { ApiClient, FleetUnitState, HafenMachine, HafenUnit } from "../client/api";

const usage = `Usage: hafen status [--lines N] [--json] UNIT...

Shows each unit's desired and current state, its machine(s) with the systemd state
they report, the reason it is not scheduled (if so) and its last journal lines.
UNIT is a unit name or a glob such as 'web@*.service'.

  --lines N           journal lines per machine, 0 to 10000 (default 10)
${CLIENT_USAGE}`;

export interface MachineStatus {
  readonly id: string;
  readonly name?: string;
  readonly primaryIP?: string;
  readonly load?: string;
  readonly active?: string;
  readonly sub?: string;
  readonly journal?: readonly string[];
  readonly journalError?: string;
}

export interface UnitStatusView {
  readonly unit: string;
  readonly description?: string;
  readonly desiredState: string;
  readonly currentState: string;
  readonly hash: string;
  readonly reason?: string;
  readonly machines: readonly MachineStatus[];
}

function viewOf(u: HafenUnit, states: readonly FleetUnitState[], machines: ReadonlyMap<string, HafenMachine>): UnitStatusView {
  const reported = states.filter((s) => s.name === u.name);
  const ids = [...new Set([...u.machineIDs, ...reported.map((s) => s.machineID)])].sort();
  const desc = descriptionOf(u.options);
  return {
    unit: u.name,
    ...(desc !== undefined ? { description: desc } : {}),
    desiredState: u.desiredState,
    currentState: u.currentState ?? "inactive",
    hash: u.hash,
    ...(u.reason ? { reason: u.reason } : {}),
    machines: ids.map((id) => {
      const m = machines.get(id);
      const s = reported.find((r) => r.machineID === id);
      return { id, ...(m ? { name: m.name, primaryIP: m.primaryIP } : {}), ...(s ? { load: s.systemdLoadState, active: s.systemdActiveState, sub: s.systemdSubState } : {}) };
    }),
  };
}

async function withJournal(api: ApiClient, v: UnitStatusView, placed: ReadonlySet<string>, lines: number): Promise<UnitStatusView> {
  if (lines === 0) return v;
  const machines = await mapLimit(v.machines, 8, async (m): Promise<MachineStatus> => {
    if (!placed.has(m.id)) return m;
    try {
      return { ...m, journal: (await api.journal(v.unit, lines, m.id)).lines };
    } catch (err) {
      return { ...m, journalError: failureMessage(err).split("\n")[0]! };
    }
  });
  return { ...v, machines };
}

export function renderStatus(v: UnitStatusView): string {
  const out = [`● ${v.unit}${v.description ? ` - ${v.description}` : ""}`];
  const field = (label: string, value: string) => out.push(`${label.padStart(10)}: ${value}`);
  field("Desired", v.desiredState);
  field("Current", v.currentState);
  field("Hash", v.hash);
  if (v.reason) field("Reason", v.reason);
  if (v.machines.length === 0) field("Machine", "- (not scheduled)");
  for (const m of v.machines) {
    field("Machine", `${shortId(m.id, true)}${m.primaryIP ? `/${m.primaryIP}` : ""}${m.name ? ` (${m.name})` : ""}`);
    field("Loaded", m.load ?? "- (not reported)");
    field("Active", m.active ? `${m.active} (${m.sub ?? "-"})` : "-");
    if (m.journalError) out.push(`  journal unavailable: ${m.journalError}`);
    if (m.journal && m.journal.length > 0) out.push("", ...m.journal);
  }
  return `${out.map(cleanCell).join("\n")}\n`;
}

export const status: Command = clientCommand({
  words: ["status"],
  summary: "show units' states, machines and last journal lines",
  usage,
  async run(ctx: CommandContext): Promise<number> {
    const { values, positionals } = parseFlags(ctx.args, { ...CLIENT_FLAGS, lines: { type: "string" } });
    if (positionals.length === 0) throw new UsageError("no UNIT given");
    const linesText = values.lines ?? "10";
    const lines = /^[0-9]{1,5}$/.test(linesText) ? Number(linesText) : NaN;
    if (!(lines >= 0 && lines <= 10_000)) throw new UsageError(`--lines ${JSON.stringify(linesText)}: expected a whole number from 0 to 10000`);
    const api = await connect(values, ctx.env, ctx.cwd);
    const [units, states, machines] = await Promise.all([api.hafenUnits(), api.listStates(), api.hafenMachines()]);
    const byName = new Map(units.map((u) => [u.name, u]));
    const { names, failures } = selectUnits(positionals, units.map((u) => u.name));
    const views = await mapLimit(names, 8, (n) => {
      const u = byName.get(n)!;
      return withJournal(api, viewOf(u, states, byId(machines)), new Set(u.machineIDs), lines);
    });
    if (values.json) ctx.stdout.write(`${JSON.stringify(views, null, 2)}\n`);
    else ctx.stdout.write(views.map(renderStatus).join("\n"));
    for (const f of failures) ctx.stderr.write(`hafen status: ${f.unit}: ${f.message}\n`);
    return failures.length > 0 ? 1 : 0;
  },
});
