// Small readers for untrusted component arguments (JavaScript and YAML programs bypass
// TypeScript's checks). Each records a problem with the field path and returns the value
// when it is usable.
import * as pulumi from "@pulumi/pulumi";
import { Problems, type FieldPath } from "./problems";

export type Obj = Readonly<Record<string, unknown>>;

export function isRecord(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A value Pulumi resolves later (Output or Promise). */
export function isDeferred(v: unknown): boolean {
  return pulumi.Output.isInstance(v) || (typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function");
}

export function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

export function wrongType(p: Problems, at: FieldPath, v: unknown, expected: string): undefined {
  p.add("wrong-type", at, v, `expected ${expected}, got ${typeName(v)}`);
  return undefined;
}

export function reqString(p: Problems, o: Obj, key: string, at: FieldPath, what: string): string | undefined {
  const v = o[key];
  if (v === undefined) return void p.add("missing-field", [...at, key], v, `${key} is required: ${what}`);
  if (typeof v !== "string") return wrongType(p, [...at, key], v, what);
  if (v.trim() === "") return void p.add("invalid-value", [...at, key], v, `${key} must not be empty: ${what}`);
  return v;
}

export function optString(p: Problems, o: Obj, key: string, at: FieldPath, what: string): string | undefined {
  return o[key] === undefined ? undefined : reqString(p, o, key, at, what);
}

/** A pulumi.Input<string>: a non-empty string, or an Output/Promise checked at deployment. */
export function reqInputString(p: Problems, o: Obj, key: string, at: FieldPath, what: string): void {
  if (o[key] !== undefined && isDeferred(o[key])) return;
  reqString(p, o, key, at, what);
}

export function optInputString(p: Problems, o: Obj, key: string, at: FieldPath, what: string): void {
  if (o[key] !== undefined) reqInputString(p, o, key, at, what);
}

export function intIn(p: Problems, o: Obj, key: string, at: FieldPath, min: number, max: number, fallback?: number): number | undefined {
  const v = o[key];
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    return void p.add("missing-field", [...at, key], v, `${key} is required: a whole number from ${min} to ${max}`);
  }
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    return void p.add("invalid-value", [...at, key], v, `${key} must be a whole number from ${min} to ${max}`);
  }
  return v;
}

export function optBool(p: Problems, o: Obj, key: string, at: FieldPath): boolean | undefined {
  const v = o[key];
  if (v === undefined || typeof v === "boolean") return v;
  return wrongType(p, [...at, key], v, "true or false");
}

export function oneOf<T extends string>(p: Problems, o: Obj, key: string, at: FieldPath, allowed: readonly T[], fallback?: T): T | undefined {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
  const code = v === undefined ? "missing-field" : "invalid-value";
  p.add(code, [...at, key], v, `${key} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}${fallback ? ` (default "${fallback}")` : ""}`);
  return undefined;
}

/** A list of strings (each non-empty); undefined entries are reported by index. */
export function stringList(p: Problems, o: Obj, key: string, at: FieldPath, what: string, inputs = false): unknown[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return wrongType(p, [...at, key], v, `a list of ${what}`);
  v.forEach((item, i) => {
    if (inputs && isDeferred(item)) return;
    if (typeof item !== "string" || item.trim() === "") p.add("invalid-value", [...at, key, i], item, `expected ${what} (a non-empty string)`);
  });
  return v;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** IPv4 or IPv6 CIDR such as 203.0.113.0/24 or 2001:db8::/32. */
export function checkCidr(v: string): string | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(v);
  const accepted = "expected a CIDR such as 203.0.113.0/24 or 2001:db8::/32";
  if (!m) return `"${v}" is not a CIDR; ${accepted}`;
  const [, ip, bits] = m;
  if (IPV4.test(ip!)) return Number(bits) <= 32 ? undefined : `prefix /${bits} is longer than 32; ${accepted}`;
  if (/^[0-9a-fA-F:]{2,39}$/.test(ip!) && ip!.includes(":")) return Number(bits) <= 128 ? undefined : `prefix /${bits} is longer than 128; ${accepted}`;
  return `"${ip}" is not an IP address; ${accepted}`;
}

/** A fleet metadata map: keys [A-Za-z0-9_-], values without spaces, ",", "=" or quotes. */
export function metadataMap(p: Problems, o: Obj, key: string, at: FieldPath, reserved: readonly string[]): Record<string, string> {
  const v = o[key];
  if (v === undefined) return {};
  if (!isRecord(v)) return wrongType(p, [...at, key], v, "a mapping of metadata keys to values") ?? {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    const here = [...at, key, k];
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(k)) p.add("invalid-value", here, k, `metadata key "${k}" is invalid; accepted: letters, digits, "_" and "-"`);
    else if (reserved.includes(k)) p.add("conflict", here, k, `metadata key "${k}" is set by Hafen (reserved: ${reserved.join(", ")}); choose another key`);
    else if (typeof val !== "string") wrongType(p, here, val, "a string");
    else if (!/^[^\s,="'\0-\x1f]{1,255}$/.test(val)) p.add("invalid-value", here, val, 'metadata value must be non-empty without spaces, ",", "=" or quotes (fleet\'s k=v lists)');
    else out[k] = val;
  }
  return out;
}
