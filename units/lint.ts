// `hafen unit lint` as a pure function: the name, the syntax, `[X-Fleet]`, and the checks
// systemd itself makes when it loads a unit. Errors are what systemd or fleet would refuse
// (or run differently from what the file says); warnings are what systemd ignores with a
// log line. Unknown keys in systemd's own sections are left to `systemd-analyze verify`,
// which knows every key of the installed systemd.
import { parseFleetOptions } from "./fleet";
import { assignmentsOf, lastValue, listValues, type UnitFile } from "./model";
import { parseUnitName, type UnitName, type UnitType } from "./names";
import { parseUnit } from "./parse";
import { quoted, type UnitProblem } from "./problems";

/** Sections systemd reads for each unit type, besides [Unit], [Install] and any [X-...]. */
const TYPE_SECTIONS: Readonly<Record<UnitType, readonly string[]>> = {
  service: ["Service"],
  socket: ["Socket"],
  device: [],
  mount: ["Mount"],
  automount: ["Automount"],
  timer: ["Timer"],
  path: ["Path"],
  target: [],
};

const SERVICE_TYPES = ["simple", "exec", "forking", "oneshot", "dbus", "notify", "notify-reload", "idle"];

/** Lints unit file text. `name` is the unit's name (a file's basename); `file` labels problems. */
export function lintUnit(name: string, text: string, file = name): UnitProblem[] {
  const n = parseUnitName(name, file);
  const parsed = parseUnit(text, file);
  const problems = [...(n.ok ? [] : n.problems), ...(parsed.ok ? lintParsed(n.ok ? n.value : undefined, parsed.value, name, file) : parsed.problems)];
  return sortByLine(problems);
}

/** Lints a model built in code (e.g. a unit a component generates). */
export function lintUnitFile(name: string, unit: UnitFile, file = name): UnitProblem[] {
  const n = parseUnitName(name, file);
  return sortByLine([...(n.ok ? [] : n.problems), ...lintParsed(n.ok ? n.value : undefined, unit, name, file)]);
}

function lintParsed(n: UnitName | undefined, unit: UnitFile, name: string, file: string): UnitProblem[] {
  const problems: UnitProblem[] = [];
  const hasOptions = unit.sections.some((s) => s.entries.some((e) => e.kind === "assignment"));
  if (!hasOptions) {
    problems.push({
      code: "empty-unit",
      file,
      line: 0,
      text: "",
      message: "the unit has no options; expected at least a section with one KEY=VALUE, e.g. [Service] with ExecStart=",
    });
    return problems;
  }
  if (n) {
    problems.push(...sectionProblems(n.type, unit, file));
    if (n.type === "service") problems.push(...serviceProblems(unit, file));
  }
  const fleet = parseFleetOptions(unit, name, file);
  if (!fleet.ok) problems.push(...fleet.problems);
  return problems;
}

function sectionProblems(type: UnitType, unit: UnitFile, file: string): UnitProblem[] {
  const known = new Set(["Unit", "Install", ...TYPE_SECTIONS[type]]);
  return unit.sections
    .filter((s) => !known.has(s.name) && !s.name.startsWith("X-"))
    .map((s) => ({
      code: "unknown-section" as const,
      severity: "warning" as const,
      file,
      line: s.line ?? 0,
      text: `[${s.name}]`,
      message: `systemd ignores section [${s.name}] in a .${type} unit; it reads ${[...known].map((k) => `[${k}]`).join(", ")} and [X-...] extensions`,
    }));
}

/**
 * systemd's service_verify() (checked against systemd 252's `systemd-analyze verify`):
 * without Type=, a service with no ExecStart= is oneshot, otherwise simple; then
 *   no ExecStart=, ExecStop= or SuccessAction=            → refused
 *   not oneshot and no ExecStart=                         → refused
 *   no ExecStart=, no SuccessAction=, no RemainAfterExit=  → refused
 *   not oneshot and more than one ExecStart=              → refused
 */
function serviceProblems(unit: UnitFile, file: string): UnitProblem[] {
  const problems: UnitProblem[] = [];
  const starts = listValues(unit, "Service", "ExecStart");
  const startAssignments = assignmentsOf(unit, "Service", "ExecStart");
  const lastStart = startAssignments[startAssignments.length - 1];
  const line = lastStart?.line ?? unit.sections.find((s) => s.name === "Service")?.line ?? 0;
  const written = lastValue(unit, "Service", "Type");
  if (written !== undefined && !SERVICE_TYPES.includes(written)) {
    const at = assignmentsOf(unit, "Service", "Type");
    problems.push({
      code: "invalid-option-value",
      file,
      line: at[at.length - 1]?.line ?? 0,
      text: `Type=${written}`,
      message: `Type=${quoted(written, 40)} is not a service type (systemd would ignore it); accepted: ${SERVICE_TYPES.join(", ")}`,
    });
  }
  const type = written !== undefined && SERVICE_TYPES.includes(written) ? written : starts.length > 0 ? "simple" : "oneshot";
  const hasStop = listValues(unit, "Service", "ExecStop").length > 0;
  // SuccessAction=none is the default: it gives the service nothing to do.
  const hasSuccess = (lastValue(unit, "Unit", "SuccessAction") ?? "none") !== "none";
  const remains = TRUE_WORDS.includes((lastValue(unit, "Service", "RemainAfterExit") ?? "no").toLowerCase());
  const cleared = lastStart && starts.length === 0 ? " (the last ExecStart= is empty, which clears the earlier ones)" : "";
  if (starts.length === 0 && !hasStop && !hasSuccess) {
    problems.push(missing(file, line, `the service has no ExecStart=, ExecStop= or SuccessAction=${cleared}; systemd refuses to load it`));
  } else if (starts.length === 0 && type !== "oneshot") {
    problems.push(missing(file, line, `a Type=${type} service needs an ExecStart=${cleared}; systemd refuses to load it (only Type=oneshot may omit it)`));
  } else if (starts.length === 0 && !hasSuccess && !remains) {
    problems.push(missing(file, line, `a service without ExecStart=${cleared} needs RemainAfterExit=yes or SuccessAction=; systemd refuses to load it`));
  } else if (starts.length > 1 && type !== "oneshot") {
    problems.push({
      code: "multiple-exec-start",
      file,
      line,
      text: `ExecStart=${starts[starts.length - 1]}`,
      message: `a Type=${type} service has ${starts.length} ExecStart= commands; systemd allows several only for Type=oneshot (use ExecStartPre= or ExecStartPost= for the others)`,
    });
  }
  return problems;
}

/** systemd's parse_boolean() true words. */
const TRUE_WORDS = ["1", "yes", "y", "true", "t", "on"];

function missing(file: string, line: number, message: string): UnitProblem {
  return { code: "missing-exec-start", file, line, text: "", message };
}

function sortByLine(problems: UnitProblem[]): UnitProblem[] {
  return problems.map((p, i) => ({ p, i })).sort((a, b) => a.p.line - b.p.line || a.i - b.i).map((x) => x.p);
}
