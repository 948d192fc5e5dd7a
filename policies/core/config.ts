// Policy config: one declaration per field gives both the JSON schema CrossGuard shows
// and validates (`configSchema`) and the reader the policy uses, so they cannot drift.
// `args.getConfig()` returns only what the user set (no schema defaults), so defaults
// are applied here. A bad value is reported, not guessed: the policy then reports the
// problem as its violation and skips its check (a misconfigured guard must not pass).
import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

export interface Field<T> {
  readonly schema: PolicyConfigJSONSchema;
  readonly default: T;
  /** The value, or a sentence saying what is accepted. */
  /** The value, or what is accepted (with the offending entry when one item is bad). */
  read(v: unknown): { readonly ok: true; readonly value: T } | Refused;
}

interface Refused {
  readonly ok: false;
  readonly accepted: string;
  /** Path below the field ("api" in ports.api, "[2]" in a list) and the value there. */
  readonly entry?: { readonly at: string; readonly value: unknown };
}

export type Spec = Readonly<Record<string, Field<unknown>>>;
export type ConfigOf<S extends Spec> = { readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never };

export type ConfigResult<C> = { readonly ok: true; readonly value: C } | { readonly ok: false; readonly problems: readonly string[] };

const good = <T>(value: T) => ({ ok: true as const, value });
const bad = (accepted: string, entry?: Refused["entry"]): Refused => ({ ok: false, accepted, ...(entry && { entry }) });

export function booleanField(def: boolean, description: string): Field<boolean> {
  return {
    schema: { type: "boolean", default: def, description },
    default: def,
    read: (v) => (typeof v === "boolean" ? good(v) : bad(`true or false (default ${def})`)),
  };
}

export function integerField(def: number, min: number, max: number, description: string): Field<number> {
  return {
    schema: { type: "integer", minimum: min, maximum: max, default: def, description },
    default: def,
    read: (v) => (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? good(v) : bad(`an integer from ${min} to ${max} (default ${def})`)),
  };
}

/** A list of strings; `check` returns why one item is refused, or undefined. */
export function stringsField(def: readonly string[], description: string, check: (s: string) => string | undefined = () => undefined): Field<readonly string[]> {
  return {
    schema: { type: "array", items: { type: "string" }, default: [...def], description },
    default: def,
    read: (v) => {
      if (!Array.isArray(v)) return bad(`a list of strings (default ${JSON.stringify(def)})`);
      for (const [i, s] of v.entries()) {
        if (typeof s !== "string") return bad("a string", { at: `[${i}]`, value: s });
        const why = check(s);
        if (why) return bad(why, { at: `[${i}]`, value: s });
      }
      return good(v as string[]);
    },
  };
}

/** A mapping of names to integers in [min, max] (ports, sizes). */
export function integerMapField(def: Readonly<Record<string, number>>, min: number, max: number, description: string): Field<Readonly<Record<string, number>>> {
  return {
    schema: { type: "object", additionalProperties: { type: "integer", minimum: min, maximum: max }, default: { ...def }, description },
    default: def,
    read: (v) => {
      if (typeof v !== "object" || v === null || Array.isArray(v)) return bad(`a mapping of names to integers from ${min} to ${max}, e.g. ${JSON.stringify(def)}`);
      for (const [k, n] of Object.entries(v)) {
        if (!(typeof n === "number" && Number.isInteger(n) && n >= min && n <= max)) return bad(`an integer from ${min} to ${max}`, { at: `.${k}`, value: n });
      }
      return good(v as Record<string, number>);
    },
  };
}

/** A JavaScript regular expression given as a string; undefined when it compiles. */
export function regexProblem(s: string): string | undefined {
  try {
    new RegExp(s);
    return undefined;
  } catch (e) {
    return `${JSON.stringify(s)} is not a regular expression (${(e as Error).message})`;
  }
}

export interface Config<S extends Spec> {
  readonly schema: PolicyConfigSchema;
  read(raw: unknown, policy: string): ConfigResult<ConfigOf<S>>;
}

export function defineConfig<S extends Spec>(spec: S): Config<S> {
  const properties: Record<string, PolicyConfigJSONSchema> = {};
  for (const [k, f] of Object.entries(spec)) properties[k] = f.schema;
  return {
    schema: { properties },
    read(raw, policy) {
      const obj = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
      const problems: string[] = [];
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(obj)) {
        if (!(key in spec)) problems.push(`config ${policy}.${key}: unknown setting; accepted: ${[...Object.keys(spec), "enforcementLevel"].join(", ")}`);
      }
      for (const [key, f] of Object.entries(spec)) {
        const v = obj[key];
        if (v === undefined) {
          out[key] = f.default;
          continue;
        }
        const r = f.read(v);
        if (r.ok) out[key] = r.value;
        else {
          const [at, value] = r.entry ? [`${key}${r.entry.at}`, r.entry.value] : [key, v];
          problems.push(`config ${policy}.${at}: ${(JSON.stringify(value) ?? String(value)).slice(0, 60)} is not accepted; expected ${r.accepted}`);
        }
      }
      return problems.length ? { ok: false, problems } : { ok: true, value: out as ConfigOf<S> };
    },
  };
}
