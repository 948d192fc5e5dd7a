// What an executor needs from a unit's options, read the way systemd reads them. Pure:
// options in, a config or every problem out (problems.ts).
//
// Honoured ([Service] unless noted): Type= (simple, exec, oneshot; idle runs as simple),
// ExecStartPre=, ExecStart=, ExecStartPost=, ExecStop=, ExecStopPost=, Environment=,
// EnvironmentFile=, WorkingDirectory=, Restart=, RestartSec=, TimeoutStartSec=,
// TimeoutStopSec=, TimeoutSec=, RemainAfterExit=, KillMode=, KillSignal=,
// SendSIGKILL=, SuccessExitStatus=, [Unit] StartLimitIntervalSec= and StartLimitBurst=
// (also the old [Service] StartLimitInterval=/StartLimitBurst=).
// Refused: Type=forking, notify, notify-reload, dbus (they need PID files or sd_notify) —
// loadState "error" with the reason.
// Accepted but without effect on the process executor (listed in `ignored`, which the
// executor writes to the unit's journal at each start, so it is never silent): see
// IGNORED_WITH_NOTICE. Any other option is ignored as systemd ignores settings a unit
// type does not use; [Unit] dependencies are not honoured (placement is fleet's job).
import { parseUnitName, type UnitName } from "../../units/names";
import { effectiveValue } from "../../units/syntax";
import { parseEnvironmentFileValue, parseEnvironmentValue, type Assignment, type EnvironmentFileRef } from "./environment";
import { parseExecValue, type ExecCommand } from "./exec-line";
import { formatExecProblem, problem, type ExecProblem } from "./problems";
import { expandSpecifiers, specifierTable, type HostFacts } from "./specifiers";
import type { UnitOption } from "./types";
import { applyScalar, emptyScalars, type Scalars } from "./service-scalars";

export type ServiceType = "simple" | "exec" | "oneshot";
export type RestartPolicy = "no" | "always" | "on-success" | "on-failure" | "on-abnormal" | "on-abort" | "on-watchdog";
export type KillMode = "control-group" | "process" | "mixed" | "none";

export interface WorkingDirectory {
  /** Absolute path, or "~" for the home directory. */
  readonly path: string;
  /** "-" prefix: a missing directory is fine (the default directory is used). */
  readonly optional: boolean;
}

export interface ServiceConfig {
  readonly type: ServiceType;
  readonly execStartPre: readonly ExecCommand[];
  readonly execStart: readonly ExecCommand[];
  readonly execStartPost: readonly ExecCommand[];
  readonly execStop: readonly ExecCommand[];
  readonly execStopPost: readonly ExecCommand[];
  readonly environment: readonly Assignment[];
  readonly environmentFiles: readonly EnvironmentFileRef[];
  readonly workingDirectory?: WorkingDirectory;
  readonly restart: RestartPolicy;
  readonly restartMs: number;
  /** Infinity: no limit. */
  readonly timeoutStartMs: number;
  readonly timeoutStopMs: number;
  readonly remainAfterExit: boolean;
  readonly killMode: KillMode;
  /** A Node signal name, e.g. "SIGTERM". */
  readonly killSignal: NodeJS.Signals;
  readonly sendSigkill: boolean;
  readonly successExitStatus: { readonly codes: readonly number[]; readonly signals: readonly NodeJS.Signals[] };
  /** StartLimitBurst= starts within StartLimitIntervalSec=; intervalMs 0 turns it off. */
  readonly startLimit: { readonly intervalMs: number; readonly burst: number };
  /** Options set in the unit that this executor accepts but does not apply, e.g. "User=core". */
  readonly ignored: readonly string[];
}

export type CompiledUnit =
  | { readonly kind: "service"; readonly config: ServiceConfig }
  | { readonly kind: "target" }
  | { readonly kind: "error"; readonly problems: readonly ExecProblem[] };

export interface CompileDefaults {
  /** TimeoutStopSec= when the unit sets none (systemd: 90 s; Hafen: 10 s). */
  readonly timeoutStopMs: number;
  /** TimeoutStartSec= for non-oneshot units (oneshot: infinity, as systemd). */
  readonly timeoutStartMs: number;
}

export const DEFAULTS: CompileDefaults = { timeoutStopMs: 10_000, timeoutStartMs: 90_000 };

