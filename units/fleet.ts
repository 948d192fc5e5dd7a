// The `[X-Fleet]` section, read into typed scheduling options with fleet's semantics
// (fleet job/job.go, api/units.go ValidateOptions) and stricter errors: where fleet
// silently ignores a malformed value (a metadata pair without '=', a bad glob, "Global=y"
// read as false) we refuse it with the line and what would be accepted.
//
// Values are read as systemd reads them (continuations joined), split as fleet splits
// them (quoted lists; Conflicts also on blanks), then specifiers are expanded for the
// unit's name. Templates (`web@.service`) are never scheduled, so their values stay
// unexpanded and name checks wait for an instance; fleet would expand %i to "".
//
// An empty assignment (`Conflicts=`) drops earlier values of that option, as in systemd;
// fleet would keep an empty value (and `MachineID=` would pin the unit to machine "").
import { effectiveValue } from "./syntax";
import { compileGlob } from "./glob";
import { assignmentsOf, type UnitFile } from "./model";
import { parseUnitName, type UnitName } from "./names";
import { excerpt, fail, ok, quoted, type Result, type UnitProblem, type UnitProblemCode } from "./problems";
import { splitQuotedList } from "./quoted-list";
import { expandSpecifiers } from "./specifiers";
import { checkCombinations } from "./fleet-rules";
import { readBoolean, readMachineId, readMachineOf, readMetadataPair } from "./fleet-values";

export const FLEET_SECTION = "X-Fleet";

export interface FleetOptions {
  /** `MachineID`: the full id of the only machine the unit may run on. */
  readonly machineId?: string;
  /** `MachineOf`: the unit runs only where this unit runs; unschedulable until it does. */
  readonly machineOf?: string;
  /**
   * `MachineMetadata`: every key must match (AND); a key given several times accepts any
   * of its values (OR). Empty when unrestricted.
   */
  readonly machineMetadata: Readonly<Record<string, readonly string[]>>;
  /** `Conflicts`: globs (Go path.Match) of units this one never shares a machine with, both ways. */
  readonly conflicts: readonly string[];
  /** `Global=true`: run on every machine that satisfies machineMetadata and conflicts. */
  readonly global: boolean;
  /** `Replaces`: globs of units this one displaces to other machines. */
  readonly replaces: readonly string[];
}

export type FleetOption = "MachineID" | "MachineOf" | "MachineMetadata" | "Conflicts" | "Global" | "Replaces";

/** Accepted keys: the current names and fleet's deprecated spellings. */
export const FLEET_KEYS: Readonly<Record<string, FleetOption>> = {
  MachineID: "MachineID",
  "X-ConditionMachineID": "MachineID",
  // fleet's oldest spelling; fleet reads it as a machine id too.
  "X-ConditionMachineBootID": "MachineID",
  MachineOf: "MachineOf",
  "X-ConditionMachineOf": "MachineOf",
  MachineMetadata: "MachineMetadata",
  "X-ConditionMachineMetadata": "MachineMetadata",
  Conflicts: "Conflicts",
  "X-Conflicts": "Conflicts",
  Global: "Global",
  Replaces: "Replaces",
};

/** One assignment after splitting and expansion. */
export interface Occurrence {
  readonly key: string;
  readonly line: number;
  readonly text: string;
  readonly items: readonly string[];
}

export type Occurrences = ReadonlyMap<FleetOption, readonly Occurrence[]>;

export interface FleetContext {
  readonly file: string;
  /** The unit's parsed name when valid; undefined for an invalid name. */
  readonly unit: UnitName | undefined;
  /** True when values were expanded and name checks apply (plain units and instances). */
  readonly concrete: boolean;
  readonly problems: UnitProblem[];
  report(code: UnitProblemCode, o: { line: number; text: string }, message: string): void;
}

