// From stored records to what decide() reads: a unit's option list becomes its Rules
// through the unit layer's `[X-Fleet]` reader (aliases, quoted lists, specifiers expanded
// for the unit's own name, fleet's refused combinations), and a machine's announced
// metadata is overlaid with its PATCHed overrides.
import { FLEET_SECTION, fromOptions, parseFleetOptions, parseUnitName, type UnitProblem } from "../../units";
import type { MachineRecord, UnitRecord } from "../cluster/records";
import type { Rules, SchedMachine, SchedUnit } from "./model";
import { mergeMetadata } from "../cluster/registry";

/** How many of a unit's problems its unschedulable reason quotes. */
const PROBLEMS_QUOTED = 2;

/**
 * Rules already read, by option list. A deployment is mostly copies — instances of one
 * template, 2,000 units of one file — and reading `[X-Fleet]` is most of what a unit
 * costs the mirror, so each distinct option list is read once. Only readings that cannot
 * depend on the unit's name are kept. The name enters in three ways: specifiers (so no
 * `%` may appear in any `[X-Fleet]` value), and the refusals of a `MachineOf` naming the
 * unit itself and of a `Replaces` glob matching it (so rules with either are not kept).
 * Invalid units are not kept either. Keyed by the options' own text, not the record's
 * hash, which a damaged record could get wrong. Bounded: past `limit` it starts over.
 * A property test (rules-cache.test.ts) checks that the cache never changes an answer.
 */
export class RulesCache {
  private readonly byOptions = new Map<string, Rules>();
  hits = 0;

  constructor(private readonly limit = 4096) {}

  /** The key for `options`, or undefined when their rules may depend on the unit's name. */
  keyOf(options: UnitRecord["options"]): string | undefined {
    for (const o of options) if (o.section === FLEET_SECTION && o.value.includes("%")) return undefined;
    return JSON.stringify(options.map((o) => [o.section, o.name, o.value]));
  }

  get(key: string): Rules | undefined {
    const r = this.byOptions.get(key);
    if (r) this.hits++;
    return r;
  }

  /** Keeps valid rules that hold whatever the unit's name (see above). */
  remember(key: string, rules: Rules): void {
    if (rules.machineOf.length > 0 || rules.replaces.length > 0) return;
    if (this.byOptions.size >= this.limit) this.byOptions.clear();
    this.byOptions.set(key, rules);
  }

  get size(): number {
    return this.byOptions.size;
  }
}

export function schedUnit(record: UnitRecord, cache?: RulesCache): SchedUnit {
  const { name, desiredState } = record;
  const invalid = (problem: string): SchedUnit => ({ kind: "invalid", name, desiredState, problem });
  const parsedName = parseUnitName(name);
  if (!parsedName.ok) return invalid(describe(parsedName.problems));
  if (parsedName.value.kind === "template") {
    return invalid(`${name} is a template; templates are never scheduled, start an instance such as ${parsedName.value.prefix}@1.${parsedName.value.type}`);
  }
  const key = cache?.keyOf(record.options);
  const known = key !== undefined ? cache!.get(key) : undefined;
  if (known) return { kind: "valid", name, desiredState, rules: known };
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
  if (key !== undefined) cache!.remember(key, rules);
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
