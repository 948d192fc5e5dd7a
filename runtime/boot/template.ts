// `{{boot.NAME}}` variables in a profile's machine description and kernel arguments.
// Substitution happens on the parsed data (string leaves), BEFORE the machine is
// validated and rendered, so a value can never change the structure of the config: the
// renderer quotes it like any other string, the machine validator checks it like any
// other value, and every value is limited to SAFE_VALUE characters (no newline, quote,
// `$`, `%`, backslash or space). Values are not re-scanned, so they cannot introduce
// variables. Other `{{...}}` text (Go templates in docker commands) is left alone.
import type { FieldPath } from "../../machine";
import { SAFE_VALUE, SAFE_VALUE_TEXT } from "./selectors";

const VARIABLE = /\{\{\s*boot\.([^{}\s]*)\s*\}\}/g;

/** Values every group provides (group, profile) or the request reports. */
export const BUILTIN_VARIABLES = ["mac", "uuid", "hostname", "serial", "group", "profile"] as const;
/** Group metadata keys: lowercase, usable as environment names once uppercased. */
export const METADATA_KEY = /^[a-z][a-z0-9_]{0,63}$/;

/** Why a variable name is not accepted, or undefined. */
export function checkVariable(name: string): string | undefined {
  if ((BUILTIN_VARIABLES as readonly string[]).includes(name)) return undefined;
  const m = /^metadata\.(.*)$/.exec(name);
  if (m && METADATA_KEY.test(m[1]!)) return undefined;
  return `unknown variable {{boot.${name}}}; accepted: ${BUILTIN_VARIABLES.map((v) => `{{boot.${v}}}`).join(", ")} and {{boot.metadata.KEY}} (KEY a group metadata key)`;
}

/** Calls `found` for each variable in each string leaf of `value`. */
export function scanVariables(value: unknown, at: FieldPath, found: (name: string, at: FieldPath) => void): void {
  if (typeof value === "string") {
    for (const m of value.matchAll(VARIABLE)) found(m[1]!, at);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => scanVariables(v, [...at, i], found));
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) scanVariables(v, [...at, k], found);
  }
}

export type Substituted<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly variable: string; readonly at: FieldPath; readonly reason: string };

type Failure = { variable: string; at: FieldPath; reason: string };

function replaceIn(text: string, at: FieldPath, vars: Readonly<Record<string, string | undefined>>, fail: (f: Failure) => void): string {
  return text.replace(VARIABLE, (whole, name: string) => {
    const v = vars[name];
    if (v === undefined) fail({ variable: name, at, reason: "has no value for this machine" });
    else if (!SAFE_VALUE.test(v)) fail({ variable: name, at, reason: `has a value with characters other than ${SAFE_VALUE_TEXT}` });
    else return v;
    return whole;
  });
}

function walk(value: unknown, at: FieldPath, vars: Readonly<Record<string, string | undefined>>, fail: (f: Failure) => void): unknown {
  if (typeof value === "string") return replaceIn(value, at, vars, fail);
  if (Array.isArray(value)) return value.map((v, i) => walk(v, [...at, i], vars, fail));
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, [...at, k], vars, fail);
    return out;
  }
  return value;
}

/** Replaces every variable; fails on the first one without a (safe) value. */
export function substitute<T>(value: T, vars: Readonly<Record<string, string | undefined>>): Substituted<T> {
  let first: Failure | undefined;
  const out = walk(value, [], vars, (f) => (first ??= f));
  return first ? { ok: false, ...first } : { ok: true, value: out as T };
}
