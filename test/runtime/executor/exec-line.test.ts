import fc from "fast-check";
import { expandArgv, parseExecValue, resolveExecutable, type ExecCommand } from "../../../runtime/executor/exec-line";
import { specifierTable } from "../../../runtime/executor/specifiers";
import { splitWords } from "../../../runtime/executor/words";
import { parseUnitName } from "../../../units/names";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../support/tmp";

/**
 * `systemd-analyze verify` on unit files as they are (no stub root: only its "fatal
 * error" verdicts are read, which do not depend on the executables existing).
 */
function verifyFindings(units: readonly { name: string; contents: string }[]): string[] {
  const dir = tempDir("hafen-exec-verify-");
  for (const u of units) writeFileSync(join(dir, u.name), u.contents);
  const r = spawnSync("systemd-analyze", ["verify", "--man=no", ...units.map((u) => join(dir, u.name))], { encoding: "utf8", timeout: 20000 });
  if (r.error) throw r.error;
  return `${r.stdout}\n${r.stderr}`.split("\n").filter(Boolean);
}

const HOST = { hostname: "node1.example.com", machineId: "a".repeat(32), bootId: "b".repeat(32), home: "/home/core", user: "core", uid: 500 };
const unit = (name: string) => {
  const n = parseUnitName(name);
  if (!n.ok) throw new Error(name);
  return specifierTable(n.value, HOST);
};
const TABLE = unit("web@blue-green.service");

function parse(value: string): ExecCommand[] {
  const r = parseExecValue(value, TABLE);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

function reason(value: string): string {
  const r = parseExecValue(value, TABLE);
  if (r.ok) throw new Error(`accepted ${value}`);
  return r.reason;
}

describe("word splitting (systemd.syntax quoting)", () => {
  test.each([
    [`/bin/echo a b`, ["/bin/echo", "a", "b"]],
    [`/bin/echo "a b" 'c d'`, ["/bin/echo", "a b", "c d"]],
    [`/bin/tr"ue" 'a b'c`, ["/bin/true", "a bc"]],
    [`/bin/echo "a\\x41" \\t`, ["/bin/echo", "aA", "\t"]],
    [`/bin/echo "say \\"hi\\"" 'it\\'s'`, ["/bin/echo", 'say "hi"', "it's"]],
    [`/bin/echo a\\sb \\101 \\u00e9`, ["/bin/echo", "a b", "A", "é"]],
    [`/bin/echo \\q \\x0g`, ["/bin/echo", "\\q", "\\x0g"]],
    [`/bin/echo ""`, ["/bin/echo", ""]],
    [`   /bin/echo    spaced   `, ["/bin/echo", "spaced"]],
  ])("%s", (text, words) => {
    const r = splitWords(text);
    expect(r.ok && r.value.map((w) => w.value)).toEqual(words);
  });

  test.each([`/bin/echo "open`, `/bin/echo 'open`, `/bin/echo a"b`])("unbalanced quotes are refused: %s", (text) => {
    const r = splitWords(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/unbalanced quoting: the (double|single) quote at character \d+ is never closed/);
  });

  test("quoting any argument list and splitting it gives the list back (property)", () => {
    const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 6 }), (args) => {
        const r = splitWords(args.map(quote).join(" "));
        expect(r.ok && r.value.map((w) => w.value)).toEqual(args);
      }),
    );
  });

  test("garbage never throws (property)", () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (s) => void splitWords(s)));
  });
});

