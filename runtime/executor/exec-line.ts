// ExecStart=, ExecStartPre=, ExecStartPost=, ExecStop=, ExecStopPost= command lines, as
// systemd.service(5) "COMMAND LINES" defines them (checked against systemd 252's
// systemd-analyze verify). Pure: load time parses, start time expands the environment.
//
// Load time (parseExecValue):
// - the value is split into words (words.ts); a word written exactly `;` ends one command
//   and starts another (empty commands are skipped); `\;` is a literal ";" argument;
// - the first word may start with prefixes, each at most once: `-` (a failing exit status
//   is recorded but counts as success), `@` (the next word is argv[0]), `:` (no
//   environment expansion), and one of `+`, `!`, `!!` (privilege handling). The process
//   executor runs everything as the agent's own user, so `+ ! !!` are accepted and have no
//   effect there; the systemd executor passes them to systemd unchanged;
// - `%` specifiers are expanded in every word (specifiers.ts);
// - the executable must be an absolute path or (systemd ≥ 239) a bare file name, looked up
//   at start on FIXED_SEARCH_PATH — never on the unit's $PATH. It may not be a variable
//   ($FOO), name a directory (trailing "/"), or contain control characters.
// Start time (expandArgv): `${FOO}` anywhere in a word is replaced by FOO's value as is
// (unset: empty); a word that is `$FOO` on its own becomes FOO's value split at blanks
// (quotes respected, then removed; unset: no words at all); `$$` is a literal "$"; any
// other `$` stays. The `:` prefix turns all of this off.
import { parsed, refused, type Parsed } from "./problems";
import { expandSpecifiers } from "./specifiers";
import { splitWords, type Word } from "./words";

export type Privilege = "" | "+" | "!" | "!!";

export interface ExecCommand {
  /** Absolute path, or a bare name to look up on FIXED_SEARCH_PATH at start. */
  readonly path: string;
  /** argv[0] first (the path as written, or the `@` word); specifiers expanded. */
  readonly argv: readonly string[];
  /** `-`: a failing exit status is logged and treated as success. */
  readonly ignoreFailure: boolean;
  /** False with the `:` prefix. */
  readonly expandEnvironment: boolean;
  readonly privilege: Privilege;
}

/** systemd's compiled-in search path for bare executable names (merged /usr plus split). */
export const FIXED_SEARCH_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"] as const;

/**
 * Parses one Exec*= value into its commands. An empty value is not handled here: for
 * unit options it resets the list (the caller's job).
 */
export function parseExecValue(value: string, specifiers: Readonly<Record<string, string>>): Parsed<ExecCommand[]> {
  const split = splitWords(value);
  if (!split.ok) return split;
  const commands: ExecCommand[] = [];
  let current: Word[] = [];
  for (const word of [...split.value, { raw: ";", value: ";" }]) {
    if (word.raw !== ";") {
      current.push(word.raw === "\\;" ? { raw: word.raw, value: ";" } : word);
      continue;
    }
    if (current.length > 0) {
      const cmd = parseCommand(current, specifiers);
      if (!cmd.ok) return cmd;
      commands.push(cmd.value);
    }
    current = [];
  }
  if (commands.length === 0) return refused("no command is given; expected an absolute path or a program name, then its arguments");
  return parsed(commands);
}

interface Prefixes {
  readonly ignoreFailure: boolean;
  readonly separateArgv0: boolean;
  readonly noExpand: boolean;
  readonly privilege: Privilege;
  readonly rest: string;
}

/** systemd's prefix loop: a prefix that may not come (again) ends the prefixes. */
function readPrefixes(first: string): Prefixes {
  let ignoreFailure = false;
  let separateArgv0 = false;
  let noExpand = false;
  let privilege: Privilege = "";
  let i = 0;
  for (; i < first.length; i++) {
    const c = first[i];
    if (c === "-" && !ignoreFailure) ignoreFailure = true;
    else if (c === "@" && !separateArgv0) separateArgv0 = true;
    else if (c === ":" && !noExpand) noExpand = true;
    else if (c === "+" && privilege === "") privilege = "+";
    else if (c === "!" && privilege === "") privilege = "!";
    else if (c === "!" && privilege === "!") privilege = "!!";
    else break;
  }
  return { ignoreFailure, separateArgv0, noExpand, privilege, rest: first.slice(i) };
}

