// The in-memory form of a unit file. It keeps everything needed to write the file back
// (comments, blank lines, repeated sections, raw continued values), so
// serializeUnit(parseUnit(x)) changes nothing but normalisations (line endings, BOM,
// indentation), and parseUnit(serializeUnit(m)) gives back m for every valid m.
// `line` fields are positions from the parser (1-based); models built in code omit them.
import { effectiveValue } from "./syntax";

export interface Blank {
  readonly kind: "blank";
  readonly line?: number;
}

export interface Comment {
  readonly kind: "comment";
  /** The comment as written, starting with '#' or ';' (leading blanks dropped). */
  readonly text: string;
  readonly line?: number;
}

export interface Assignment {
  readonly kind: "assignment";
  readonly key: string;
  /**
   * The raw value (see syntax.ts): a continued value keeps its backslashes and its
   * physical lines joined by "\n", as fleet carries it. `""` is an empty assignment,
   * which resets list options in systemd. Use effectiveValue() for what systemd reads.
   */
  readonly value: string;
  readonly line?: number;
}

export type Trivia = Blank | Comment;
export type Entry = Trivia | Assignment;

export interface Section {
  readonly name: string;
  readonly entries: readonly Entry[];
  readonly line?: number;
}

export interface UnitFile {
  /** Comments and blank lines before the first section header. */
  readonly preamble: readonly Trivia[];
  /** In file order; a name may repeat (systemd merges repeated sections). */
  readonly sections: readonly Section[];
}

export const EMPTY_UNIT: UnitFile = { preamble: [], sections: [] };

/** Every assignment of `key` in all sections named `section`, in file order. */
export function assignmentsOf(unit: UnitFile, section: string, key?: string): Assignment[] {
  const out: Assignment[] = [];
  for (const s of unit.sections) {
    if (s.name !== section) continue;
    for (const e of s.entries) {
      if (e.kind === "assignment" && (key === undefined || e.key === key)) out.push(e);
    }
  }
  return out;
}

/**
 * A list option as systemd builds it (`ExecStartPre`, `Environment`, ...): effective
 * values in order, where an empty assignment drops everything assigned before it.
 */
export function listValues(unit: UnitFile, section: string, key: string): string[] {
  let values: string[] = [];
  for (const a of assignmentsOf(unit, section, key)) {
    const v = effectiveValue(a.value);
    if (v === "") values = [];
    else values.push(v);
  }
  return values;
}

/**
 * A single-valued option (`Type`, `Restart`, ...): the last assignment wins; an empty
 * last assignment means "back to the default" and gives undefined.
 */
export function lastValue(unit: UnitFile, section: string, key: string): string | undefined {
  const all = assignmentsOf(unit, section, key);
  const last = all[all.length - 1];
  if (!last) return undefined;
  const v = effectiveValue(last.value);
  return v === "" ? undefined : v;
}

/** The same model without parser positions, for comparing a parsed model with a built one. */
export function withoutPositions(unit: UnitFile): UnitFile {
  const strip = <E extends Entry>(e: E): E => {
    const { line: _line, ...rest } = e;
    return rest as E;
  };
  return {
    preamble: unit.preamble.map(strip),
    sections: unit.sections.map((s) => ({ name: s.name, entries: s.entries.map(strip) })),
  };
}