describe("Exec*= command lines", () => {
  test("prefixes: - @ : + ! !! in any order, each once", () => {
    expect(parse("-/bin/false")[0]).toMatchObject({ path: "/bin/false", argv: ["/bin/false"], ignoreFailure: true, expandEnvironment: true, privilege: "" });
    expect(parse("@/bin/sh myname -c true")[0]).toMatchObject({ path: "/bin/sh", argv: ["myname", "-c", "true"] });
    expect(parse(":-/bin/echo $X")[0]).toMatchObject({ ignoreFailure: true, expandEnvironment: false });
    expect(parse("+/bin/true")[0]!.privilege).toBe("+");
    expect(parse("!/bin/true")[0]!.privilege).toBe("!");
    expect(parse("-!!@/bin/true x")[0]).toMatchObject({ privilege: "!!", ignoreFailure: true, argv: ["x"] });
  });

  test.each([
    ["-!-/bin/true", /neither an absolute path nor a bare program name/],
    ["+!/bin/true", /neither an absolute path nor a bare program name/],
    ["!!!/bin/true", /neither an absolute path nor a bare program name/],
    ["|/bin/true", /neither an absolute path nor a bare program name/],
    ["@/bin/true", /"@" prefix needs the word after the executable/],
    ["-", /prefixes but no executable/],
    ['"" x', /prefixes but no executable/],
    ["bin/x.sh", /"bin\/x.sh" is neither an absolute path nor a bare program name/],
    ["./run", /neither an absolute path/],
    [".", /neither an absolute path/],
    ["/usr/bin/true/", /names a directory/],
    ["$FOO arg", /is a variable/],
    ["/bin/true\x01", /control characters/],
    ['/bin/echo "unterminated', /unbalanced quoting/],
    ["/bin/echo %Z", /unknown specifier "%Z"; known are %n/],
    ["/bin/echo 100%", /a lone % at the end/],
    ["   ", /no command is given/],
    [";", /no command is given/],
  ])("refuses %j", (value, why) => {
    expect(reason(value)).toMatch(why);
  });

  test("bare program names are accepted and resolved on the fixed search path only", async () => {
    expect(parse("sleep 1")[0]).toMatchObject({ path: "sleep", argv: ["sleep", "1"] });
    const seen: string[] = [];
    const found = await resolveExecutable("sleep", async (p) => {
      seen.push(p);
      return p === "/usr/bin/sleep";
    });
    expect(found).toBe("/usr/bin/sleep");
    expect(seen).toEqual(["/usr/local/sbin/sleep", "/usr/local/bin/sleep", "/usr/sbin/sleep", "/usr/bin/sleep"]);
    expect(await resolveExecutable("no-such-program", async () => false)).toBeUndefined();
    expect(await resolveExecutable("/opt/x", async () => false)).toBe("/opt/x");
  });

  test("';' as a word separates commands, '\\;' is a literal, quoted ';' is an argument", () => {
    expect(parse("/bin/a 1 ; /bin/b 2").map((c) => c.argv)).toEqual([["/bin/a", "1"], ["/bin/b", "2"]]);
    expect(parse("; /bin/a ; ; /bin/b ;").map((c) => c.path)).toEqual(["/bin/a", "/bin/b"]);
    expect(parse("/usr/bin/find . -exec /bin/true \\;")[0]!.argv).toEqual(["/usr/bin/find", ".", "-exec", "/bin/true", ";"]);
    expect(parse('/bin/echo ";" x')[0]!.argv).toEqual(["/bin/echo", ";", "x"]);
  });

  test("specifiers are expanded per word, after unquoting", () => {
    expect(parse("/bin/echo %n %N %p %i %I %f %H %l %m %% '%i x'")[0]!.argv).toEqual([
      "/bin/echo",
      "web@blue-green.service",
      "web@blue-green",
      "web",
      "blue-green",
      "blue/green",
      "/blue/green",
      "node1.example.com",
      "node1",
      "a".repeat(32),
      "%",
      "blue-green x",
    ]);
    expect(parseExecValue("/opt/%p/bin/run", unit("api.service"))).toMatchObject({ ok: true, value: [{ path: "/opt/api/bin/run" }] });
  });
});

describe("environment expansion at start", () => {
  const env = new Map([
    ["ONE", "1"],
    ["SPACED", "a b  c"],
    ["QUOTED", `x "y z"`],
    ["EMPTY", ""],
  ]);
  const argv = (value: string) => expandArgv(parse(value)[0]!, env);

  test("${VAR} inside a word keeps the value whole; $VAR as a word splits it", () => {
    expect(argv("/bin/echo ${SPACED} x${ONE}y")).toEqual(["/bin/echo", "a b  c", "x1y"]);
    expect(argv("/bin/echo $SPACED")).toEqual(["/bin/echo", "a", "b", "c"]);
    expect(argv("/bin/echo $QUOTED")).toEqual(["/bin/echo", "x", "y z"]);
  });

  test("unset: ${VAR} is empty, $VAR vanishes; $$ is a dollar; other $ stay", () => {
    expect(argv("/bin/echo ${NOPE} $NOPE $EMPTY end")).toEqual(["/bin/echo", "", "end"]);
    expect(argv("/bin/echo $$ONE a$ONE ${A:-b}")).toEqual(["/bin/echo", "$ONE", "a$ONE", "${A:-b}"]);
    expect(argv(`/bin/echo "$SPACED"`)).toEqual(["/bin/echo", "a", "b", "c"]); // quotes are gone before expansion, as in systemd
  });

  test("the ':' prefix turns expansion off", () => {
    expect(argv(":/bin/echo $ONE ${ONE}")).toEqual(["/bin/echo", "$ONE", "${ONE}"]);
  });
});

describe("agreement with systemd-analyze verify (systemd 252)", () => {
  // Values systemd refuses (a fatal error, or the line dropped with an error), and values
  // it accepts; our parser must agree. (Unknown escapes are a warning in both.)
  const fatal = ["bin/x.sh", "|/bin/true", "@/bin/true", '"" x', "/usr/bin/true/", '/bin/echo "unbalanced', "/bin/echo %Z", "-!-/bin/true"];
  const fine = ["/bin/true", "-/bin/true", "@/bin/true x", ":/bin/true $X", "+/bin/true", "!!/bin/true", "/bin/true ; /bin/true", "/bin/true \\;", "true", "/bin/tr\\x75e", "/bin/true %n %i %%"];

  test("every example is classified alike", () => {
    const all = [...fatal, ...fine];
    const units = all.map((v, i) => ({ name: `cmd${i}.service`, contents: `[Service]\nType=oneshot\nExecStartPre=${v}\nExecStart=/bin/true\n` }));
    const findings = verifyFindings(units);
    all.forEach((v, i) => {
      const systemdFatal = findings.some(
        (f) => f.startsWith(`cmd${i}.service: Unit configuration has fatal error`) || (f.includes(`/cmd${i}.service:3:`) && !/unknown escape/.test(f)),
      );
      expect({ v, refused: !parseExecValue(v, TABLE).ok }).toEqual({ v, refused: systemdFatal });
    });
  });
});
