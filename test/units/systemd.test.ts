// The unit layer against the real systemd: `systemd-analyze verify` (systemd 252 here)
// reads the same files and must agree with what we parse and lint.
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { effectiveValue, isError, lintUnit, parseUnit } from "../../units";
import { tempDir } from "../support/tmp";

const EXAMPLES = join(__dirname, "..", "..", "examples", "units");

function verify(dir: string, files: string[]): { code: number; stderr: string } {
  const r = spawnSync("systemd-analyze", ["verify", "--man=no", ...files.map((f) => join(dir, f))], {
    cwd: dir,
    encoding: "utf8",
    timeout: 20000,
  });
  if (r.error) throw new Error(`systemd-analyze could not run (install the systemd package): ${r.error.message}`);
  return { code: r.status ?? 1, stderr: r.stderr };
}

describe("agreement with systemd-analyze verify", () => {
  it("the example units pass with no warning (the template through an instance)", () => {
    const dir = tempDir();
    for (const f of ["hello.service", "monitor.service"]) copyFileSync(join(EXAMPLES, f), join(dir, f));
    copyFileSync(join(EXAMPLES, "web@.service"), join(dir, "web@1.service"));
    const r = verify(dir, ["hello.service", "monitor.service", "web@1.service"]);
    expect(r).toEqual({ code: 0, stderr: "" });
  });

  // Each body is a .service file; systemd refuses it exactly when our lint reports an error.
  const bodies: Record<string, string> = {
    simple: "[Service]\nExecStart=/bin/true\n",
    noStart: "[Service]\nType=simple\nExecStop=/bin/true\n",
    twoStarts: "[Service]\nExecStart=/bin/true\nExecStart=/bin/true\n",
    clearedThenOne: "[Service]\nExecStart=/bin/false\nExecStart=\nExecStart=/bin/true\n",
    clearedToNone: "[Service]\nType=exec\nExecStart=/bin/true\nExecStart=\nExecStop=/bin/true\n",
    oneshotMany: "[Service]\nType=oneshot\nExecStart=/bin/true\nExecStart=/bin/true\n",
    oneshotNothing: "[Service]\nType=oneshot\n",
    oneshotStopOnly: "[Service]\nType=oneshot\nExecStop=/bin/true\n",
    impliedOneshot: "[Service]\nRemainAfterExit=yes\nExecStop=/bin/true\n",
    successAction: "[Unit]\nSuccessAction=none\n[Service]\nType=oneshot\n",
    successActionSet: "[Unit]\nSuccessAction=exit\n[Service]\n",
    forkingNoStart: "[Service]\nType=forking\nRemainAfterExit=yes\nExecStop=/bin/true\n",
  };

  it.each(Object.keys(bodies))("%s: lint errors ⇔ systemd refuses", (key) => {
    const dir = tempDir();
    writeFileSync(join(dir, `${key}.service`), bodies[key]!);
    const refused = verify(dir, [`${key}.service`]);
    const ours = lintUnit(`${key}.service`, bodies[key]!).filter(isError);
    expect({ key, lintErrors: ours.length > 0 }).toEqual({ key, lintErrors: refused.code !== 0 && /Refusing/.test(refused.stderr) });
  });

  it("continued values read the same as systemd joins them (comments skipped, blank line ends)", () => {
    // systemd logs the value it read when Type= does not parse: "Failed to parse service type, ignoring: <value>".
    const values = [
      "bo \\\n# c\n  ; d\n  gus \\\n",
      "a\\\n b\\\n\\\n  c",
      "x \\\n   # indented comment\n\ty",
      "one\\\\",
      "tail \\\n\n",
    ];
    const dir = tempDir();
    values.forEach((v, i) => writeFileSync(join(dir, `v${i}.service`), `[Service]\nExecStart=/bin/true\nType=${v}\n`));
    for (let i = 0; i < values.length; i++) {
      const content = readFileSync(join(dir, `v${i}.service`), "utf8");
      const parsed = parseUnit(content);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      const a = parsed.value.sections[0]!.entries[1]!;
      const ours = a.kind === "assignment" ? effectiveValue(a.value) : "?";
      const r = verify(dir, [`v${i}.service`]);
      const m = /Failed to parse service type, ignoring: (.*)$/m.exec(r.stderr);
      expect({ i, systemd: m?.[1] }).toEqual({ i, systemd: ours });
    }
  });

  it("random continued values read the same as systemd reads them (fast-check sample, one systemd run)", () => {
    const chars = ["a", "b", " ", "\t", "\\", "\n", "#", ";", "=", "["];
    const raw = fc.array(fc.constantFrom(...chars), { minLength: 1, maxLength: 14 }).map((cs) => `zz${cs.join("")}`);
    const dir = tempDir();
    const expected = new Map<string, string>();
    fc.sample(raw, { numRuns: 300, seed: 4242 }).forEach((v, i) => {
      const text = `[Service]\nExecStart=/bin/true\nType=${v}\n`;
      const parsed = parseUnit(text);
      if (!parsed.ok) return; // e.g. a continuation cut off by the end of the file
      const a = parsed.value.sections[0]!.entries.find((e) => e.kind === "assignment" && e.key === "Type");
      if (a?.kind !== "assignment") return; // the value swallowed by a continuation
      writeFileSync(join(dir, `r${i}.service`), text);
      expected.set(`r${i}.service`, effectiveValue(a.value));
    });
    expect(expected.size).toBeGreaterThan(100);
    const r = verify(dir, [...expected.keys()]);
    const seen = new Map<string, string>();
    for (const m of r.stderr.matchAll(/\/(r\d+\.service):\d+: Failed to parse service type, ignoring: (.*)$/gm)) seen.set(m[1]!, m[2]!);
    expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(expected));
  });

  it("systemd warns about the unknown section our lint warns about", () => {
    const dir = tempDir();
    const body = "[Unit]\nDescription=x\n[Timer]\nOnCalendar=daily\n[Service]\nExecStart=/bin/true\n";
    writeFileSync(join(dir, "w.service"), body);
    const r = verify(dir, ["w.service"]);
    expect(r.stderr).toMatch(/w\.service:3: Unknown section 'Timer'\. Ignoring\./);
    expect(lintUnit("w.service", body).map((p) => [p.line, p.code, p.severity])).toEqual([[3, "unknown-section", "warning"]]);
  });
});
