// Environment= and EnvironmentFile= (systemd.exec(5), "Environment").
//
// Environment=: words split as in words.ts (so "A=b c" D=e gives two assignments),
// specifiers expanded in each, each word NAME=VALUE with NAME a shell variable name
// ([A-Za-z_][A-Za-z0-9_]*). No $VAR expansion. Several lines add up; an empty value
// clears what came before. systemd only warns about a bad word and skips it; we refuse
// the unit instead (stricter), so a typo never silently drops a variable.
//
// EnvironmentFile=: an absolute path (glob characters allowed in the last component),
// "-" in front makes a missing file fine. Read before each process is spawned (so an
// ExecStartPre= can write it for ExecStart=). File syntax, as systemd 252's
// parse_env_file reads it:
//   KEY=VALUE per line; blank lines and lines starting with # or ; are skipped; blanks
//   around KEY and before VALUE are dropped, and trailing blanks of an unquoted VALUE;
//   'single quotes' keep everything; "double quotes" unescape only \" \\ \` \$ and drop
//   \<newline>; outside quotes a backslash keeps the next character and \<newline>
//   continues the line; text after a closing quote is appended ("a" b → ab);
//   a line without "=" is ignored; a bad NAME is skipped with a warning.
// Precedence (systemd's): the executor's base environment, then $MAINPID/$INVOCATION_ID,
// then Environment= (later lines win), then EnvironmentFile= (later files win) — a file
// overrides Environment= whatever their order in the unit.
import { parsed, refused, type Parsed } from "./problems";
import { expandSpecifiers } from "./specifiers";
import { splitWords } from "./words";

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type Assignment = readonly [name: string, value: string];

/** One Environment= value → its assignments, in order. */
export function parseEnvironmentValue(value: string, specifiers: Readonly<Record<string, string>>): Parsed<Assignment[]> {
  const words = splitWords(value);
  if (!words.ok) return words;
  const out: Assignment[] = [];
  for (const w of words.value) {
    const e = expandSpecifiers(w.value, specifiers);
    if (!e.ok) return e;
    const eq = e.value.indexOf("=");
    const name = eq < 0 ? e.value : e.value.slice(0, eq);
    if (eq < 0 || !ENV_NAME.test(name)) {
      return refused(`"${e.value}" is not an assignment NAME=VALUE with NAME made of letters, digits and "_" (not starting with a digit)`);
    }
    if (e.value.includes("\0")) return refused(`the value of ${name} contains a NUL character`);
    out.push([name, e.value.slice(eq + 1)]);
  }
  return parsed(out);
}

export interface EnvironmentFileRef {
  readonly path: string;
  /** "-" prefix: a missing file (or a glob matching nothing) is fine. */
  readonly optional: boolean;
}

