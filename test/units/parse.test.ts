import { effectiveValue, parseUnit, serializeUnit, withoutPositions, type UnitFile, type UnitProblem } from "../../units";
import { FILE_MAX_BYTES, LINE_MAX_BYTES } from "../../units/syntax";

function parsed(text: string): UnitFile {
  const r = parseUnit(text, "t.service");
  if (!r.ok) throw new Error(`expected a parse, got ${JSON.stringify(r.problems, null, 2)}`);
  return r.value;
}

function problems(text: string): readonly UnitProblem[] {
  const r = parseUnit(text, "t.service");
  if (r.ok) throw new Error(`expected problems, got a model for ${JSON.stringify(text.slice(0, 200))}`);
  return r.problems;
}

describe("parseUnit: the systemd syntax", () => {
  it("reads sections, assignments, comments and blank lines in order, with positions", () => {
    const text = "# top\n\n[Unit]\nDescription=Hello\n; semi\n\n[Service]\nExecStart=/bin/true\n";
    expect(parsed(text)).toEqual({
      preamble: [
        { kind: "comment", text: "# top", line: 1 },
        { kind: "blank", line: 2 },
      ],
      sections: [
        {
          name: "Unit",
          line: 3,
          entries: [
            { kind: "assignment", key: "Description", value: "Hello", line: 4 },
            { kind: "comment", text: "; semi", line: 5 },
            { kind: "blank", line: 6 },
          ],
        },
        { name: "Service", line: 7, entries: [{ kind: "assignment", key: "ExecStart", value: "/bin/true", line: 8 }] },
      ],
    });
  });

  it("trims blanks around keys, '=' and values, and indentation", () => {
    const u = parsed("[Service]\n   Environment  =   A=1 B=2  \t\n");
    expect(u.sections[0]!.entries[0]).toMatchObject({ key: "Environment", value: "A=1 B=2" });
  });

  it("keeps repeated keys in order and empty assignments (they reset lists)", () => {
    const u = parsed("[Service]\nExecStartPre=/bin/a\nExecStartPre=\nExecStartPre=/bin/b\n");
    expect(u.sections[0]!.entries.map((e) => (e.kind === "assignment" ? e.value : "?"))).toEqual(["/bin/a", "", "/bin/b"]);
  });

  it("keeps repeated sections apart (systemd merges them when reading)", () => {
    const u = parsed("[Unit]\nA=1\n[Service]\nB=2\n[Unit]\nC=3\n");
    expect(u.sections.map((s) => s.name)).toEqual(["Unit", "Service", "Unit"]);
  });

  it("drops a UTF-8 BOM and accepts CRLF and lone CR line endings", () => {
    const u = parsed("\uFEFF[Unit]\r\nDescription=Win\r\n[Service]\rExecStart=/bin/true\r\n");
    expect(withoutPositions(u)).toEqual(withoutPositions(parsed("[Unit]\nDescription=Win\n[Service]\nExecStart=/bin/true\n")));
    expect(serializeUnit(u)).toBe("[Unit]\nDescription=Win\n[Service]\nExecStart=/bin/true\n");
  });

  it("keeps '#' and ';' inside values (only a line starting with them is a comment)", () => {
    const u = parsed("[Service]\nExecStart=/bin/echo a#b ;c\n");
    expect(u.sections[0]!.entries[0]).toMatchObject({ value: "/bin/echo a#b ;c" });
  });

  it("accepts an empty file and a file of comments as models without sections", () => {
    expect(parsed("")).toEqual({ preamble: [], sections: [] });
    expect(withoutPositions(parsed("# only\n\n"))).toEqual({ preamble: [{ kind: "comment", text: "# only" }, { kind: "blank" }], sections: [] });
  });

  it("reads a unicode value unchanged", () => {
    expect(parsed("[Unit]\nDescription=Grüße, 世界 🚢\n").sections[0]!.entries[0]).toMatchObject({ value: "Grüße, 世界 🚢" });
  });
});

