// From stored records to what decide() reads: a unit's option list becomes its Rules
// through the unit layer's `[X-Fleet]` reader (aliases, quoted lists, specifiers expanded
// for the unit's own name, fleet's refused combinations), and a machine's announced
// metadata is overlaid with its PATCHed overrides.
import { fromOptions, parseFleetOptions, parseUnitName, type UnitProblem } from "../../units";
import type { MachineRecord, UnitRecord } from "../cluster/records";
import type { Rules, SchedMachine, SchedUnit } from "./model";
import { mergeMetadata } from "../cluster/registry";

/** How many of a unit's problems its unschedulable reason quotes. */
const PROBLEMS_QUOTED = 2;

export function schedUnit(record: UnitRecord): SchedUnit {
  const { name, desiredState } = record;
  const invalid = (problem: string): SchedUnit => ({ kind: "invalid", name, desiredState, problem });
  const parsedName = parseUnitName(name);
  if (!parsedName.ok) return invalid(describe(parsedName.problems));
  if (parsedName.value.kind === "template") {
    return invalid(`${name} is a template; templates are never scheduled, start an instance such as ${parsedName.value.prefix}@1.${parsedName.value.type}`);
  }
  const file = fromOptions(record.options, name);
  if (!file.ok) return invalid(describe(file.problems));
  const fleet = parseFleetOptions(file.value, name);
  if (!fleet.ok) return invalid(describe(fleet.problems));
  const o = fleet.value;
  const rules: Rules = {
    ...(o.machineId !== undefined ? { machineId: o.machineId } : {}),
    machineOf: o.machineOf !== undefined ? [o.machineOf] : [],
    metadata: o.machineMetadata,
    conflicts: o.conflicts,
    replaces: o.replaces,
    global: o.global,
  };
  return { kind: "valid", name, desiredState, rules };
}

/** Announced metadata with the operator's overrides on top (fleet: PATCH wins). */
export function schedMachine(record: MachineRecord, overrides: Readonly<Record<string, string>> | undefined): SchedMachine {
  return { id: record.id, metadata: overrides ? mergeMetadata(record.metadata, overrides) : record.metadata };
}

function describe(problems: readonly UnitProblem[]): string {
  const errors = problems.filter((p) => (p.severity ?? "error") === "error");
  const shown = (errors.length > 0 ? errors : problems).slice(0, PROBLEMS_QUOTED);
  const more = problems.length - shown.length;
  const text = shown.map((p) => (p.line > 0 ? `line ${p.line}: ${p.message}` : p.message)).join("; ");
  return more > 0 ? `${text} (and ${more} more)` : text;
}
