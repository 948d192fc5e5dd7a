// The unit layer's verdicts as the API needs them: a submitted unit is refused when its
// name is invalid or its options fail the same lint `hafen unit lint` runs (X-Fleet
// combinations fleet refuses, malformed values). Warnings do not refuse a unit.
import { fromOptions, hashOptions, isError, lintUnitFile, parseUnitName, type UnitProblem } from "../../units";
import type { UnitRules } from "../api/fleet-routes";
import type { UnitOption } from "../executor/types";

/** Options per unit and bytes per value a submission may carry. */
export const MAX_OPTIONS = 1000;
export const MAX_VALUE_BYTES = 64 * 1024;

function describe(p: UnitProblem): string {
  return p.line > 0 ? `line ${p.line}: ${p.code}: ${p.message}` : `${p.code}: ${p.message}`;
}

export const unitRules: UnitRules = {
  checkName(name) {
    const r = parseUnitName(name);
    return r.ok ? undefined : r.problems.map((p) => p.message).join("; ");
  },
  checkOptions(name, options: readonly UnitOption[]) {
    if (options.length > MAX_OPTIONS) return [`unit has ${options.length} options; at most ${MAX_OPTIONS} are accepted`];
    const big = options.find((o) => Buffer.byteLength(o.value) > MAX_VALUE_BYTES);
    if (big) return [`option ${big.section}.${big.name} is larger than ${MAX_VALUE_BYTES} bytes`];
    const file = fromOptions(options, name);
    if (!file.ok) return file.problems.filter(isError).map(describe);
    return lintUnitFile(name, file.value, name).filter(isError).map(describe);
  },
  hash: (options) => hashOptions(options),
  isTemplate(name) {
    const r = parseUnitName(name);
    return r.ok && r.value.kind === "template";
  },
};