describe("parseUnit: continuation lines", () => {
  it("keeps a continued value raw (as fleet carries it) and joins it like systemd", () => {
    const u = parsed("[Service]\nExecStart=/bin/sh -c \\\n    'echo hi'\nRestart=always\n");
    const a = u.sections[0]!.entries[0]!;
    expect(a).toMatchObject({ key: "ExecStart", value: "/bin/sh -c \\\n    'echo hi'", line: 2 });
    expect(u.sections[0]!.entries[1]).toMatchObject({ key: "Restart", line: 4 });
    // systemd replaces the backslash by a space and appends the next line as it is.
    expect(effectiveValue(a.kind === "assignment" ? a.value : "")).toBe("/bin/sh -c      'echo hi'");
  });

  it("skips comment lines inside a continuation, as systemd does", () => {
    const u = parsed("[Service]\nExecStart=/bin/echo a \\\n# not part of it\n  ; nor this\n  b\n");
    const a = u.sections[0]!.entries[0]!;
    expect(a.kind === "assignment" && effectiveValue(a.value)).toBe("/bin/echo a    b");
    expect(u.sections[0]!.entries).toHaveLength(1);
  });

  it("ends a continuation at a blank line, keeping that blank line in the raw value", () => {
    const u = parsed("[Service]\nExecStart=/bin/echo a \\\n\nRestart=no\n");
    const a = u.sections[0]!.entries[0]!;
    expect(a).toMatchObject({ value: "/bin/echo a \\\n" });
    expect(a.kind === "assignment" && effectiveValue(a.value)).toBe("/bin/echo a");
    expect(serializeUnit(u)).toBe("[Service]\nExecStart=/bin/echo a \\\n\nRestart=no\n");
  });

  it("treats an escaped backslash at the end of a line as text, not a continuation", () => {
    const u = parsed("[Service]\nExecStart=/bin/echo a\\\\\nRestart=no\n");
    expect(u.sections[0]!.entries).toHaveLength(2);
    expect(u.sections[0]!.entries[0]).toMatchObject({ value: "/bin/echo a\\\\" });
  });

  it("a backslash followed by a blank is not a continuation (systemd looks at the last character)", () => {
    const u = parsed("[Service]\nExecStart=/bin/echo a\\ \nRestart=no\n");
    const a = u.sections[0]!.entries[0]!;
    expect(a.kind === "assignment" && effectiveValue(a.value)).toBe("/bin/echo a\\");
    expect(u.sections[0]!.entries).toHaveLength(2);
  });

  it("a comment never continues, even when it ends in a backslash", () => {
    const u = parsed("[Service]\n# note \\\nExecStart=/bin/true\n");
    expect(u.sections[0]!.entries.map((e) => e.kind)).toEqual(["comment", "assignment"]);
  });
});

