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

/**
 * Lint verdicts of option sets found clean, so a batch of units with the same contents
 * (web@1..web@500, or 2,000 copies of one service) is linted once instead of per unit.
 * The verdict depends on the options and on the name only through its kind (template or
 * not) and type — except where a value holds a specifier (%n, %i, ...), which is
 * expanded from the name: such sets are never cached. Only clean verdicts are kept
 * (refusals are rare and their messages are built fresh); bounded by clearing.
 */
const cleanVerdicts = new Set<string>();
const MAX_CLEAN_VERDICTS = 4096;
const hashes = new WeakMap<readonly UnitOption[], string>();

function hashOf(options: readonly UnitOption[]): string {
  let h = hashes.get(options);
  if (h === undefined) hashes.set(options, (h = hashOptions(options)));
  return h;
}

function verdictKey(name: string, options: readonly UnitOption[]): string | undefined {
  const n = parseUnitName(name);
  if (!n.ok || options.some((o) => o.value.includes("%") || o.name.includes("%") || o.section.includes("%"))) return undefined;
  return `${n.value.kind}\0${n.value.type}\0${hashOf(options)}`;
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
    const key = verdictKey(name, options);
    if (key !== undefined && cleanVerdicts.has(key)) return [];
    const file = fromOptions(options, name);
    if (!file.ok) return file.problems.filter(isError).map(describe);
    const problems = lintUnitFile(name, file.value, name).filter(isError).map(describe);
    if (key !== undefined && problems.length === 0) {
      if (cleanVerdicts.size >= MAX_CLEAN_VERDICTS) cleanVerdicts.clear();
      cleanVerdicts.add(key);
    }
    return problems;
  },
  // Memoised per options array: a write checks, then hashes, the same array.
  hash: hashOf,
  isTemplate(name) {
    const r = parseUnitName(name);
    return r.ok && r.value.kind === "template";
  },
};
