// Glob lookups for Conflicts/Replaces without comparing every unit with every other:
// patterns are compiled once per decide, literal patterns are plain set lookups, and a
// pattern's literal prefix narrows a sorted name list by binary search before matching.
import { compileGlob, globMatches } from "../../units";

export type Matcher = (name: string) => boolean;

const META = /[*?[\\]/;

/** The characters before the first glob metacharacter. */
export function literalPrefix(pattern: string): string {
  const i = pattern.search(META);
  return i < 0 ? pattern : pattern.slice(0, i);
}

export function isLiteral(pattern: string): boolean {
  return !META.test(pattern);
}

/** Compiles each distinct pattern once; a malformed pattern matches nothing (as fleet). */
export class GlobCache {
  private readonly compiled = new Map<string, Matcher>();

  matcher(pattern: string): Matcher {
    let m = this.compiled.get(pattern);
    if (!m) {
      m = isLiteral(pattern) ? (name) => name === pattern : compiled(pattern);
      this.compiled.set(pattern, m);
    }
    return m;
  }

  matches(pattern: string, name: string): boolean {
    return this.matcher(pattern)(name);
  }

  /** True when any of `patterns` matches `name`. */
  any(patterns: readonly string[], name: string): boolean {
    for (const p of patterns) if (this.matcher(p)(name)) return true;
    return false;
  }
}

function compiled(pattern: string): Matcher {
  const g = compileGlob(pattern);
  if (!g.ok) return () => false;
  const glob = g.glob;
  return (name) => globMatches(glob, name);
}

/** An immutable set of names answering "which names does this glob match". */
export class NameIndex {
  private readonly sorted: readonly string[];
  private readonly set: ReadonlySet<string>;

  constructor(
    names: Iterable<string>,
    private readonly globs: GlobCache,
  ) {
    this.sorted = [...new Set(names)].sort(byCodeUnit);
    this.set = new Set(this.sorted);
  }

  /** Names matching `pattern`, ascending. Cost: log n + the names sharing its literal prefix. */
  match(pattern: string): string[] {
    if (isLiteral(pattern)) return this.set.has(pattern) ? [pattern] : [];
    const prefix = literalPrefix(pattern);
    const m = this.globs.matcher(pattern);
    const out: string[] = [];
    for (let i = lowerBound(this.sorted, prefix); i < this.sorted.length; i++) {
      const name = this.sorted[i]!;
      if (!name.startsWith(prefix)) break;
      if (m(name)) out.push(name);
    }
    return out;
  }
}

/** Plain code-unit order, the same on every platform and locale. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
