// Errors as data for the machine layer. Every problem names where it is (a field path
// such as `units[2].dropIns[0].name`, and the source line when the input was text),
// the offending value (cut to a readable length) and a sentence saying what would be
// accepted. Loaders collect all problems before returning; nothing is thrown.

export type MachineProblemCode =
  /** The text is not YAML/JSON/cloud-config at all. */
  | "syntax"
  /** A value has the wrong JSON type (string where a list is expected, ...). */
  | "wrong-type"
  | "missing-field"
  /** A key the model does not know (usually a typo; the message suggests the right one). */
  | "unknown-field"
  /** Right type, unacceptable value (bad path, mode, key, name, URL, ...). */
  | "invalid-value"
  /** Two entries claim the same path, unit, user or drop-in. */
  | "duplicate"
  /** Fields that are fine alone but not together. */
  | "conflict"
  /** A valid model the target format or OS cannot express. */
  | "unsupported"
  /** The rendered config is over the provider's user-data limit. */
  | "too-large";

export type PathSegment = string | number;
export type FieldPath = readonly PathSegment[];

export interface MachineProblem {
  readonly code: MachineProblemCode;
  /** Segments of the field path; [] means the document as a whole. */
  readonly at: FieldPath;
  /** The offending value, cut to a readable length ("(missing)" when absent). */
  readonly value: string;
  /** What is wrong and what would be accepted. */
  readonly message: string;
  /** Source file and 1-based line, filled in by shells that know the text. */
  readonly file?: string;
  readonly line?: number;
}

export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly MachineProblem[] };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(problems: readonly MachineProblem[]): Result<T> {
  return { ok: false, problems };
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `units[2].dropIns[0].name`; keys that are not identifiers are quoted: `metadata["a.b"]`. */
export function formatPath(at: FieldPath): string {
  let out = "";
  for (const seg of at) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Cuts text for messages so a 1 MiB value does not become a 1 MiB error. */
export function excerpt(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

/** A short, JSON-like rendering of any input value for the `value` field. */
export function describeValue(v: unknown): string {
  if (v === undefined) return "(missing)";
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (typeof v === "string") return excerpt(JSON.stringify(v));
  if (typeof v === "function" || typeof v === "symbol") return `<${typeof v}>`;
  if (typeof v === "bigint") return `${v}n`;
  try {
    return excerpt(JSON.stringify(v) ?? String(v));
  } catch {
    return "<unprintable value>";
  }
}

/** Human name of a value's JSON type, for "expected X, got Y" messages. */
export function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (v instanceof Uint8Array) return "bytes";
  switch (typeof v) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "object": {
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto === Object.prototype || proto === null) return "a mapping";
      const ctor = (v as object).constructor;
      return typeof ctor === "function" && ctor !== Object && ctor.name ? `a ${ctor.name} object` : "an object with a custom prototype";
    }
    case "undefined":
      return "nothing";
    default:
      return typeof v;
  }
}

/** `FILE:LINE: PATH: CODE: message`, leaving out the parts that are unknown. */
export function formatProblem(p: MachineProblem): string {
  const where = [p.file, p.line !== undefined && p.file !== undefined ? String(p.line) : undefined]
    .filter((s): s is string => s !== undefined)
    .join(":");
  const path = formatPath(p.at) || "(document)";
  return `${where ? `${where}: ` : ""}${path}: ${p.code}: ${p.message}`;
}

/** Collects problems while a loader walks its input. */
export class Problems {
  readonly list: MachineProblem[] = [];

  add(code: MachineProblemCode, at: FieldPath, value: unknown, message: string): void {
    this.list.push({ code, at: [...at], value: describeValue(value), message });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}
