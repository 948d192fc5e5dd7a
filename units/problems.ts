// Errors as data for the unit layer. Every finding has a stable code, a position
// (file and 1-based line; line 0 means "the file as a whole" or "the name"), the text
// that offended and a sentence saying what would be accepted. The code set is closed:
// adding a code is an API change that `hafen unit lint --json` consumers see.

export type UnitProblemCode =
  | "invalid-unit-name"
  | "unknown-unit-type"
  | "binary-content"
  | "line-too-long"
  | "file-too-large"
  | "unterminated-continuation"
  | "unterminated-section"
  | "invalid-section-name"
  | "assignment-outside-section"
  | "invalid-line"
  | "invalid-option-value"
  | "unknown-fleet-option"
  | "conflicting-fleet-options"
  | "self-reference"
  | "empty-unit"
  // Added with the parser, linter and CLI:
  | "invalid-key"
  | "invalid-option-list"
  | "unknown-section"
  | "missing-exec-start"
  | "multiple-exec-start"
  | "unreadable-file"
  | "too-many-problems";

/**
 * Errors make a unit unusable (lint exits 1); warnings describe something systemd or
 * fleet would ignore or only log (lint prints them and still exits 0).
 */
export type Severity = "error" | "warning";

export interface UnitProblem {
  readonly code: UnitProblemCode;
  /** File name as given by the caller (a path, a unit name, or "<input>"). */
  readonly file: string;
  /** 1-based line of the offending text; 0 when it concerns the file or its name. */
  readonly line: number;
  /** The offending text, cut to a readable length. */
  readonly text: string;
  /** What is wrong and what would be accepted. */
  readonly message: string;
  /** Absent means "error", so problems built before severities existed stay errors. */
  readonly severity?: Severity;
}

export function severityOf(p: UnitProblem): Severity {
  return p.severity ?? "error";
}

export function isError(p: UnitProblem): boolean {
  return severityOf(p) === "error";
}

/** Result of any fallible operation in this layer: errors as values, never thrown. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly UnitProblem[] };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(...problems: UnitProblem[]): Result<T> {
  return { ok: false, problems };
}

/** Cuts a value for messages so a 1 MiB line does not become a 1 MiB error. */
export function excerpt(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

/**
 * An excerpt in double quotes with control characters escaped, for messages: a value
 * holding an ESC or a NUL must not reach a terminal raw.
 */
export function quoted(text: string, max = 80): string {
  return JSON.stringify(excerpt(text, max));
}

/**
 * `FILE:LINE: CODE: message` — the one-line form `hafen unit lint` prints. A warning's
 * message starts with "warning: " so the four fields stay in the same places.
 */
export function formatProblem(p: UnitProblem): string {
  const prefix = severityOf(p) === "warning" ? "warning: " : "";
  return `${p.file}:${p.line}: ${p.code}: ${prefix}${p.message}`;
}
