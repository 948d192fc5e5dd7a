// Small readers for untrusted parsed YAML/JSON: each records a problem at its field path
// and returns undefined for a value it cannot accept.
import type { FieldPath } from "../../machine";
import type { Problems } from "./problems";

export type Obj = Record<string, unknown>;

export function isRecord(v: unknown): v is Obj {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (isRecord(v)) return "a mapping";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

export function wrongType(p: Problems, at: FieldPath, v: unknown, expected: string): undefined {
  p.add("wrong-type", at, v, `expected ${expected}, got ${typeName(v)}`);
  return undefined;
}

export function readRecord(p: Problems, v: unknown, at: FieldPath, what: string): Obj | undefined {
  return isRecord(v) ? v : wrongType(p, at, v, what);
}

/** Levenshtein distance, for "did you mean" on unknown keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

export function checkKeys(p: Problems, o: Obj, at: FieldPath, allowed: readonly string[]): void {
  for (const key of Object.keys(o)) {
    if (allowed.includes(key)) continue;
    const near = allowed.find((a) => distance(a.toLowerCase(), key.toLowerCase()) <= 2);
    p.add("unknown-field", [...at, key], key, `unknown field "${key}"${near ? `; did you mean "${near}"?` : ""} Accepted: ${allowed.join(", ")}`);
  }
}

export function optString(p: Problems, o: Obj, key: string, at: FieldPath): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  return typeof v === "string" ? v : wrongType(p, [...at, key], v, "a string");
}

export function reqString(p: Problems, o: Obj, key: string, at: FieldPath, hint: string): string | undefined {
  if (o[key] === undefined) {
    p.add("missing-field", [...at, key], undefined, `"${key}" is required: ${hint}`);
    return undefined;
  }
  return optString(p, o, key, at);
}

/** A list whose entries are read one by one; bad entries are left out. */
export function readList<T>(p: Problems, o: Obj, key: string, at: FieldPath, item: (v: unknown, at: FieldPath) => T | undefined): T[] | undefined {
  const v = o[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) return wrongType(p, [...at, key], v, "a list");
  const out: T[] = [];
  v.forEach((x, i) => {
    const r = item(x, [...at, key, i]);
    if (r !== undefined) out.push(r);
  });
  return out;
}
