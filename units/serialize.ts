// Writes a UnitFile back to text: one entry per line, LF line endings, no BOM, keys
// written `Key=value` without blanks around '='. For every model validateUnit() accepts,
// parseUnit(serializeUnit(m)) equals m (positions aside); for any parsed file,
// serializing is a fixed point after one pass.
import type { Entry, UnitFile } from "./model";
import { excerpt, quoted, type UnitProblem } from "./problems";
import { KEY_NAME, SECTION_NAME, valueProblem } from "./syntax";

export function serializeUnit(unit: UnitFile): string {
  const out: string[] = [];
  for (const t of unit.preamble) out.push(entryText(t));
  for (const s of unit.sections) {
    out.push(`[${s.name}]`);
    for (const e of s.entries) out.push(entryText(e));
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

function entryText(e: Entry): string {
  switch (e.kind) {
    case "blank":
      return "";
    case "comment":
      return e.text;
    case "assignment":
      // A value ended by a blank line carries a final "\n"; the join writes that blank line.
      return `${e.key}=${e.value}`;
    default: {
      const _never: never = e;
      return _never;
    }
  }
}

/**
 * Every reason the model would not survive serializeUnit → parseUnit unchanged.
 * Positions are entry indexes ("sections[2].entries[0].value"), line is 0.
 */
export function validateUnit(unit: UnitFile, file = "<model>"): UnitProblem[] {
  const problems: UnitProblem[] = [];
  const report = (field: string, text: string, message: string, code: UnitProblem["code"] = "invalid-line") =>
    problems.push({ code, file, line: 0, text: excerpt(text), message: `${field}: ${message}` });
  unit.preamble.forEach((t, i) => {
    if (t.kind === "comment") checkComment(t.text, `preamble[${i}].text`, report);
    else if (t.kind !== "blank") report(`preamble[${i}]`, "", "only comments and blank lines may come before the first section");
  });
  unit.sections.forEach((s, si) => {
    if (!SECTION_NAME.test(s.name)) {
      report(`sections[${si}].name`, s.name, `${quoted(s.name)} is not a valid section name; expected e.g. Service or X-Fleet`, "invalid-section-name");
    }
    s.entries.forEach((e, ei) => {
      const at = `sections[${si}].entries[${ei}]`;
      if (e.kind === "comment") checkComment(e.text, `${at}.text`, report);
      if (e.kind !== "assignment") return;
      if (!KEY_NAME.test(e.key)) {
        report(`${at}.key`, e.key, `${quoted(e.key)} is not a valid key; expected letters, digits and "_.-", e.g. ExecStart`, "invalid-key");
      }
      const why = valueProblem(e.value);
      if (why) report(`${at}.value`, e.value, `value ${quoted(e.value, 60)} cannot be written as a unit file line: ${why}`, "invalid-option-value");
    });
  });
  return problems;
}

function checkComment(text: string, field: string, report: (field: string, text: string, message: string) => void): void {
  if (!/^[#;][^\r\n\0]*$/.test(text)) {
    report(field, text, `comment ${quoted(text, 60)} must start with # or ; and stay on one line`);
  }
}
