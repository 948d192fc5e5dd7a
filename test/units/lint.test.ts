import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fromOptions, isError, lintUnit, lintUnitFile, type UnitProblem } from "../../units";

const EXAMPLES = join(__dirname, "..", "..", "examples", "units");

function codes(ps: readonly UnitProblem[]): string[] {
  return ps.map((p) => `${p.line}:${p.code}`);
}

describe("lintUnit", () => {
  it("finds nothing in the example units", () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.includes("."));
    expect(files.sort()).toEqual(["hello.service", "monitor.service", "web@.service"]);
    for (const f of files) expect(lintUnit(f, readFileSync(join(EXAMPLES, f), "utf8"))).toEqual([]);
    // The template's instances lint clean too (specifiers expanded).
    expect(lintUnit("web@1.service", readFileSync(join(EXAMPLES, "web@.service"), "utf8"))).toEqual([]);
  });

  it("combines name, syntax and [X-Fleet] problems, in line order", () => {
    const ps = lintUnit("bad name.service", "[Service]\nExecStart=/bin/true\n[X-Fleet]\nGlobal=maybe\n");
    expect(codes(ps)).toEqual(["0:invalid-unit-name", "4:invalid-option-value"]);
    expect(ps.every((p) => p.file === "bad name.service")).toBe(true);
    expect(codes(lintUnit("a.service", "[Service\nExecStart=/bin/true\n", "dir/a.service"))).toEqual(["1:unterminated-section"]);
    expect(lintUnit("a.service", "[Service\n", "dir/a.service")[0]!.file).toBe("dir/a.service");
  });

  it("refuses an empty unit", () => {
    expect(codes(lintUnit("a.service", ""))).toEqual(["0:empty-unit"]);
    expect(codes(lintUnit("a.service", "# nothing\n[Unit]\n"))).toEqual(["0:empty-unit"]);
  });

  it("warns about sections systemd ignores for the unit's type, not about [X-...]", () => {
    const ps = lintUnit("a.timer", "[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n[Timer]\nOnCalendar=daily\n[X-Fleet]\n[X-Mine]\nA=b\n");
    expect(codes(ps)).toEqual(["3:unknown-section"]);
    expect(ps[0]).toMatchObject({ severity: "warning" });
    expect(ps.some(isError)).toBe(false);
    expect(ps[0]!.message).toMatch(/systemd ignores section \[Service\] in a \.timer unit; it reads \[Unit\], \[Install\], \[Timer\]/);
  });

  describe("systemd's service checks", () => {
    const svc = (body: string, head = "") => codes(lintUnit("s.service", `${head}[Service]\n${body}\n`));
    it("a simple service needs exactly one ExecStart", () => {
      expect(svc("ExecStart=/bin/true")).toEqual([]);
      expect(svc("Type=simple\nExecStop=/bin/true")).toEqual(["1:missing-exec-start"]);
      expect(svc("ExecStart=/bin/a\nExecStart=/bin/b")).toEqual(["3:multiple-exec-start"]);
      expect(svc("ExecStart=/bin/a\nExecStart=\nExecStart=/bin/b")).toEqual([]);
    });
    it("an ExecStart= that clears the list counts as none, and the message says so", () => {
      const ps = lintUnit("s.service", "[Service]\nType=exec\nExecStart=/bin/a\nExecStart=\nExecStop=/bin/b\n");
      expect(codes(ps)).toEqual(["4:missing-exec-start"]);
      expect(ps[0]!.message).toMatch(/the last ExecStart= is empty, which clears the earlier ones/);
    });
    it("oneshot may have several or no ExecStart, but needs something to do", () => {
      expect(svc("Type=oneshot\nExecStart=/bin/a\nExecStart=/bin/b")).toEqual([]);
      expect(svc("Type=oneshot\nRemainAfterExit=yes\nExecStop=/bin/b")).toEqual([]);
      expect(svc("Type=oneshot\nRestart=no")).toEqual(["1:missing-exec-start"]);
      expect(svc("Type=oneshot\nExecStop=/bin/b")).toEqual(["1:missing-exec-start"]);
      expect(svc("RemainAfterExit=yes\nExecStop=/bin/b")).toEqual([]);
      expect(svc("Restart=no", "[Unit]\nSuccessAction=reboot\n")).toEqual([]);
    });
    it("refuses an unknown Type", () => {
      const ps = lintUnit("s.service", "[Service]\nType=bogus\nExecStart=/bin/true\n");
      expect(codes(ps)).toEqual(["2:invalid-option-value"]);
      expect(ps[0]!.message).toMatch(/accepted: simple, exec, forking, oneshot, dbus, notify, notify-reload, idle/);
    });
  });

  it("lints models built in code", () => {
    const m = fromOptions([
      { section: "Service", name: "ExecStart", value: "/bin/true" },
      { section: "X-Fleet", name: "Global", value: "true" },
      { section: "X-Fleet", name: "Replaces", value: "x.service" },
    ]);
    if (!m.ok) throw new Error("model");
    expect(codes(lintUnitFile("g.service", m.value))).toEqual(["0:conflicting-fleet-options"]);
  });
});