/** One EnvironmentFile= value → the file reference. */
export function parseEnvironmentFileValue(value: string, specifiers: Readonly<Record<string, string>>): Parsed<EnvironmentFileRef> {
  const optional = value.startsWith("-");
  const e = expandSpecifiers(optional ? value.slice(1) : value, specifiers);
  if (!e.ok) return e;
  const path = e.value;
  if (!path.startsWith("/")) return refused(`"${path}" is not an absolute path; expected e.g. /etc/default/web or -/etc/default/web`);
  const dir = path.slice(0, path.lastIndexOf("/"));
  if (/[*?[]/.test(dir)) return refused(`"${path}" has glob characters in a directory; only the last component may be a pattern`);
  return parsed({ path, optional });
}

export interface EnvFileContent {
  readonly assignments: Assignment[];
  /** Lines skipped, as sentences for the journal. */
  readonly warnings: string[];
}

type State = "preKey" | "key" | "preValue" | "value" | "valueEscape" | "single" | "double" | "doubleEscape" | "comment" | "commentEscape";

const NEEDS_ESCAPE = "\"\\`$";
const BLANK = /[ \t]/;

/** systemd's parse_env_file_internal as a character-at-a-time state machine. */
class EnvFileReader {
  state: State = "preKey";
  key = "";
  value = "";
  /** Index in `value` where trailing unquoted blanks begin, or -1. */
  trailing = -1;
  line = 1;
  readonly out: EnvFileContent = { assignments: [], warnings: [] };

  constructor(private readonly file: string) {}

  push(): void {
    const k = this.key.trimEnd();
    const v = this.state === "value" && this.trailing >= 0 ? this.value.slice(0, this.trailing) : this.value;
    if (!ENV_NAME.test(k)) this.out.warnings.push(`${this.file}:${this.line}: "${k}" is not a valid variable name; line ignored`);
    else this.out.assignments.push([k, v]);
    this.key = "";
    this.value = "";
    this.trailing = -1;
  }

  step(c: string): void {
    const nl = c === "\n" || c === "\r";
    switch (this.state) {
      case "preKey":
      case "key":
      case "comment":
      case "commentEscape":
        this.stepKey(c, nl);
        break;
      case "preValue":
      case "value":
      case "valueEscape":
        this.stepValue(c, nl);
        break;
      case "single":
      case "double":
      case "doubleEscape":
        this.stepQuoted(c);
        break;
      default: {
        const _never: never = this.state;
        return _never;
      }
    }
    if (c === "\n") this.line++;
  }

  private stepKey(c: string, nl: boolean): void {
    if (this.state === "preKey") {
      if (c === "#" || c === ";") this.state = "comment";
      else if (!nl && !BLANK.test(c)) [this.state, this.key] = ["key", c];
    } else if (this.state === "key") {
      if (nl) [this.state, this.key] = ["preKey", ""]; // no "=": the line is ignored
      else if (c === "=") this.state = "preValue";
      else this.key += c;
    } else if (this.state === "comment") {
      if (c === "\\") this.state = "commentEscape";
      else if (nl) this.state = "preKey";
    } else this.state = "comment";
  }

  private stepValue(c: string, nl: boolean): void {
    if (this.state === "valueEscape") {
      this.state = "value";
      if (!nl) this.value += c; // an escaped newline continues the line
    } else if (nl) {
      this.push();
      this.state = "preKey";
    } else if (c === "\\") [this.state, this.trailing] = ["valueEscape", -1];
    else if (this.state === "preValue") {
      if (c === "'") this.state = "single";
      else if (c === '"') this.state = "double";
      else if (!BLANK.test(c)) [this.state, this.value, this.trailing] = ["value", this.value + c, -1];
    } else {
      if (!BLANK.test(c)) this.trailing = -1;
      else if (this.trailing < 0) this.trailing = this.value.length;
      this.value += c;
    }
  }

  private stepQuoted(c: string): void {
    if (this.state === "single") {
      if (c === "'") this.state = "preValue";
      else this.value += c;
    } else if (this.state === "double") {
      if (c === '"') this.state = "preValue";
      else if (c === "\\") this.state = "doubleEscape";
      else this.value += c;
    } else {
      this.state = "double";
      if (NEEDS_ESCAPE.includes(c)) this.value += c;
      else if (c !== "\n") this.value += `\\${c}`;
    }
  }
}

/** Parses an environment file's text (see the header for the syntax). */
export function parseEnvironmentFile(text: string, file: string): EnvFileContent {
  const r = new EnvFileReader(file);
  for (const c of text) r.step(c);
  if (["preValue", "value", "valueEscape", "single", "double", "doubleEscape"].includes(r.state)) r.push();
  return r.out;
}

/**
 * The environment of one process: base, then `extra` ($MAINPID, $INVOCATION_ID), then
 * Environment= assignments, then the files' assignments, each later one winning.
 */
export function mergeEnvironment(
  base: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>>,
  assignments: readonly Assignment[],
  files: readonly Assignment[],
): Map<string, string> {
  const env = new Map<string, string>(Object.entries(base));
  for (const [k, v] of Object.entries(extra)) env.set(k, v);
  for (const [k, v] of assignments) env.set(k, v);
  for (const [k, v] of files) env.set(k, v);
  return env;
}
