// Turns a Unit's `contents` (or `options`) into the fleet options the provider submits,
// with Hafen's unit lint: errors name the line ("line 4: conflicting-fleet-options: …").
// Runs in the program (at construction for plain values, in `apply` for Outputs), never
// in the serialised provider (inputs.ts says why).
import { fromOptions, isError, lintUnit, lintUnitFile, parseUnit, readOptionList, toOptions, type UnitOption } from "../../units";
import type { InputFailure } from "./inputs";

/** Lint codes about the unit's name rather than its text. */
const NAME_CODES: readonly string[] = ["invalid-unit-name", "unknown-unit-type"];

export function optionsFromContents(name: string, contents: string): { options?: UnitOption[]; failures: InputFailure[] } {
  const errors = lintUnit(name, contents).filter(isError);
  if (errors.length) {
    return { failures: errors.map((e) => ({ property: NAME_CODES.includes(e.code) ? "name" : "contents", reason: `${e.line > 0 ? `line ${e.line}: ` : ""}${e.code}: ${e.message}` })) };
  }
  const parsed = parseUnit(contents, name);
  return parsed.ok ? { options: toOptions(parsed.value), failures: [] } : { failures: parsed.problems.map((e) => ({ property: "contents", reason: `line ${e.line}: ${e.message}` })) };
}

export function checkOptionList(name: string, v: unknown): { options?: UnitOption[]; failures: InputFailure[] } {
  const list = readOptionList(v, "options");
  if (!list.ok) return { failures: list.problems.map((p) => ({ property: "options", reason: p.message })) };
  const model = fromOptions(list.value);
  if (!model.ok) return { failures: model.problems.map((p) => ({ property: "options", reason: p.message })) };
  const errors = lintUnitFile(name, model.value).filter(isError);
  return errors.length ? { failures: errors.map((p) => ({ property: NAME_CODES.includes(p.code) ? "name" : "options", reason: `${p.code}: ${p.message}` })) } : { options: list.value, failures: [] };
}

/** The options to submit for a unit given as exactly one of contents and options. */
export function unitOptions(name: unknown, contents: unknown, options: unknown): { options?: UnitOption[]; failures: InputFailure[] } {
  if (typeof name !== "string" || name === "") return { failures: [{ property: "name", reason: 'expected a unit name such as "web@1.service"' }] };
  if ((contents === undefined) === (options === undefined)) {
    return { failures: [{ property: contents === undefined ? "contents" : "options", reason: "give exactly one of contents (unit file text) and options (fleet UnitOptions)" }] };
  }
  if (contents !== undefined) {
    return typeof contents === "string" ? optionsFromContents(name, contents) : { failures: [{ property: "contents", reason: "expected the unit file text" }] };
  }
  return checkOptionList(name, options);
}
