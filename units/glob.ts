// Shell-style globs with the exact syntax and meaning of Go's path.Match, which fleet
// uses for `Conflicts` and `Replaces`:
//   *        any run of characters except '/'
//   ?        one character except '/'
//   [a-z]    one character in a class; [^a-z] negates; ranges lo-hi; \x escapes x
//   \x       the character x
// Patterns are checked whole when compiled, so a malformed one is an error up front
// rather than a silent non-match (fleet ignores path.Match's error and never matches).

type Token =
  | { readonly kind: "char"; readonly ch: string }
  | { readonly kind: "any" }
  | { readonly kind: "star" }
  | { readonly kind: "class"; readonly negated: boolean; readonly ranges: readonly (readonly [string, string])[] };

export interface Glob {
  readonly pattern: string;
  readonly tokens: readonly Token[];
}

/** Longer patterns are refused: unit names are at most 255 characters. */
export const GLOB_MAX_LENGTH = 1024;

export type GlobResult = { readonly ok: true; readonly glob: Glob } | { readonly ok: false; readonly reason: string };

export function compileGlob(pattern: string): GlobResult {
  if (pattern.length > GLOB_MAX_LENGTH) return { ok: false, reason: `it is longer than ${GLOB_MAX_LENGTH} characters` };
  const cs = Array.from(pattern);
  const tokens: Token[] = [];
  let i = 0;
  while (i < cs.length) {
    const c = cs[i]!;
    if (c === "*") {
      if (tokens[tokens.length - 1]?.kind !== "star") tokens.push({ kind: "star" });
      i++;
    } else if (c === "?") {
      tokens.push({ kind: "any" });
      i++;
    } else if (c === "\\") {
      if (i + 1 >= cs.length) return { ok: false, reason: "it ends in a lone backslash" };
      tokens.push({ kind: "char", ch: cs[i + 1]! });
      i += 2;
    } else if (c === "[") {
      const r = compileClass(cs, i + 1);
      if (!r.ok) return r;
      tokens.push(r.token);
      i = r.next;
    } else {
      tokens.push({ kind: "char", ch: c });
      i++;
    }
  }
  return { ok: true, glob: { pattern, tokens } };
}

type ClassResult = { ok: true; token: Token; next: number } | { ok: false; reason: string };

function compileClass(cs: readonly string[], start: number): ClassResult {
  let i = start;
  const negated = cs[i] === "^";
  if (negated) i++;
  const ranges: [string, string][] = [];
  for (;;) {
    if (cs[i] === "]" && ranges.length > 0) return { ok: true, token: { kind: "class", negated, ranges }, next: i + 1 };
    const lo = classChar(cs, i);
    if (!lo.ok) return lo;
    i = lo.next;
    let hi = lo.ch;
    if (cs[i] === "-") {
      const h = classChar(cs, i + 1);
      if (!h.ok) return h;
      hi = h.ch;
      i = h.next;
    }
    ranges.push([lo.ch, hi]);
  }
}

function classChar(cs: readonly string[], i: number): { ok: true; ch: string; next: number } | { ok: false; reason: string } {
  const unclosed = { ok: false as const, reason: 'a "[" class is not closed with "]"' };
  let c = cs[i];
  if (c === undefined) return unclosed;
  if (c === "-" || c === "]") return { ok: false, reason: `a "[" class has "${c}" where a character is expected` };
  if (c === "\\") {
    i++;
    c = cs[i];
    if (c === undefined) return unclosed;
  }
  if (i + 1 >= cs.length) return unclosed;
  return { ok: true, ch: c, next: i + 1 };
}

/** Whether `name` matches; the classic star-backtracking walk, O(pattern × name). */
export function globMatches(glob: Glob, name: string): boolean {
  const s = Array.from(name);
  const t = glob.tokens;
  let ti = 0;
  let si = 0;
  let starT = -1;
  let starS = 0;
  while (si < s.length) {
    const tok = t[ti];
    if (tok?.kind === "star") {
      starT = ti++;
      starS = si;
      continue;
    }
    if (tok && matchOne(tok, s[si]!)) {
      ti++;
      si++;
      continue;
    }
    // Let the last star swallow one more character, unless that character is '/'.
    if (starT < 0 || s[starS] === "/") return false;
    ti = starT + 1;
    si = ++starS;
  }
  while (t[ti]?.kind === "star") ti++;
  return ti === t.length;
}

function matchOne(tok: Token, c: string): boolean {
  switch (tok.kind) {
    case "char":
      return tok.ch === c;
    case "any":
      return c !== "/";
    case "class": {
      const cp = c.codePointAt(0)!;
      const hit = tok.ranges.some(([lo, hi]) => lo.codePointAt(0)! <= cp && cp <= hi.codePointAt(0)!);
      return hit !== tok.negated;
    }
    case "star":
      return false;
    default: {
      const _never: never = tok;
      return _never;
    }
  }
}

/** Convenience for one-off checks: a malformed pattern matches nothing (as in fleet). */
export function matchGlob(pattern: string, name: string): boolean {
  const g = compileGlob(pattern);
  return g.ok && globMatches(g.glob, name);
}
