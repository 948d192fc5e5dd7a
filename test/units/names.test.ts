import { expandSpecifiers, instantiate, parseUnitName, templateOf, UNIT_TYPES, type UnitName } from "../../units";

function name(n: string): UnitName {
  const r = parseUnitName(n);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.value;
}

describe("unit names", () => {
  it("reads plain units, templates and instances", () => {
    expect(name("hello.service")).toEqual({ kind: "plain", name: "hello.service", prefix: "hello", type: "service" });
    expect(name("web@.service")).toEqual({ kind: "template", name: "web@.service", prefix: "web", type: "service" });
    expect(name("web@a@b.socket")).toEqual({
      kind: "instance",
      name: "web@a@b.socket",
      prefix: "web",
      instance: "a@b",
      type: "socket",
      template: "web@.socket",
    });
    expect(name("a.b-c_d:e\\x2d.mount")).toMatchObject({ kind: "plain", prefix: "a.b-c_d:e\\x2d", type: "mount" });
  });

  it("accepts fleet's seven types plus target", () => {
    expect([...UNIT_TYPES].sort()).toEqual(["automount", "device", "mount", "path", "service", "socket", "target", "timer"]);
    for (const t of UNIT_TYPES) expect(parseUnitName(`x.${t}`).ok).toBe(true);
  });

  it.each([
    ["", "invalid-unit-name", /empty/],
    ["hello", "invalid-unit-name", /no type suffix/],
    [".service", "invalid-unit-name", /no type suffix/],
    ["hello.", "invalid-unit-name", /no type suffix/],
    ["hello.scope", "unknown-unit-type", /"scope" is not supported/],
    ["hello.exe", "unknown-unit-type", /expected one of service, socket/],
    ["@x.service", "invalid-unit-name", /invalid prefix ""/],
    ["he llo.service", "invalid-unit-name", /invalid prefix "he llo"/],
    ["web@in stance.service", "invalid-unit-name", /invalid instance "in stance"/],
    ["tmp@.mount", "invalid-unit-name", /\.mount units cannot be templates/],
    ["dev@x.device", "invalid-unit-name", /cannot be templates/],
    [`${"a".repeat(248)}.service`, "invalid-unit-name", /256 characters; systemd accepts at most 255/],
  ])("refuses %j with %s", (n, code, message) => {
    const r = parseUnitName(n, "file.service");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]).toMatchObject({ code, file: "file.service", line: 0 });
    expect(r.problems[0]!.message).toMatch(message);
  });

  it("instantiates templates and finds the template of an instance", () => {
    expect(instantiate("web@.service", "1")).toEqual({ ok: true, value: name("web@1.service") });
    expect(templateOf("web@1.service")).toBe("web@.service");
    expect(templateOf("web.service")).toBeUndefined();
    expect(templateOf("web@.service")).toBeUndefined();
  });

  it("refuses to instantiate a non-template, an empty or invalid instance, or an overlong result", () => {
    const msg = (r: ReturnType<typeof instantiate>) => (r.ok ? "ok" : r.problems[0]!.message);
    expect(msg(instantiate("web.service", "1"))).toMatch(/is not a template/);
    expect(msg(instantiate("web@.service", ""))).toMatch(/instance .* is empty/);
    expect(msg(instantiate("web@.service", "a b"))).toMatch(/invalid instance/);
    expect(msg(instantiate("web@.service", "x".repeat(300)))).toMatch(/at most 255/);
    expect(msg(instantiate("nope", "1"))).toMatch(/no type suffix/);
  });
});

describe("specifiers (%n %N %p %i %%)", () => {
  it("expands for an instance as fleet does", () => {
    const n = name("web@blue.service");
    expect(expandSpecifiers("%n|%N|%p|%i", n)).toBe("web@blue.service|web@blue|web|blue");
    expect(expandSpecifiers("sidekick-%i.service", n)).toBe("sidekick-blue.service");
  });

  it("gives an empty %i for a plain unit and the whole stem as %p", () => {
    expect(expandSpecifiers("%p.socket|%i|%N", name("foo.service"))).toBe("foo.socket||foo");
  });

  it("turns %% into % and leaves other specifiers as written", () => {
    const n = name("a@1.service");
    expect(expandSpecifiers("100%%i %m %H %", n)).toBe("100%i %m %H %");
  });
});
