// Errors as data for the executors' reading of unit options. Every problem names the
// section and option, the offending value and what would be accepted. A unit with any
// problem loads with loadState "error" and refuses to start; its status carries the
// sentences (UnitStatus.loadError).
import { excerpt } from "../../units/problems";

export type ExecProblemCode =
  | "invalid-command" // ExecStart= and friends: bad executable, prefix, ';' use
  | "invalid-quoting" // unbalanced quotes
  | "invalid-specifier" // %x that the executor does not know
  | "invalid-time-span" // RestartSec=, TimeoutStopSec=, …
  | "invalid-value" // any other option whose value is not in the accepted set
  | "invalid-environment" // Environment=, EnvironmentFile=
  | "invalid-path" // WorkingDirectory=, EnvironmentFile= paths
  | "unsupported-type" // Type=forking/notify/dbus/notify-reload
  | "unsupported-unit-type" // e.g. .timer on the process executor
  | "invalid-combination"; // e.g. Type=simple with two ExecStart=, Restart=always on oneshot

export interface ExecProblem {
  readonly code: ExecProblemCode;
  readonly section: string;
  /** The option name, e.g. `ExecStart`; "" for problems of the unit as a whole. */
  readonly option: string;
  /** The offending value as written (cut to a readable length). */
  readonly value: string;
  /** What is wrong and what would be accepted. */
  readonly message: string;
}

export function problem(code: ExecProblemCode, section: string, option: string, value: string, message: string): ExecProblem {
  return { code, section, option, value: excerpt(value), message };
}

/** `[Service] RestartSec="5x": …` — the form shown in loadError and in the journal. */
export function formatExecProblem(p: ExecProblem): string {
  if (p.option === "") return `[${p.section}] ${p.message}`;
  return `[${p.section}] ${p.option}=${JSON.stringify(p.value)}: ${p.message}`;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export function parsed<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function refused<T = never>(reason: string): Parsed<T> {
  return { ok: false, reason };
}
