import { spawnSync } from "node:child_process";
import { mkdirSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runBin, runCli } from "../support/cli";
import { tempDir } from "../support/tmp";

const ROOT = join(__dirname, "..", "..");
const EXAMPLES = ["examples/units/hello.service", "examples/units/web@.service", "examples/units/monitor.service"];

function fixture(files: Record<string, string | Uint8Array>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const BAD = "[Unit]\nDescription=bad\n\n[Service]\nExecStart=/bin/true\n\n[X-Fleet]\nGlobal=true\nMachineOf=db.service\nWibble=1\n";

describe("hafen unit lint", () => {
  it("exits 0 and prints nothing for valid files", async () => {
    expect(await runCli(["unit", "lint", ...EXAMPLES], { cwd: ROOT })).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("exits 1 with one FILE:LINE: CODE: message line per problem on stderr", async () => {
    const dir = fixture({ "bad.service": BAD, "ok.service": "[Service]\nExecStart=/bin/true\n" });
    const r = await runCli(["unit", "lint", "ok.service", "bad.service"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")).toEqual([
      "bad.service:9: conflicting-fleet-options: Global cannot be used with MachineOf (Global= on line 8 and MachineOf= on line 9): a global unit cannot follow another unit; Global=true allows only MachineMetadata and Conflicts beside it",
      'bad.service:10: unknown-fleet-option: [X-Fleet] has no option "Wibble"; accepted: MachineID, MachineOf, MachineMetadata, Conflicts, Global, Replaces, and the deprecated X-ConditionMachineID, X-ConditionMachineOf, X-ConditionMachineMetadata, X-Conflicts',
      "",
    ]);
  });

  it("--json prints the findings on stdout and keeps the exit code", async () => {
    const dir = fixture({ "bad.service": BAD });
    const r = await runCli(["unit", "lint", "--json", "bad.service"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual({
      file: "bad.service",
      line: 10,
      code: "unknown-fleet-option",
      severity: "error",
      message: expect.stringContaining('has no option "Wibble"'),
      text: "Wibble=1",
    });
    expect(await runCli(["unit", "lint", "--json", ...EXAMPLES], { cwd: ROOT })).toEqual({ code: 0, stdout: "[]\n", stderr: "" });
  });

  it("uses the basename as the unit name and the path as given in messages", async () => {
    const dir = fixture({});
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "sub", "noext"), "[Service]\nExecStart=/bin/true\n");
    const r = await runCli(["unit", "lint", "sub/noext"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^sub\/noext:0: invalid-unit-name: unit name "noext" has no type suffix/);
  });

  it("prints warnings but exits 0 when there is no error", async () => {
    const dir = fixture({ "w.service": "[Service]\nExecStart=/bin/true\n[Timer]\nOnCalendar=daily\n" });
    const r = await runCli(["unit", "lint", "w.service"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("w.service:3: unknown-section: warning: systemd ignores section [Timer] in a .service unit; it reads [Unit], [Install], [Service] and [X-...] extensions\n");
  });

  it("reports unreadable, binary, oversized and special files as problems and still lints the rest", async () => {
    const dir = fixture({
      "nul.service": new Uint8Array([0x5b, 0x55, 0x5d, 0x0a, 0x00, 0x01]),
      "latin1.service": new Uint8Array([...Buffer.from("[Unit]\nDescription=caf"), 0xe9, 0x0a]),
      "ok.service": "[Service]\nExecStart=/bin/true\n",
      "big.service": "",
    });
    truncateSync(join(dir, "big.service"), 5 * 1024 * 1024);
    mkdirSync(join(dir, "d.service"));
    const fifo = spawnSync("mkfifo", [join(dir, "pipe.service")]);
    expect(fifo.status).toBe(0);
    const args = ["missing.service", "nul.service", "latin1.service", "big.service", "d.service", "pipe.service", "ok.service"];
    const r = await runCli(["unit", "lint", ...args], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n").map((l) => l.split(": ").slice(0, 2).join(": "))).toEqual([
      "missing.service:0: unreadable-file",
      "nul.service:2: binary-content",
      "latin1.service:2: binary-content",
      "big.service:0: file-too-large",
      "d.service:0: unreadable-file",
      "pipe.service:0: unreadable-file",
    ]);
    expect(r.stderr).toContain("missing.service:0: unreadable-file: cannot read the file: no such file");
    expect(r.stderr).toContain("latin1.service:2: binary-content: byte 22 starts an invalid UTF-8 sequence; unit files are UTF-8 text");
    expect(r.stderr).toContain("pipe.service:0: unreadable-file: cannot read the file: it is not a regular file");
  });

  it("refuses a call without files or with an unknown flag (usage, exit 1)", async () => {
    const none = await runCli(["unit", "lint"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/hafen unit lint: no FILE given\n\nUsage: hafen unit lint FILE\.\.\. \[--json\]/);
    const flag = await runCli(["unit", "lint", "--fix", "a.service"]);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(/Unknown option '--fix'/);
  });

  it("works the same through the built binary (npm run build)", () => {
    const dir = fixture({ "bad.service": BAD });
    const ok = runBin(["unit", "lint", ...EXAMPLES.map((e) => join(ROOT, e))]);
    expect(ok).toEqual({ code: 0, stdout: "", stderr: "" });
    const bad = runBin(["unit", "lint", "bad.service"], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^bad\.service:9: conflicting-fleet-options: Global cannot be used with MachineOf/);
  });
});
