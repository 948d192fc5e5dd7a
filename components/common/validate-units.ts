// The Cluster's `units`: each is linted with Hafen's unit lint (the checks systemd and
// fleet make) at preview, so a unit fleet would refuse fails before any machine exists.
import { isError, lintUnit } from "../../units";
import type { Problems } from "./problems";
import { isRecord, oneOf, reqString, wrongType } from "./read";
import type { ClusterUnitArgs, UnitDesiredState } from "./types";

export const UNIT_STATES: readonly UnitDesiredState[] = ["inactive", "loaded", "launched"];

/** Lint errors of one unit as "line N: message" sentences (line 0 = the name or the file). */
export function unitLintErrors(name: string, contents: string): { line: number; message: string }[] {
  return lintUnit(name, contents)
    .filter(isError)
    .map((u) => ({ line: u.line, message: `${u.line > 0 ? `line ${u.line}: ` : ""}${u.code}: ${u.message}` }));
}

export function validateUnits(p: Problems, v: unknown): ClusterUnitArgs[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return wrongType(p, ["units"], v, "a list of units {name, contents, desiredState}") ?? [];
  const out: ClusterUnitArgs[] = [];
  const seen = new Map<string, number>();
  v.forEach((u: unknown, i) => {
    const at = ["units", i];
    if (!isRecord(u)) return void wrongType(p, at, u, "a unit {name, contents, desiredState}");
    const name = reqString(p, u, "name", at, 'a unit name such as "web@1.service"');
    const contents = reqString(p, u, "contents", at, "the unit file text");
    const desiredState = oneOf(p, u, "desiredState", at, UNIT_STATES, "launched");
    if (name !== undefined && seen.has(name)) p.add("duplicate", [...at, "name"], name, `unit "${name}" is also units[${seen.get(name)}]`);
    if (name !== undefined) seen.set(name, i);
    if (name === undefined || contents === undefined) return;
    const errors = unitLintErrors(name, contents);
    for (const e of errors) p.add("invalid-value", [...at, e.line === 0 && e.message.includes("name") ? "name" : "contents"], e.line > 0 ? contents.split("\n")[e.line - 1] : name, e.message);
    if (errors.length === 0 && desiredState) out.push({ name, contents, desiredState });
  });
  return out;
}
