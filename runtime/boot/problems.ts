// Errors as data for the boot service. A problem names the data file and line, the field
// path inside it, the offending value and what would be accepted. Loaders collect every
// problem before answering; nothing is thrown and nothing is half-accepted.
import { formatPath, type FieldPath } from "../../machine";

export type BootProblemCode =
  /** Not YAML/JSON, or unreadable. */
  | "syntax"
  | "wrong-type"
  | "missing-field"
  /** A key the format does not know (the message suggests the nearest one). */
  | "unknown-field"
  | "invalid-value"
  /** Two files or entries claim the same name, selector set or default role. */
  | "duplicate"
  /** Fields fine alone, wrong together (e.g. a reserved kernel argument). */
  | "conflict"
  /** A group names a profile that does not exist. */
  | "unknown-profile"
  /** A profile names a cached asset the assets directory does not hold. */
  | "missing-asset"
  /** Bytes whose SHA-256 differs from the one declared. */
  | "checksum-mismatch"
  /** Valid data the chosen OS or config format cannot express. */
  | "unsupported"
  | "too-large";

export interface BootProblem {
  readonly code: BootProblemCode;
  /** Data file relative to the data directory, e.g. `groups/web-1.yaml`. */
  readonly file?: string;
  readonly line?: number;
  /** Field path inside the file; [] is the document as a whole. */
  readonly at: FieldPath;
  readonly value: string;
  readonly message: string;
}

export function excerpt(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

/** A short JSON-like rendering of any input value. */
export function describeValue(v: unknown): string {
  if (v === undefined) return "(missing)";
  if (typeof v === "string") return excerpt(JSON.stringify(v));
  if (typeof v === "function" || typeof v === "symbol") return `<${typeof v}>`;
  try {
    return excerpt(JSON.stringify(v) ?? String(v));
  } catch {
    return "<unprintable value>";
  }
}

/** `FILE:LINE: PATH: CODE: message`, leaving out the parts that are unknown. */
export function formatBootProblem(p: BootProblem): string {
  const where = p.file === undefined ? "" : p.line === undefined ? `${p.file}: ` : `${p.file}:${p.line}: `;
  return `${where}${formatPath(p.at) || "(document)"}: ${p.code}: ${p.message}`;
}

/** Plain JSON for API answers and `--json` output. */
export function problemJson(p: BootProblem): Record<string, unknown> {
  return { code: p.code, ...(p.file !== undefined && { file: p.file }), ...(p.line !== undefined && { line: p.line }), path: formatPath(p.at), value: p.value, message: p.message };
}

/** Collects problems for one file while a reader walks it. */
export class Problems {
  readonly list: BootProblem[] = [];

  constructor(readonly file?: string) {}

  add(code: BootProblemCode, at: FieldPath, value: unknown, message: string): void {
    this.list.push({ code, ...(this.file !== undefined && { file: this.file }), at: [...at], value: describeValue(value), message });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}
