// Resource properties as plain data. CrossGuard hands policies its property bag behind a
// proxy that throws `UnknownValueError` when code touches a value that is not known yet
// (during `pulumi preview`, anything computed from another resource's outputs). Reading
// through `snapshot` turns each unknown value into UNKNOWN instead, so one unknown field
// skips only the checks that need it, not every check of the resource. Secret values are
// NOT marked: @pulumi/policy 1.21 unwraps them before validation (deserializeProperties
// with proxySecrets=false), so a policy sees a secret's plain value and cannot tell it
// was secret (see README "Secrets and unknown values").
import { UnknownValueError } from "@pulumi/policy";

export const UNKNOWN: unique symbol = Symbol("unknown until the update runs");
export type Unknown = typeof UNKNOWN;

export type Value = string | number | boolean | null | undefined | Unknown | readonly Value[] | Props;
export interface Props {
  readonly [key: string]: Value;
}

/** Deeper structures are cut off (property bags are JSON; this only bounds the walk). */
const MAX_DEPTH = 32;

function guarded<T>(read: () => T): T | Unknown {
  try {
    return read();
  } catch (e) {
    if (e instanceof UnknownValueError) return UNKNOWN;
    throw e;
  }
}

/** A plain copy of `v` where every unknown value (at any depth) is UNKNOWN. */
export function snapshot(v: unknown, depth = 0): Value {
  if (v === null || v === undefined || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v !== "object" || depth >= MAX_DEPTH) return undefined;
  if (Array.isArray(v)) {
    const n = guarded(() => v.length);
    if (n === UNKNOWN) return UNKNOWN;
    return Array.from({ length: n }, (_, i) => {
      const item = guarded(() => v[i] as unknown);
      return item === UNKNOWN ? UNKNOWN : snapshot(item, depth + 1);
    });
  }
  const out: Record<string, Value> = {};
  for (const key of Object.keys(v)) {
    const item = guarded(() => (v as Record<string, unknown>)[key]);
    out[key] = item === UNKNOWN ? UNKNOWN : snapshot(item, depth + 1);
  }
  return out;
}

export function isProps(v: Value): v is Props {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isList(v: Value): v is readonly Value[] {
  return Array.isArray(v);
}

/** The field of a record; undefined for anything that is not a record. */
export function at(v: Value, key: string): Value {
  return isProps(v) ? v[key] : undefined;
}

export function asString(v: Value): string | Unknown | undefined {
  return v === UNKNOWN || typeof v === "string" ? v : undefined;
}

export function asNumber(v: Value): number | Unknown | undefined {
  if (v === UNKNOWN || typeof v === "number") return v;
  // Providers' numeric inputs sometimes arrive as strings ("2379") from config.
  return typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** A list's items, [] when absent, UNKNOWN when the list itself is unknown. */
export function asList(v: Value): readonly Value[] | Unknown {
  if (v === UNKNOWN) return UNKNOWN;
  return isList(v) ? v : [];
}

/** The known strings of a list value, and whether any item (or the list) was unknown. */
export function stringsOf(v: Value): { readonly known: readonly string[]; readonly unknown: boolean } {
  const list = asList(v);
  if (list === UNKNOWN) return { known: [], unknown: true };
  return {
    known: list.filter((x): x is string => typeof x === "string"),
    unknown: list.some((x) => x === UNKNOWN),
  };
}

/** JSON-ish text of a value for messages (UNKNOWN shows as <unknown>), cut to `max`. */
export function show(v: Value, max = 60): string {
  const text = v === UNKNOWN ? "<unknown>" : JSON.stringify(v, (_k, x: unknown) => (x === UNKNOWN ? "<unknown>" : x)) ?? "undefined";
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
