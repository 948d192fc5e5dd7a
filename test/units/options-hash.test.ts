import {
  canonicalText,
  fromOptions,
  hashOptions,
  hashUnit,
  parseUnit,
  readOptionList,
  serializeUnit,
  shortHash,
  toOptions,
  type UnitFile,
} from "../../units";

function mustParse(text: string): UnitFile {
  const r = parseUnit(text);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.value;
}

const FILE = [
  "# comments and blank lines are not options",
  "[Unit]",
  "Description=Hello",
  "",
  "[Service]",
  "ExecStart=/bin/sh -c \\",
  "  'echo hi'",
  "[Unit]",
  "After=network.target",
  "",
].join("\n");

describe("fleet option lists", () => {
  it("lists assignments in file order with raw values; comments and blanks are not options", () => {
    expect(toOptions(mustParse(FILE))).toEqual([
      { section: "Unit", name: "Description", value: "Hello" },
      { section: "Service", name: "ExecStart", value: "/bin/sh -c \\\n  'echo hi'" },
      { section: "Unit", name: "After", value: "network.target" },
    ]);
  });

  it("builds a model that keeps interleaved sections in list order", () => {
    const opts = toOptions(mustParse(FILE));
    const m = fromOptions(opts);
    expect(m.ok && serializeUnit(m.value)).toBe(
      "[Unit]\nDescription=Hello\n[Service]\nExecStart=/bin/sh -c \\\n  'echo hi'\n[Unit]\nAfter=network.target\n",
    );
    expect(m.ok && toOptions(m.value)).toEqual(opts);
  });

  it("refuses invalid options, naming options[i].field, the value and what is accepted", () => {
    const r = fromOptions([
      { section: "Service", name: "ExecStart", value: "/bin/true" },
      { section: "Bad Section", name: "Exec Start", value: " x\n" },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.code, p.message.split(":")[0]])).toEqual([
      ["invalid-section-name", "options[1].section"],
      ["invalid-key", "options[1].name"],
      ["invalid-option-value", "options[1].value"],
    ]);
    expect(r.problems[2]!.message).toMatch(/starts with a blank/);
  });

  it("checks the shape of an untrusted option list (an API body)", () => {
    expect(readOptionList([{ section: "Unit", name: "Description", value: "x" }])).toEqual({
      ok: true,
      value: [{ section: "Unit", name: "Description", value: "x" }],
    });
    const msgs = (v: unknown) => {
      const r = readOptionList(v);
      return r.ok ? [] : r.problems.map((p) => `${p.code} ${p.message}`);
    };
    expect(msgs({})).toEqual(["invalid-option-list options: expected an array of {section, name, value}, got an object"]);
    expect(msgs([1, null, { section: "S", name: 2, value: "v", extra: true }])).toEqual([
      "invalid-option-list options[0]: expected an object {section, name, value}, got a number",
      "invalid-option-list options[1]: expected an object {section, name, value}, got null",
      "invalid-option-list options[2].name: expected a string, got a number",
      "invalid-option-list options[2].extra: unknown field; an option has only section, name and value",
    ]);
  });
});

describe("unit hash (fleet's SHA-1 of go-systemd's serialization)", () => {
  it("canonical text groups options by section in first-seen order, blank line between sections", () => {
    const opts = toOptions(mustParse(FILE));
    expect(canonicalText(opts)).toBe("[Unit]\nDescription=Hello\nAfter=network.target\n\n[Service]\nExecStart=/bin/sh -c \\\n  'echo hi'\n");
  });

  it("matches SHA-1 values computed by hand (printf … | sha1sum) from that format", () => {
    // printf '[Unit]\nDescription=Hello\nAfter=network.target\n\n[Service]\nExecStart=/bin/sh -c \\\n  '"'"'echo hi'"'"'\n' | sha1sum
    expect(hashUnit(mustParse(FILE))).toBe("c692d565d408e6b506e94d050d497fdc564689bf");
    // printf '[Service]\nExecStart=/bin/true\n' | sha1sum
    expect(hashOptions([{ section: "Service", name: "ExecStart", value: "/bin/true" }])).toBe("86943ac9f3754cb90f8dd38bf6da7b0cad074592");
    // An empty option list serializes to nothing: SHA-1 of "".
    expect(hashOptions([])).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    expect(shortHash("c692d565d408e6b506e94d050d497fdc564689bf")).toBe("c692d56");
  });

  it("changes with any option and with option order inside a section, not with comments", () => {
    const base = hashUnit(mustParse("[Service]\nExecStart=/bin/true\nRestart=always\n"));
    expect(hashUnit(mustParse("# note\n[Service]\n\nExecStart=/bin/true\n; x\nRestart=always\n"))).toBe(base);
    expect(hashUnit(mustParse("[Service]\nRestart=always\nExecStart=/bin/true\n"))).not.toBe(base);
    expect(hashUnit(mustParse("[Service]\nExecStart=/bin/true\nRestart=no\n"))).not.toBe(base);
  });
});