describe("parseUnit: garbage is refused with code, line, text and what is accepted", () => {
  it("refuses NUL bytes (binary) with the line they are on", () => {
    const [p] = problems("[Unit]\nDescription=a\n\0\x01\x02ELF");
    expect(p).toMatchObject({ code: "binary-content", file: "t.service", line: 3 });
    expect(p!.message).toMatch(/NUL byte; unit files are UTF-8 text/);
  });

  it("refuses a line longer than systemd's 1 MiB and names the limit", () => {
    const long = "x".repeat(LINE_MAX_BYTES + 1);
    const ps = problems(`[Unit]\nDescription=${long}\n`);
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ code: "line-too-long", line: 2 });
    expect(ps[0]!.message).toContain(String(LINE_MAX_BYTES));
    expect(ps[0]!.text.length).toBeLessThan(120);
  });

  it("counts line length in UTF-8 bytes, not characters", () => {
    const chars = Math.floor(LINE_MAX_BYTES / 3) + 10; // fewer chars than the limit, more bytes
    expect(problems(`[Unit]\nDescription=${"€".repeat(chars)}\n`)[0]).toMatchObject({ code: "line-too-long" });
  });

  it("refuses a continued line that is longer than 1 MiB in total", () => {
    const half = "y".repeat(LINE_MAX_BYTES / 2 + 10);
    expect(problems(`[Unit]\nDescription=${half}\\\n${half}\n`)[0]).toMatchObject({ code: "line-too-long", line: 2 });
  });

  it("refuses a file over the 4 MiB limit", () => {
    const big = `[Unit]\n${"Description=x\n".repeat(Math.ceil(FILE_MAX_BYTES / 14) + 1)}`;
    const ps = problems(big);
    expect(ps).toEqual([expect.objectContaining({ code: "file-too-large", line: 0 })]);
    expect(ps[0]!.message).toContain(String(FILE_MAX_BYTES));
  });

  it("refuses a continuation cut off by the end of the file", () => {
    const [p] = problems("[Service]\nExecStart=/bin/echo \\");
    expect(p).toMatchObject({ code: "unterminated-continuation", line: 2, text: "ExecStart=/bin/echo \\" });
    expect(p!.message).toMatch(/remove the backslash/);
    expect(problems("[Service]\nExecStart=/bin/echo \\\n  more \\\n# comment\n")[0]).toMatchObject({
      code: "unterminated-continuation",
      line: 2,
    });
  });

  it("refuses a section header without ']'", () => {
    const [p] = problems("[Service\nExecStart=/bin/true\n");
    expect(p).toMatchObject({ code: "unterminated-section", line: 1, text: "[Service" });
    expect(p!.message).toMatch(/expected \[Name\]/);
  });

  it("refuses text after ']' and invalid section names", () => {
    expect(problems("[Service] extra\n")[0]).toMatchObject({ code: "unterminated-section", line: 1 });
    expect(problems("[]\n")[0]).toMatchObject({ code: "invalid-section-name" });
    expect(problems("[ Service ]\n")[0]).toMatchObject({ code: "invalid-section-name" });
    expect(problems("[Ser[vice]\n")[0]).toMatchObject({ code: "invalid-section-name" });
  });

  it("refuses lines that are neither KEY=VALUE, a section, a comment nor blank", () => {
    const [p] = problems("[Service]\nthis is not a unit file\n");
    expect(p).toMatchObject({ code: "invalid-line", line: 2 });
    expect(p!.message).toContain("a line is KEY=VALUE, [Section], a comment starting with # or ;, or blank");
  });

  it("refuses invalid keys", () => {
    expect(problems("[Service]\n=value\n")[0]).toMatchObject({ code: "invalid-key", line: 2 });
    expect(problems("[Service]\nExec Start=/bin/true\n")[0]).toMatchObject({ code: "invalid-key", line: 2 });
  });

  it("refuses assignments before the first section", () => {
    expect(problems("Description=x\n[Unit]\n")[0]).toMatchObject({ code: "assignment-outside-section", line: 1 });
  });

  it("collects every problem of a file, not only the first", () => {
    const ps = problems("junk\n[Unit\n[Service]\nno equals\n=x\n");
    expect(ps.map((p) => [p.code, p.line])).toEqual([
      ["invalid-line", 1],
      ["unterminated-section", 2],
      ["invalid-line", 4],
      ["invalid-key", 5],
    ]);
  });

  it("stops after 100 problems with a final too-many-problems", () => {
    const ps = problems("garbage\n".repeat(10000));
    expect(ps).toHaveLength(101);
    expect(ps[100]).toMatchObject({ code: "too-many-problems" });
  });

  it("escapes control characters in messages", () => {
    const [p] = problems("[Service]\nbad\x1b[31mline\n");
    expect(p!.message).not.toContain("\x1b");
    expect(p!.message).toContain("\\u001b");
  });

  it("refuses random binary input without throwing", () => {
    // A fixed pseudo-random byte string (xorshift) decoded as latin1 text: control
    // characters, no structure, sometimes NUL.
    let x = 0x9e3779b9;
    const bytes: number[] = [];
    for (let i = 0; i < 4096; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes.push((x >>> 0) & 0xff);
    }
    const r = parseUnit(String.fromCharCode(...bytes), "blob.service");
    expect(r.ok).toBe(false);
  });
});

describe("parseUnit: a value that ends in a backslash", () => {
  it("keeps one blank after it so that writing it back does not continue the line", () => {
    const u = parsed("[Unit]\nDescription=ends in \\   \nAfter=x\n");
    const a = u.sections[0]!.entries[0]!;
    expect(a).toMatchObject({ value: "ends in \\ " });
    expect(a.kind === "assignment" && effectiveValue(a.value)).toBe("ends in \\");
    expect(serializeUnit(u)).toBe("[Unit]\nDescription=ends in \\ \nAfter=x\n");
    expect(withoutPositions(parsed(serializeUnit(u)))).toEqual(withoutPositions(u));
  });
});