/** Options that change behaviour under systemd but not on the process executor. */
export const IGNORED_WITH_NOTICE = new Set([
  "User", "Group", "DynamicUser", "SupplementaryGroups", "RootDirectory", "RootImage", "PrivateTmp",
  "PrivateNetwork", "PrivateDevices", "ProtectSystem", "ProtectHome", "NoNewPrivileges", "ReadOnlyPaths",
  "ReadWritePaths", "InaccessiblePaths", "CapabilityBoundingSet", "AmbientCapabilities", "Nice", "CPUQuota",
  "MemoryLimit", "MemoryMax", "TasksMax", "LimitNOFILE", "LimitNPROC", "LimitCORE", "UMask", "StandardInput",
  "StandardOutput", "StandardError", "SyslogIdentifier", "PIDFile", "BusName", "ExecReload", "ExecCondition",
  "WatchdogSec", "RestartPreventExitStatus", "RestartForceExitStatus", "PassEnvironment", "UnsetEnvironment",
  "RuntimeDirectory", "StateDirectory", "CacheDirectory", "LogsDirectory", "ConfigurationDirectory", "Slice",
]);

type ExecList = "execStartPre" | "execStart" | "execStartPost" | "execStop" | "execStopPost";
const EXEC_OPTIONS: Readonly<Record<string, ExecList>> = {
  ExecStartPre: "execStartPre",
  ExecStart: "execStart",
  ExecStartPost: "execStartPost",
  ExecStop: "execStop",
  ExecStopPost: "execStopPost",
};

interface Builder {
  readonly lists: Record<ExecList, ExecCommand[]>;
  environment: Assignment[];
  environmentFiles: EnvironmentFileRef[];
  readonly scalars: Scalars;
  readonly ignored: string[];
  readonly problems: ExecProblem[];
}

/** Reads a unit's options for the given name; never throws. */
export function compileUnit(name: string, options: readonly UnitOption[], host: HostFacts, defaults: CompileDefaults = DEFAULTS): CompiledUnit {
  const unitName = parseUnitName(name);
  if (!unitName.ok) return { kind: "error", problems: [problem("invalid-value", "Unit", "", name, unitName.problems[0]!.message)] };
  const parsedName: UnitName = unitName.value;
  if (parsedName.kind === "template") {
    return { kind: "error", problems: [problem("unsupported-unit-type", "Unit", "", name, `"${name}" is a template; only its instances (e.g. ${parsedName.prefix}@1.${parsedName.type}) can run`)] };
  }
  if (parsedName.type === "target") return { kind: "target" };
  if (parsedName.type !== "service") {
    return { kind: "error", problems: [problem("unsupported-unit-type", "Unit", "", name, `.${parsedName.type} units cannot run on the process executor; it runs .service and .target units`)] };
  }
  const table = specifierTable(parsedName, host);
  const b: Builder = {
    lists: { execStartPre: [], execStart: [], execStartPost: [], execStop: [], execStopPost: [] },
    environment: [],
    environmentFiles: [],
    scalars: emptyScalars(),
    ignored: [],
    problems: [],
  };
  for (const o of options) applyOption(b, o, table);
  return finish(b, defaults);
}

function applyOption(b: Builder, o: UnitOption, table: Readonly<Record<string, string>>): void {
  const value = effectiveValue(o.value);
  const fail = (code: ExecProblem["code"], message: string) => b.problems.push(problem(code, o.section, o.name, value, message));
  if (o.section === "Unit") {
    if (o.name === "StartLimitIntervalSec" || o.name === "StartLimitBurst") applyScalar(b.scalars, o.name, value, fail);
    return;
  }
  if (o.section !== "Service") return;
  const list = EXEC_OPTIONS[o.name];
  if (list !== undefined) {
    if (value === "") b.lists[list] = [];
    else {
      const cmds = parseExecValue(value, table);
      if (cmds.ok) b.lists[list].push(...cmds.value);
      else fail(/unbalanced quoting/.test(cmds.reason) ? "invalid-quoting" : /specifier/.test(cmds.reason) ? "invalid-specifier" : "invalid-command", cmds.reason);
    }
  } else if (o.name === "Environment") {
    if (value === "") b.environment = [];
    else {
      const a = parseEnvironmentValue(value, table);
      if (a.ok) b.environment.push(...a.value);
      else fail(/unbalanced/.test(a.reason) ? "invalid-quoting" : "invalid-environment", a.reason);
    }
  } else if (o.name === "EnvironmentFile") {
    if (value === "") b.environmentFiles = [];
    else {
      const f = parseEnvironmentFileValue(value, table);
      if (f.ok) b.environmentFiles.push(f.value);
      else fail("invalid-path", f.reason);
    }
  } else if (o.name === "WorkingDirectory") {
    applyWorkingDirectory(b, value, table, fail);
  } else if (IGNORED_WITH_NOTICE.has(o.name)) {
    b.ignored.push(`${o.name}=${value}`);
  } else {
    applyScalar(b.scalars, o.name, value, fail);
  }
}

