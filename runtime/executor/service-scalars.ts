// The single-valued [Service]/[Unit] options of service-config.ts: each assignment
// replaces the previous one, an invalid value is a problem naming what is accepted.
import { constants } from "node:os";
import type { ExecProblem } from "./problems";
import type { KillMode, RestartPolicy, ServiceType, WorkingDirectory } from "./service-config";
import { ACCEPTED_SPANS, parseTimeSpan } from "./timespan";

export interface Scalars {
  type?: ServiceType;
  restart?: RestartPolicy;
  restartMs?: number;
  timeoutStartMs?: number;
  timeoutStopMs?: number;
  remainAfterExit?: boolean;
  killMode?: KillMode;
  killSignal?: NodeJS.Signals;
  sendSigkill?: boolean;
  successCodes: number[];
  successSignals: NodeJS.Signals[];
  startLimitIntervalMs?: number;
  startLimitBurst?: number;
  workingDirectory?: WorkingDirectory | undefined;
}

export function emptyScalars(): Scalars {
  return { successCodes: [], successSignals: [] };
}

type Fail = (code: ExecProblem["code"], message: string) => void;

const RESTART: readonly RestartPolicy[] = ["no", "always", "on-success", "on-failure", "on-abnormal", "on-abort", "on-watchdog"];
const KILL_MODES: readonly KillMode[] = ["control-group", "process", "mixed", "none"];
const SUPPORTED_TYPES: readonly string[] = ["simple", "exec", "oneshot", "idle"];
const UNSUPPORTED_TYPES: readonly string[] = ["forking", "notify", "notify-reload", "dbus"];
const TRUE = ["1", "yes", "y", "true", "t", "on"];
const FALSE = ["0", "no", "n", "false", "f", "off"];

/** systemd's parse_boolean (case-insensitive). */
export function parseBoolean(v: string): boolean | undefined {
  const l = v.toLowerCase();
  return TRUE.includes(l) ? true : FALSE.includes(l) ? false : undefined;
}

/** "SIGTERM", "TERM" or "15" → "SIGTERM"; undefined when Node knows no such signal. */
export function parseSignal(v: string): NodeJS.Signals | undefined {
  const signals = constants.signals as Readonly<Record<string, number>>;
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    return Object.keys(signals).find((k) => signals[k] === n) as NodeJS.Signals | undefined;
  }
  const name = v.startsWith("SIG") ? v : `SIG${v}`;
  return name in signals ? (name as NodeJS.Signals) : undefined;
}

/** Applies one scalar option; unknown names are ignored (see service-config.ts). */
export function applyScalar(s: Scalars, name: string, value: string, fail: Fail): void {
  switch (name) {
    case "Type":
      return applyType(s, value, fail);
    case "Restart":
      if ((RESTART as readonly string[]).includes(value)) s.restart = value as RestartPolicy;
      else fail("invalid-value", `expected one of ${RESTART.join(", ")}`);
      return;
    case "RestartSec":
    case "TimeoutStartSec":
    case "TimeoutStopSec":
    case "TimeoutSec":
    case "StartLimitIntervalSec":
    case "StartLimitInterval":
      return applySpan(s, name, value, fail);
    case "RemainAfterExit":
    case "SendSIGKILL":
      return applyBoolean(s, name, value, fail);
    case "KillMode":
      if ((KILL_MODES as readonly string[]).includes(value)) s.killMode = value as KillMode;
      else fail("invalid-value", `expected one of ${KILL_MODES.join(", ")}`);
      return;
    case "KillSignal": {
      const sig = parseSignal(value);
      if (sig) s.killSignal = sig;
      else fail("invalid-value", "expected a signal name or number, e.g. SIGTERM, INT or 15");
      return;
    }
    case "SuccessExitStatus":
      return applySuccessStatus(s, value, fail);
    case "StartLimitBurst":
      if (/^\d{1,9}$/.test(value)) s.startLimitBurst = Number(value);
      else fail("invalid-value", "expected a whole number of starts, e.g. 5");
      return;
    default:
      return;
  }
}

function applyType(s: Scalars, value: string, fail: Fail): void {
  if (SUPPORTED_TYPES.includes(value)) s.type = value === "idle" ? "simple" : (value as ServiceType);
  else if (UNSUPPORTED_TYPES.includes(value)) {
    fail("unsupported-type", `Type=${value} is not supported by Hafen's executors (it needs a PID file or sd_notify); use simple, exec or oneshot`);
  } else fail("invalid-value", `expected one of simple, exec, oneshot, idle`);
}

function applySpan(s: Scalars, name: string, value: string, fail: Fail): void {
  const span = parseTimeSpan(value);
  if (!span.ok) return void fail("invalid-time-span", span.reason);
  if (name === "RestartSec" && span.value === Infinity) return void fail("invalid-time-span", `RestartSec=infinity would never restart; use Restart=no, or ${ACCEPTED_SPANS}`);
  if (name === "RestartSec") s.restartMs = span.value;
  if (name === "TimeoutStartSec" || name === "TimeoutSec") s.timeoutStartMs = span.value;
  if (name === "TimeoutStopSec" || name === "TimeoutSec") s.timeoutStopMs = span.value;
  if (name === "StartLimitIntervalSec" || name === "StartLimitInterval") s.startLimitIntervalMs = span.value;
}

function applyBoolean(s: Scalars, name: string, value: string, fail: Fail): void {
  const b = parseBoolean(value);
  if (b === undefined) return void fail("invalid-value", `expected a boolean: ${TRUE.join("/")} or ${FALSE.join("/")}`);
  if (name === "RemainAfterExit") s.remainAfterExit = b;
  else s.sendSigkill = b;
}

function applySuccessStatus(s: Scalars, value: string, fail: Fail): void {
  if (value === "") {
    s.successCodes = [];
    s.successSignals = [];
    return;
  }
  for (const word of value.split(/[ \t]+/).filter((w) => w !== "")) {
    const sig = /^\d+$/.test(word) ? undefined : parseSignal(word);
    if (/^\d+$/.test(word) && Number(word) <= 255) s.successCodes.push(Number(word));
    else if (sig) s.successSignals.push(sig);
    else return void fail("invalid-value", `"${word}" is neither an exit status 0-255 nor a signal name such as SIGKILL`);
  }
}
