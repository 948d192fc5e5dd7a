// The fleet API's view of a unit: a flat list of `{section, name, value}` (fleet's
// schema.UnitOption). Comments and blank lines are not options; values are raw (see
// syntax.ts), exactly what fleetctl sends for the same file.
//
// fromOptions keeps the list's order exactly: a new section header starts whenever the
// section changes, so toOptions(fromOptions(list)) === list for every valid list, even
// one that interleaves sections (systemd merges repeated sections when it reads them).
import type { Assignment, Section, UnitFile } from "./model";
import { excerpt, fail, ok, quoted, type Result, type UnitProblem } from "./problems";
import { KEY_NAME, SECTION_NAME, valueProblem } from "./syntax";

export interface UnitOption {
  readonly section: string;
  readonly name: string;
  readonly value: string;
}

export function toOptions(unit: UnitFile): UnitOption[] {
  const out: UnitOption[] = [];
  for (const s of unit.sections) {
    for (const e of s.entries) {
      if (e.kind === "assignment") out.push({ section: s.name, name: e.key, value: e.value });
    }
  }
  return out;
}

/** Builds the model of an option list; every invalid option is reported as `options[i].field`. */
export function fromOptions(options: readonly UnitOption[], file = "<options>"): Result<UnitFile> {
  const problems = options.flatMap((o, i) => optionProblems(o, i, file));
  if (problems.length > 0) return fail(...problems);
  const sections: { name: string; entries: Assignment[] }[] = [];
  for (const o of options) {
    let current = sections[sections.length - 1];
    if (!current || current.name !== o.section) {
      current = { name: o.section, entries: [] };
      sections.push(current);
    }
    current.entries.push({ kind: "assignment", key: o.name, value: o.value });
  }
  return ok({ preamble: [], sections: sections as Section[] });
}

function optionProblems(o: UnitOption, i: number, file: string): UnitProblem[] {
  const out: UnitProblem[] = [];
  const report = (code: UnitProblem["code"], field: keyof UnitOption, message: string) =>
    out.push({ code, file, line: 0, text: excerpt(o[field]), message: `options[${i}].${field}: ${quoted(o[field], 60)} ${message}` });
  if (!SECTION_NAME.test(o.section)) report("invalid-section-name", "section", 'is not a section name; expected e.g. "Service" or "X-Fleet"');
  if (!KEY_NAME.test(o.name)) report("invalid-key", "name", 'is not an option name; expected letters, digits and "_.-", e.g. "ExecStart"');
  const why = valueProblem(o.value);
  if (why) report("invalid-option-value", "value", `cannot be a unit file value: ${why}`);
  return out;
}

/**
 * Checks that an untrusted JSON value (an API body's `options`) is an option list:
 * an array of objects with string `section`, `name` and `value`. Shape only; pass the
 * result to fromOptions for the content rules.
 */
export function readOptionList(json: unknown, field = "options", file = "<request>"): Result<UnitOption[]> {
  const bad = (path: string, message: string) =>
    ({ code: "invalid-option-list", file, line: 0, text: "", message: `${path}: ${message}` }) as const;
  if (!Array.isArray(json)) return fail(bad(field, `expected an array of {section, name, value}, got ${typeName(json)}`));
  const problems: UnitProblem[] = [];
  const out: UnitOption[] = [];
  json.forEach((item: unknown, i) => {
    const path = `${field}[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      problems.push(bad(path, `expected an object {section, name, value}, got ${typeName(item)}`));
      return;
    }
    const rec = item as Record<string, unknown>;
    const missing = ["section", "name", "value"].filter((k) => typeof rec[k] !== "string");
    for (const k of missing) problems.push(bad(`${path}.${k}`, `expected a string, got ${typeName(rec[k])}`));
    const extra = Object.keys(rec).filter((k) => !["section", "name", "value"].includes(k));
    for (const k of extra) problems.push(bad(`${path}.${k}`, "unknown field; an option has only section, name and value"));
    if (missing.length === 0) out.push({ section: rec.section as string, name: rec.name as string, value: rec.value as string });
  });
  return problems.length > 0 ? fail(...problems) : ok(out);
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}
