// Errors as data for the component layer. Validation collects every problem with the
// argument's field path (`pools[1].count`), the offending value and what would be
// accepted; the component then throws one ComponentArgsError naming all of them, before
// it creates any child resource, so a bad program fails at preview and changes nothing.

export type ComponentProblemCode =
  /** A required argument is absent. */
  | "missing-field"
  /** Wrong JSON type (string where a number is expected, ...). */
  | "wrong-type"
  /** Right type, unacceptable value. */
  | "invalid-value"
  /** Two pools (or list entries) claim the same name. */
  | "duplicate"
  /** Arguments that are fine alone but not together. */
  | "conflict"
  /** A pool provider this package does not know. */
  | "unknown-provider"
  /** The control machine count cannot form a useful quorum. */
  | "quorum"
  /** A rendered machine config is over its provider's user-data limit. */
  | "too-large";

export type PathSegment = string | number;
export type FieldPath = readonly PathSegment[];

export interface ComponentProblem {
  readonly code: ComponentProblemCode;
  readonly at: FieldPath;
  /** The offending value, cut to a readable length ("(missing)" when absent). */
  readonly value: string;
  /** What is wrong and what would be accepted. */
  readonly message: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `pools[1].metadata["a.b"]`. */
export function formatPath(at: FieldPath): string {
  let out = "";
  for (const seg of at) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out === "" ? seg : `.${seg}`;
    // A parenthesised segment is a description, not a key: "(name)", "(machine m1: …)".
    else if (/^\(.*\)$/.test(seg)) out += out === "" ? seg : ` ${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || "(args)";
}

export function describe(v: unknown): string {
  if (v === undefined) return "(missing)";
  let text: string;
  try {
    text = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  } catch {
    text = "<unprintable value>";
  }
  return text.length <= 80 ? text : `${text.slice(0, 80)}… (${text.length} chars)`;
}

export function problem(code: ComponentProblemCode, at: FieldPath, value: unknown, message: string): ComponentProblem {
  return { code, at: [...at], value: describe(value), message };
}

export function formatProblem(p: ComponentProblem): string {
  return `${formatPath(p.at)}: ${p.code}: ${p.message}`;
}

/** Thrown by a component's constructor when its arguments fail validation. */
export class ComponentArgsError extends Error {
  constructor(
    readonly component: string,
    readonly problems: readonly ComponentProblem[],
  ) {
    super(`${component}: ${problems.length} invalid argument${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  ${formatProblem(p)}`).join("\n")}`);
    this.name = "ComponentArgsError";
  }
}

/** Throws a ComponentArgsError when `problems` is not empty. */
export function refuse(component: string, problems: readonly ComponentProblem[]): void {
  if (problems.length > 0) throw new ComponentArgsError(component, problems);
}

/** Collects problems while a validator walks its input. */
export class Problems {
  readonly list: ComponentProblem[] = [];

  add(code: ComponentProblemCode, at: FieldPath, value: unknown, message: string): void {
    this.list.push(problem(code, at, value, message));
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}
