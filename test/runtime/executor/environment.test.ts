import fc from "fast-check";
import {
  mergeEnvironment,
  parseEnvironmentFile,
  parseEnvironmentFileValue,
  parseEnvironmentValue,
} from "../../../runtime/executor/environment";
import { specifierTable } from "../../../runtime/executor/specifiers";
import { parseUnitName } from "../../../units/names";

const HOST = { hostname: "h", machineId: "m".repeat(32), bootId: "b".repeat(32), home: "/home/u", user: "u", uid: 1 };
const n = parseUnitName("app@3.service");
const TABLE = n.ok ? specifierTable(n.value, HOST) : {};

describe("Environment=", () => {
  test("quoted words, several assignments, specifiers, empty values", () => {
    expect(parseEnvironmentValue(`"A=b c" D=e 'F=g h' EMPTY= INST=%i`, TABLE)).toEqual({
      ok: true,
      value: [["A", "b c"], ["D", "e"], ["F", "g h"], ["EMPTY", ""], ["INST", "3"]],
    });
    expect(parseEnvironmentValue(`URL=http://x/?a=b`, TABLE)).toEqual({ ok: true, value: [["URL", "http://x/?a=b"]] });
  });

  test.each([
    [`"A=b`, /unbalanced quoting/],
    ["A", /not an assignment NAME=VALUE/],
    ["=x", /not an assignment/],
    ["A-B=1", /not an assignment/],
    ["1BAD=x", /not an assignment/],
    ["_a.b=1", /not an assignment/],
    ["X=%Q", /unknown specifier "%Q"/],
  ])("refuses %j", (value, why) => {
    const r = parseEnvironmentValue(value, TABLE);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(why);
  });
});

describe("EnvironmentFile= values", () => {
  test("absolute paths, '-' for optional, globs in the last component", () => {
    expect(parseEnvironmentFileValue("/etc/default/web", TABLE)).toEqual({ ok: true, value: { path: "/etc/default/web", optional: false } });
    expect(parseEnvironmentFileValue("-/etc/%p.env", TABLE)).toEqual({ ok: true, value: { path: "/etc/app.env", optional: true } });
    expect(parseEnvironmentFileValue("/etc/env.d/*.conf", TABLE).ok).toBe(true);
  });

  test.each([
    ["relative/file", /not an absolute path/],
    ["-relative", /not an absolute path/],
    ["/etc/*/x.env", /glob characters in a directory/],
  ])("refuses %j", (value, why) => {
    const r = parseEnvironmentFileValue(value, TABLE);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(why);
  });
});

describe("environment file syntax (systemd's parse_env_file)", () => {
  const parse = (text: string) => parseEnvironmentFile(text, "/etc/x.env");

  test("assignments, comments, blanks, quotes, escapes and continuations", () => {
    const text = [
      "# a comment",
      "; another",
      "",
      "PLAIN=value",
      "  SPACED = with blanks   ",
      `DQ="a \\"quoted\\" \\$HOME \\n kept"`,
      "SQ='single $x \\n'",
      "CONT=first\\",
      "second",
      'DQCONT="one\\',
      'two"',
      "ESC=a\\ b\\\\c",
      `AFTER="x" y`,
      "EMPTY=",
      "NOEQUALS",
      "LAST=end",
    ].join("\n");
    expect(parse(text)).toEqual({
      assignments: [
        ["PLAIN", "value"],
        ["SPACED", "with blanks"],
        ["DQ", 'a "quoted" $HOME \\n kept'],
        ["SQ", "single $x \\n"],
        ["CONT", "firstsecond"],
        ["DQCONT", "onetwo"],
        ["ESC", "a b\\c"],
        ["AFTER", "xy"],
        ["EMPTY", ""],
        ["LAST", "end"],
      ],
      warnings: [],
    });
  });

  test("an unterminated quote runs to the end of the file; a value at EOF without newline counts", () => {
    expect(parse(`A="open\nB=2`).assignments).toEqual([["A", "open\nB=2"]]);
    expect(parse("A=1").assignments).toEqual([["A", "1"]]);
  });

  test("bad names are skipped with a warning naming file and line", () => {
    expect(parse("GOOD=1\n1BAD=2\nalso-bad=3\n")).toEqual({
      assignments: [["GOOD", "1"]],
      warnings: ['/etc/x.env:2: "1BAD" is not a valid variable name; line ignored', '/etc/x.env:3: "also-bad" is not a valid variable name; line ignored'],
    });
  });

  test("garbage never throws and yields only valid names (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        for (const [k] of parse(s).assignments) expect(k).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      }),
    );
  });
});

test("precedence: base < extra < Environment= (later wins) < files (later win)", () => {
  const env = mergeEnvironment(
    { PATH: "/bin", A: "base", B: "base" },
    { MAINPID: "7", A: "extra" },
    [["A", "env1"], ["C", "env"], ["A", "env2"]],
    [["C", "file1"], ["C", "file2"]],
  );
  expect(Object.fromEntries(env)).toEqual({ PATH: "/bin", A: "env2", B: "base", MAINPID: "7", C: "file2" });
});