function parseCommand(words: readonly Word[], specifiers: Readonly<Record<string, string>>): Parsed<ExecCommand> {
  const p = readPrefixes(words[0]!.value);
  if (p.rest === "") return refused(`the command "${words[0]!.raw}" has prefixes but no executable; expected e.g. -/usr/bin/true`);
  const path = expandSpecifiers(p.rest, specifiers);
  if (!path.ok) return path;
  const bad = executableProblem(path.value);
  if (bad) return refused(bad);
  const args: string[] = [];
  for (const w of words.slice(1)) {
    const e = expandSpecifiers(w.value, specifiers);
    if (!e.ok) return e;
    args.push(e.value);
  }
  if (p.separateArgv0 && (args.length === 0 || args[0] === "")) {
    return refused(`the "@" prefix needs the word after the executable to be argv[0], and there is none`);
  }
  const argv = p.separateArgv0 ? args : [path.value, ...args];
  return parsed({ path: path.value, argv, ignoreFailure: p.ignoreFailure, expandEnvironment: !p.noExpand, privilege: p.privilege });
}

/** Why `path` cannot be an executable, or undefined. */
export function executableProblem(path: string): string | undefined {
  const accepted = "expected an absolute path such as /usr/bin/sleep or a bare program name such as sleep";
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(path)) return `the executable ${JSON.stringify(path)} contains control characters; ${accepted}`;
  if (path.startsWith("$")) return `the executable "${path}" is a variable, which systemd does not expand in the executable; ${accepted}`;
  if (path.startsWith("/")) {
    if (path.endsWith("/") || path.endsWith("/.") || path.endsWith("/..")) return `"${path}" names a directory, not an executable; ${accepted}`;
    if (path.length > 4095) return `the executable path is ${path.length} characters; at most 4095 are accepted`;
    return undefined;
  }
  if (path.includes("/") || path === "." || path === "..") return `"${path}" is neither an absolute path nor a bare program name; ${accepted}`;
  if (path.length > 255) return `the program name is ${path.length} characters; at most 255 are accepted`;
  return undefined;
}

/** Variables as a map, for expansion; the caller builds it from the unit's environment. */
export type Env = ReadonlyMap<string, string>;

/** Start-time environment expansion of a command's argv (see the header). */
export function expandArgv(cmd: ExecCommand, env: Env): string[] {
  if (!cmd.expandEnvironment) return [...cmd.argv];
  const out: string[] = [];
  cmd.argv.forEach((word, i) => {
    // argv[0] is never split: a command always keeps its zeroth argument.
    if (i > 0 && word.startsWith("$") && word[1] !== "{" && word[1] !== "$") {
      const value = env.get(word.slice(1));
      if (value !== undefined) out.push(...splitValue(value));
      return;
    }
    out.push(expandBraced(word, env));
  });
  return out;
}

/** A variable's value split at blanks, quotes respected and removed (systemd: relaxed). */
function splitValue(value: string): string[] {
  const w = splitWords(value);
  if (w.ok) return w.value.map((x) => x.value);
  return value.split(/[ \t\n\r]+/).filter((s) => s !== "");
}

/** `${NAME}` → value (unset: ""), `$$` → "$"; everything else unchanged. */
export function expandBraced(word: string, env: Env): string {
  if (!word.includes("$")) return word;
  return word.replace(/\$\$|\$\{([^}]*)\}/g, (m, name: string | undefined) => {
    if (m === "$$") return "$";
    // systemd leaves ${A:-b} and friends alone unless extended syntax is on (it is not here).
    if (name === undefined || name.includes(":")) return m;
    return env.get(name) ?? "";
  });
}

/**
 * The absolute path to execute: `path` itself when absolute, else the first entry of
 * FIXED_SEARCH_PATH where `isExecutable` says yes; undefined when there is none.
 */
export async function resolveExecutable(path: string, isExecutable: (p: string) => Promise<boolean>): Promise<string | undefined> {
  if (path.startsWith("/")) return path;
  for (const dir of FIXED_SEARCH_PATH) {
    const candidate = `${dir}/${path}`;
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}
