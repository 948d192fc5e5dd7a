import fc from "fast-check";
import { compileGlob, globMatches, matchGlob } from "../../units";

// Cases of Go's path.Match behaviour (the matcher fleet uses), as [pattern, name, result]
// where result "bad" means Go returns ErrBadPattern.
const GO_CASES: [string, string, boolean | "bad"][] = [
  ["abc", "abc", true],
  ["*", "abc", true],
  ["*c", "abc", true],
  ["a*", "a", true],
  ["a*", "abc", true],
  ["a*", "ab/c", false],
  ["a*/b", "abc/b", true],
  ["a*/b", "a/c/b", false],
  ["a*b*c*d*e*/f", "axbxcxdxe/f", true],
  ["a*b*c*d*e*/f", "axbxcxdxexxx/f", true],
  ["a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false],
  ["a*b*c*d*e*/f", "axbxcxdxexxx/fff", false],
  ["a*b?c*x", "abxbbxdbxebxczzx", true],
  ["a*b?c*x", "abxbbxdbxebxczzy", false],
  ["ab[c]", "abc", true],
  ["ab[b-d]", "abc", true],
  ["ab[e-g]", "abc", false],
  ["ab[^c]", "abc", false],
  ["ab[^b-d]", "abc", false],
  ["ab[^e-g]", "abc", true],
  ["a\\*b", "a*b", true],
  ["a\\*b", "ab", false],
  ["a?b", "a☺b", true],
  ["a[^a]b", "a☺b", true],
  ["a???b", "a☺b", false],
  ["a[^a][^a][^a]b", "a☺b", false],
  ["[a-ζ]*", "α", true],
  ["*[a-ζ]", "A", false],
  ["a?b", "a/b", false],
  ["a*b", "a/b", false],
  ["[\\]a]", "]", true],
  ["[\\-]", "-", true],
  ["[x\\-]", "x", true],
  ["[x\\-]", "-", true],
  ["[x\\-]", "z", false],
  ["[\\-x]", "x", true],
  ["[\\-x]", "-", true],
  ["[\\-x]", "a", false],
  ["[]a]", "]", "bad"],
  ["[-]", "-", "bad"],
  ["[x-]", "x", "bad"],
  ["[-x]", "x", "bad"],
  ["\\", "a", "bad"],
  ["[a-b-c]", "a", "bad"],
  ["[", "a", "bad"],
  ["[^", "a", "bad"],
  ["[^bc", "a", "bad"],
  ["a[", "a", "bad"],
  ["a/b[", "x", "bad"],
  ["*x", "xxx", true],
  // fleet's usual patterns
  ["web@*.service", "web@1.service", true],
  ["web@*.service", "web@.service", true],
  ["web@*.service", "api@1.service", false],
  ["monitor*", "monitor.service", true],
];

describe("globs with Go path.Match semantics", () => {
  it.each(GO_CASES)("%j against %j → %s", (pattern, name, expected) => {
    const g = compileGlob(pattern);
    if (expected === "bad") {
      expect(g.ok).toBe(false);
      expect(matchGlob(pattern, name)).toBe(false);
      return;
    }
    if (!g.ok) throw new Error(g.reason);
    expect(globMatches(g.glob, name)).toBe(expected);
  });

  it("explains why a pattern is malformed", () => {
    const reason = (p: string) => {
      const g = compileGlob(p);
      return g.ok ? "ok" : g.reason;
    };
    expect(reason("web@[1-")).toMatch(/not closed/);
    expect(reason("a\\")).toMatch(/lone backslash/);
    expect(reason("[]")).toMatch(/"\]" where a character is expected/);
    expect(reason("x".repeat(2000))).toMatch(/longer than 1024/);
  });

  it("agrees with a direct recursive reading of the rules on random patterns (fast-check)", () => {
    const alpha = ["a", "b", "/", "*", "?"];
    const str = (n: number) => fc.array(fc.constantFrom(...alpha), { maxLength: n }).map((c) => c.join(""));
    fc.assert(
      fc.property(str(7), str(8), (pattern, name) => {
        const g = compileGlob(pattern);
        if (!g.ok) throw new Error(g.reason);
        expect(globMatches(g.glob, name)).toBe(reference(pattern, name.replace(/[*?]/g, "c")));
      }),
      { numRuns: 3000 },
    );
  });
});

/** Exponential but obviously right: * takes any run without '/', ? one non-'/' char. */
function reference(p: string, s: string): boolean {
  if (p === "") return s === "";
  const c = p[0]!;
  if (c === "*") {
    for (let k = 0; k <= s.length; k++) {
      if (k > 0 && s[k - 1] === "/") break;
      if (reference(p.slice(1), s.slice(k))) return true;
    }
    return false;
  }
  if (s === "") return false;
  if (c === "?") return s[0] !== "/" && reference(p.slice(1), s.slice(1));
  return c === s[0] && reference(p.slice(1), s.slice(1));
}
