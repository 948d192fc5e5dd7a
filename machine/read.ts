// Typed reading of untrusted plain data (parsed YAML/JSON or a TypeScript caller's
// object). Each reader records a problem and returns undefined instead of throwing, so
// a loader walks the whole input and reports every problem at once.
import { Problems, formatPath, typeName, type FieldPath } from "./problems";

export type Obj = Readonly<Record<string, unknown>>;

/** Plain objects only: class instances, Maps and the like could answer field reads
 *  from their prototype, which would let inherited values pass as input. */
export function isRecord(v: unknown): v is Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const squash = (k: string) => k.toLowerCase().replace(/[-_]/g, "");

function editDistance(a: string, b: string): number {
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

/** The allowed key a misspelt one most likely meant (snake_case, case slips, ≤2 typos). */
export function suggestKey(key: string, allowed: readonly string[]): string | undefined {
  const exact = allowed.find((a) => squash(a) === squash(key));
  if (exact) return exact;
  if (key.length > 64) return undefined;
  let best: { key: string; d: number } | undefined;
  for (const a of allowed) {
    const d = editDistance(key.toLowerCase(), a.toLowerCase());
    if (d <= 2 && (!best || d < best.d)) best = { key: a, d };
  }
  return best?.key;
}

/** Reports every key of `obj` that is not in `allowed`, suggesting the closest one. */
export function checkKeys(p: Problems, obj: Obj, at: FieldPath, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const hint = suggestKey(key, allowed);
    p.add(
      "unknown-field",
      [...at, key],
      obj[key],
      `unknown field "${key}"${hint ? `; did you mean "${hint}"?` : ""} Accepted here: ${allowed.join(", ")}`,
    );
  }
}

export function wrongType(p: Problems, at: FieldPath, v: unknown, expected: string): undefined {
  p.add("wrong-type", at, v, `expected ${expected}, got ${typeName(v)}`);
  return undefined;
}

/** A required mapping at `at`; reports and returns undefined otherwise. */
export function readRecord(p: Problems, v: unknown, at: FieldPath, what = "a mapping"): Obj | undefined {
  if (v === undefined) {
    p.add("missing-field", at, v, `${what} is required here`);
    return undefined;
  }
  return isRecord(v) ? v : wrongType(p, at, v, what);
}

export function optString(p: Problems, obj: Obj, key: string, at: FieldPath): string | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  return typeof v === "string" ? v : wrongType(p, [...at, key], v, "a string");
}

export function reqString(p: Problems, obj: Obj, key: string, at: FieldPath, hint = "a string"): string | undefined {
  const v = obj[key];
  if (v === undefined) {
    p.add("missing-field", [...at, key], v, `"${key}" is required: ${hint}`);
    return undefined;
  }
  return typeof v === "string" ? v : wrongType(p, [...at, key], v, hint);
}

export function optBool(p: Problems, obj: Obj, key: string, at: FieldPath, fallback: boolean): boolean {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (typeof v === "boolean") return v;
  wrongType(p, [...at, key], v, "true or false");
  return fallback;
}

/** A list field (absent = empty); each element goes through `item`, failures dropped.
 *  Each accepted value keeps the path it was read from (for later cross-checks). */
export function readListAt<T>(
  p: Problems,
  obj: Obj,
  key: string,
  at: FieldPath,
  item: (v: unknown, at: FieldPath) => T | undefined,
): { value: T; at: FieldPath }[] {
  const v = obj[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    wrongType(p, [...at, key], v, "a list");
    return [];
  }
  const out: { value: T; at: FieldPath }[] = [];
  v.forEach((el, i) => {
    const r = item(el, [...at, key, i]);
    if (r !== undefined) out.push({ value: r, at: [...at, key, i] });
  });
  return out;
}

export function readList<T>(p: Problems, obj: Obj, key: string, at: FieldPath, item: (v: unknown, at: FieldPath) => T | undefined): T[] {
  return readListAt(p, obj, key, at, item).map((e) => e.value);
}

/** Reports the second and later entries whose `keyOf` repeats an earlier one. */
export function checkUnique<T>(p: Problems, items: readonly { value: T; at: FieldPath }[], keyOf: (t: T) => string, what: string): void {
  const seen = new Map<string, FieldPath>();
  for (const { value, at } of items) {
    const k = keyOf(value);
    const first = seen.get(k);
    if (first) p.add("duplicate", at, k, `${what} "${k}" is already given at ${formatPath(first)}; each ${what} may appear once`);
    else seen.set(k, at);
  }
}