/** Reads `[X-Fleet]` of `unit` for the unit called `name` (used for specifiers). */
export function parseFleetOptions(unit: UnitFile, name: string, file = name): Result<FleetOptions> {
  const parsed = parseUnitName(name);
  const unitName = parsed.ok ? parsed.value : undefined;
  const problems: UnitProblem[] = [];
  const ctx: FleetContext = {
    file,
    unit: unitName,
    concrete: unitName !== undefined && unitName.kind !== "template",
    problems,
    report: (code, o, message) => problems.push({ code, file, line: o.line, text: excerpt(o.text), message }),
  };
  const occ = collect(unit, ctx);
  const options = build(occ, ctx);
  checkCombinations(options, occ, ctx);
  return problems.length > 0 ? fail(...problems) : ok(options);
}

function collect(unit: UnitFile, ctx: FleetContext): Map<FleetOption, Occurrence[]> {
  const occ = new Map<FleetOption, Occurrence[]>();
  for (const a of assignmentsOf(unit, FLEET_SECTION)) {
    const at = { line: a.line ?? 0, text: `${a.key}=${a.value}` };
    const option = Object.hasOwn(FLEET_KEYS, a.key) ? FLEET_KEYS[a.key] : undefined;
    if (!option) {
      ctx.report("unknown-fleet-option", at, unknownKeyMessage(a.key));
      continue;
    }
    const value = effectiveValue(a.value);
    if (value === "") {
      occ.set(option, []);
      continue;
    }
    const list = splitQuotedList(value);
    if (!list.ok) {
      ctx.report("invalid-option-value", at, `${a.key}=${quoted(value, 60)}: ${list.reason}`);
      continue;
    }
    let items = list.items;
    if (option === "Conflicts") items = items.flatMap((x) => x.split(/\s+/).filter((w) => w !== ""));
    if (ctx.concrete && ctx.unit) {
      const u = ctx.unit;
      items = items.map((x) => expandSpecifiers(x, u));
    }
    occ.set(option, [...(occ.get(option) ?? []), { key: a.key, ...at, items }]);
  }
  return occ;
}

function unknownKeyMessage(key: string): string {
  const near = Object.keys(FLEET_KEYS).find((k) => k.toLowerCase() === key.toLowerCase());
  const hint = near ? ` (did you mean ${near}? keys are case-sensitive)` : "";
  return (
    `[X-Fleet] has no option ${quoted(key, 60)}${hint}; accepted: MachineID, MachineOf, MachineMetadata, Conflicts, ` +
    `Global, Replaces, and the deprecated X-ConditionMachineID, X-ConditionMachineOf, X-ConditionMachineMetadata, X-Conflicts`
  );
}

function build(occ: Occurrences, ctx: FleetContext): FleetOptions {
  const all = (o: FleetOption) => (occ.get(o) ?? []).flatMap((x) => x.items.map((item) => ({ item, at: x })));
  const metadata = new Map<string, string[]>();
  for (const { item, at } of all("MachineMetadata")) {
    const pair = readMetadataPair(item, at, ctx);
    if (!pair) continue;
    const values = metadata.get(pair.key) ?? [];
    if (!values.includes(pair.value)) values.push(pair.value);
    metadata.set(pair.key, values);
  }
  const globs = (o: FleetOption) =>
    all(o).filter(({ item, at }) => {
      const g = compileGlob(item);
      if (!g.ok) ctx.report("invalid-option-value", at, `${at.key}: glob ${quoted(item, 60)} is malformed: ${g.reason}; globs use *, ?, [a-z] and \\ as in fleet`);
      if (o === "Replaces" && /\s/.test(item)) {
        ctx.report("invalid-option-value", at, `${at.key}: ${quoted(item, 60)} contains a blank; give one unit name or glob per quoted item`);
        return false;
      }
      return g.ok;
    });
  const machineId = readMachineId(all("MachineID"), ctx);
  const machineOf = readMachineOf(all("MachineOf"), ctx);
  return {
    ...(machineId !== undefined ? { machineId } : {}),
    ...(machineOf !== undefined ? { machineOf } : {}),
    machineMetadata: Object.fromEntries(metadata),
    conflicts: unique(globs("Conflicts").map((x) => x.item)),
    global: readBoolean(occ.get("Global") ?? [], ctx),
    replaces: unique(globs("Replaces").map((x) => x.item)),
  };
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
