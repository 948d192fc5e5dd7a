// hafen-units-lint (mandatory): every unit the stack declares — in machines' user data
// (cloud-config coreos.units[].content, Ignition systemd.units[].contents, their drop-ins)
// and as hafen:index:Unit resources — passes Hafen's unit linter (`hafen unit lint`):
// what systemd or fleet would refuse, or run differently from what the file says.
import { formatProblem, fromOptions, isError, lintUnit, lintUnitFile, parseUnit, type UnitProblem } from "../../units";
import { booleanField, defineConfig } from "../core/config";
import { unitResource } from "../core/hafen-components";
import { inspect } from "../core/inspect";
import { machineOf } from "../core/machines";
import { label, resourcePolicy, type ResourceView } from "../core/policy";
import { MACHINE_TYPES, TYPES } from "../core/types";

const config = defineConfig({
  includeWarnings: booleanField(false, "Also report lint warnings (what systemd ignores with a log line)."),
});

const keep = (warnings: boolean) => (p: UnitProblem) => warnings || isError(p);

function machineUnits(r: ResourceView, warnings: boolean): string[] {
  const m = machineOf(r.type, r.props);
  if (!m || m.userData.state !== "known") return [];
  const { field } = m.userData;
  const units = inspect(m.userData.value, m.userData.given).boot.units;
  return units.flatMap((u) => {
    const own = u.contents === undefined ? [] : lintUnit(u.name, u.contents).filter(keep(warnings));
    const dropIns = u.dropIns.flatMap((d) => {
      const parsed = parseUnit(d.contents, `${u.name}.d/${d.name}`);
      return parsed.ok ? [] : parsed.problems.filter(keep(warnings));
    });
    return [...own, ...dropIns].map((p) => `${label(r)} ${field} ${u.where}: ${formatProblem(p)}`);
  });
}

function unitResourceProblems(r: ResourceView, warnings: boolean): string[] {
  const u = unitResource(r.name, r.props);
  switch (u.kind) {
    case "contents":
      return lintUnit(u.name, u.contents).filter(keep(warnings)).map((p) => `${label(r)} contents: ${formatProblem(p)}`);
    case "options": {
      const model = fromOptions(u.options, u.name);
      const problems = model.ok ? lintUnitFile(u.name, model.value) : model.problems;
      return problems.filter(keep(warnings)).map((p) => `${label(r)} options: ${formatProblem(p)}`);
    }
    case "invalid":
      return [`${label(r)}: the unit ${u.why}.`];
    case "unknown":
      return [];
    default: {
      const _never: never = u;
      return _never;
    }
  }
}

export const unitLint = resourcePolicy({
  name: "hafen-units-lint",
  description: "Every unit in user data and every hafen:index:Unit passes `hafen unit lint`.",
  enforcementLevel: "mandatory",
  remediationSteps: "Run `hafen unit lint FILE` on the unit and fix what it reports.",
  config,
  types: [...MACHINE_TYPES, TYPES.hafenUnit],
  check: (r, c) => (r.type === TYPES.hafenUnit ? unitResourceProblems(r, c.includeWarnings) : machineUnits(r, c.includeWarnings)),
});