function applyWorkingDirectory(b: Builder, value: string, table: Readonly<Record<string, string>>, fail: (code: ExecProblem["code"], message: string) => void): void {
  if (value === "") {
    b.scalars.workingDirectory = undefined;
    return;
  }
  const optional = value.startsWith("-");
  const e = expandSpecifiers(optional ? value.slice(1) : value, table);
  if (!e.ok) return void fail("invalid-specifier", e.reason);
  const path = e.value;
  if (path !== "~" && !path.startsWith("/")) return void fail("invalid-path", `"${path}" is not an absolute path; expected e.g. /srv/web, ~ or -/srv/web`);
  if (path.split("/").some((part) => part === "." || part === "..")) return void fail("invalid-path", `"${path}" is not normalized (it has "." or ".." components)`);
  b.scalars.workingDirectory = { path, optional };
}

function finish(b: Builder, defaults: CompileDefaults): CompiledUnit {
  const s = b.scalars;
  const hasStart = b.lists.execStart.length > 0;
  const type: ServiceType = s.type ?? (hasStart ? "simple" : "oneshot");
  const restart = s.restart ?? "no";
  // Checked only on otherwise valid options: a refused ExecStart= should not also
  // read as "no ExecStart=".
  if (b.problems.length > 0) return { kind: "error", problems: b.problems };
  const whole = (message: string) => b.problems.push(problem("invalid-combination", "Service", "", "", message));
  if (!hasStart && b.lists.execStop.length === 0) whole("the service has no ExecStart= and no ExecStop=; systemd refuses such a unit");
  else if (!hasStart && !(s.remainAfterExit ?? false)) whole("a service without ExecStart= needs RemainAfterExit=yes");
  if (!hasStart && type !== "oneshot") whole(`a service without ExecStart= must be Type=oneshot, not Type=${type}`);
  if (type !== "oneshot" && b.lists.execStart.length > 1) whole(`Type=${type} takes exactly one ExecStart= command, and ${b.lists.execStart.length} are given; only Type=oneshot runs several`);
  if (type === "oneshot" && (restart === "always" || restart === "on-success")) whole(`Restart=${restart} is not allowed for Type=oneshot; use on-failure, on-abnormal or on-abort`);
  if (b.problems.length > 0) return { kind: "error", problems: b.problems };
  const timeoutStart = s.timeoutStartMs ?? (type === "oneshot" ? Infinity : defaults.timeoutStartMs);
  return {
    kind: "service",
    config: {
      type,
      ...b.lists,
      environment: b.environment,
      environmentFiles: b.environmentFiles,
      ...(s.workingDirectory ? { workingDirectory: s.workingDirectory } : {}),
      restart,
      restartMs: s.restartMs ?? 100,
      // systemd: 0 turns a start/stop timeout off.
      timeoutStartMs: timeoutStart === 0 ? Infinity : timeoutStart,
      timeoutStopMs: s.timeoutStopMs === 0 ? Infinity : (s.timeoutStopMs ?? defaults.timeoutStopMs),
      remainAfterExit: s.remainAfterExit ?? false,
      killMode: s.killMode ?? "control-group",
      killSignal: s.killSignal ?? "SIGTERM",
      sendSigkill: s.sendSigkill ?? true,
      successExitStatus: { codes: s.successCodes, signals: s.successSignals },
      startLimit: { intervalMs: s.startLimitIntervalMs ?? 10_000, burst: s.startLimitBurst ?? 5 },
      ignored: b.ignored,
    },
  };
}

/** The one-line reason shown as UnitStatus.loadError. */
export function loadErrorText(problems: readonly ExecProblem[]): string {
  return problems.map(formatExecProblem).join("; ");
}
