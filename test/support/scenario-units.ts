// Unit contents for scenarios, written as unit files and turned into the fleet API's
// option list by the unit layer itself (parseUnit → toOptions), as fleetctl would send them.
import { formatProblem, parseUnit, toOptions, type UnitOption } from "../../units";

/**
 * A unit file as a template literal; each line's leading blanks are dropped so it can be
 * indented with the test. Throws with file:line when the text is not a valid unit file.
 */
export function unit(strings: TemplateStringsArray, ...values: readonly unknown[]): UnitOption[] {
  const text = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ""), "");
  const lines = text.split("\n").map((l) => l.trimStart());
  while (lines.length > 0 && lines[0] === "") lines.shift();
  const parsed = parseUnit(`${lines.join("\n")}\n`, "<scenario unit>");
  if (!parsed.ok) throw new Error(`scenario unit does not parse:\n${parsed.problems.map(formatProblem).join("\n")}`);
  return toOptions(parsed.value);
}

/** A long-running service whose `[X-Fleet]` section holds `lines` ("Key=value" each). */
export function xfleet(...lines: readonly string[]): UnitOption[] {
  const fleet = lines.length > 0 ? `[X-Fleet]\n${lines.join("\n")}\n` : "";
  return unit`[Service]\nExecStart=/bin/sleep 1000\n${fleet}`;
}
