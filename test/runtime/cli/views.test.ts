// The read-side commands against a real control plane (server, engine, two agents):
// list-machines, list-units, list-unit-files, status, cat and journal, in tables and
// JSON, with a global unit, an unschedulable unit, and more units than one API page.
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startCliCluster, runCommand, M1, M2, HELLO, writeUnits, type CliCluster } from "./helpers";
import { makeJournal } from "../../../runtime/cli/journal";
import { tempDir } from "../../support/tmp";

const EXAMPLES = join(__dirname, "..", "..", "..", "examples", "units");
let c: CliCluster;

beforeAll(async () => {
  c = await startCliCluster([
    { id: M1, name: "m1", metadata: { disk: "ssd", region: "us" } },
    { id: M2, name: "m2", metadata: { region: "eu" } },
  ]);
  for (let i = 0; i < 100 && (await c.cp.client.listMachines()).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  copyFileSync(join(EXAMPLES, "hello.service"), join(c.dir, "hello.service"));
  copyFileSync(join(EXAMPLES, "monitor.service"), join(c.dir, "monitor.service"));
  writeUnits(c.dir, { "mars.service": `${HELLO}\n[X-Fleet]\nMachineMetadata=region=mars\n`, "idle.service": HELLO });
  const started = await c.hafen(["start", "--timeout", "20", "hello.service", "monitor.service"]);
  expect(started.code).toBe(0);
  expect((await c.hafen(["start", "--no-block", "mars.service"])).code).toBe(0);
  expect((await c.hafen(["submit", "idle.service"])).code).toBe(0);
});
afterAll(async () => c?.stop());

const placedOn = async (unit: string) => (await c.cp.client.getUnit(unit))!.machineID!;

describe("list-machines", () => {
  it("prints an aligned table with short ids, names, IPs, metadata and roles", async () => {
    const r = await c.hafen(["list-machines"]);
    expect(r).toEqual({
      code: 0,
      stderr: "",
      stdout: ["MACHINE      NAME  IP         METADATA            ROLE", "11111111...  m1    127.0.0.1  disk=ssd,region=us  worker", "22222222...  m2    127.0.0.1  region=eu           worker", ""].join("\n"),
    });
  });
  it("-l shows whole ids, --no-legend drops the header, --json prints the machines", async () => {
    const r = await c.hafen(["list-machines", "-l", "--no-legend"]);
    expect(r.stdout.split("\n")[0]).toBe(`${M1}  m1  127.0.0.1  disk=ssd,region=us  worker`);
    const j = await c.hafen(["list-machines", "--json"]);
    expect(JSON.parse(j.stdout)).toEqual([
      { id: M1, name: "m1", primaryIP: "127.0.0.1", metadata: { disk: "ssd", region: "us" }, role: "worker", version: "test" },
      { id: M2, name: "m2", primaryIP: "127.0.0.1", metadata: { region: "eu" }, role: "worker", version: "test" },
    ]);
  });
  it("refuses arguments and unknown flags with usage", async () => {
    const r = await c.hafen(["list-machines", "extra"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hafen list-machines: unexpected argument "extra"; list-machines takes none\n\nUsage: hafen list-machines/);
    expect((await c.hafen(["list-machines", "--colour"])).code).toBe(1);
  });
});

describe("list-units", () => {
  it("shows one row per machine for a global unit, where each unit runs, and why one is not placed", async () => {
    await waitForReason("mars.service");
    const r = await c.hafen(["list-units"]);
    const h = await placedOn("hello.service");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^UNIT\s+MACHINE\s+ACTIVE\s+SUB\s+REASON$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/))).toEqual([
      ["hello.service", `${h.slice(0, 8)}.../127.0.0.1`, "active", "running", "-"],
      ["idle.service", "-", "-", "-", "-"],
      ["mars.service", "-", "-", "-", expect.stringMatching(/region=mars/)],
      ["monitor.service", "11111111.../127.0.0.1", "active", "running", "-"],
      ["monitor.service", "22222222.../127.0.0.1", "active", "running", "-"],
    ]);
  });
  it("--fields picks columns (with --full hashes), --json gives every field", async () => {
    const r = await c.hafen(["list-units", "--fields", "unit,load,hash,dstate", "--full", "--no-legend"]);
    expect(r.stdout).toMatch(/^hello.service\s+loaded\s+[0-9a-f]{40}\s+launched$/m);
    const bad = await c.hafen(["list-units", "--fields", "unit,colour"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown field "colour"; accepted fields are unit, machine, load, active, sub, hash, dstate, reason/);
    const j = JSON.parse((await c.hafen(["list-units", "--json"])).stdout) as Array<Record<string, string>>;
    expect(j.find((u) => u.unit === "hello.service")).toMatchObject({ machineID: await placedOn("hello.service"), machineIP: "127.0.0.1", load: "loaded", active: "active", sub: "running", desiredState: "launched" });
    expect(j.find((u) => u.unit === "mars.service")).toMatchObject({ reason: expect.stringMatching(/region=mars/) });
  });
});

describe("list-unit-files", () => {
  it("shows hash, desired and current state, and the target ('global' for global units)", async () => {
    const r = await c.hafen(["list-unit-files"]);
    const h = await placedOn("hello.service");
    const rows = r.stdout.trimEnd().split("\n").map((l) => l.split(/\s{2,}/));
    expect(rows[0]).toEqual(["UNIT", "HASH", "DSTATE", "STATE", "TARGET"]);
    expect(rows.slice(1)).toEqual([
      ["hello.service", expect.stringMatching(/^[0-9a-f]{7}$/), "launched", "launched", `${h.slice(0, 8)}.../127.0.0.1`],
      ["idle.service", expect.stringMatching(/^[0-9a-f]{7}$/), "inactive", "inactive", "-"],
      ["mars.service", expect.stringMatching(/^[0-9a-f]{7}$/), "launched", "inactive", "-"],
      ["monitor.service", expect.stringMatching(/^[0-9a-f]{7}$/), "launched", "-", "global"],
    ]);
    const d = await c.hafen(["list-unit-files", "--fields", "unit,desc,global", "--no-legend"]);
    expect(d.stdout).toMatch(/^hello.service\s+Hello World\s+false$/m);
    expect(d.stdout).toMatch(/^monitor.service\s+Per-machine monitor\s+true$/m);
  });
});

describe("cat", () => {
  it("prints the unit as submitted: the file without its comments", async () => {
    const r = await c.hafen(["cat", "hello.service"]);
    const original = readFileSync(join(EXAMPLES, "hello.service"), "utf8");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(original.split("\n").filter((l) => !l.startsWith("#")).join("\n"));
  });
  it("prints several units under '# NAME' lines, JSON with --json, and fails for unknown ones", async () => {
    const r = await c.hafen(["cat", "m*.service", "nope.service"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^# mars.service\n\[Unit\][\s\S]*\n# monitor.service\n\[Unit\]\nDescription=Per-machine monitor\n/);
    expect(r.stderr).toBe("hafen cat: nope.service: no such unit in the cluster (see `hafen list-unit-files`)\n");
    const j = JSON.parse((await c.hafen(["cat", "--json", "idle.service"])).stdout);
    expect(j).toEqual([{ name: "idle.service", options: expect.arrayContaining([{ section: "Unit", name: "Description", value: "Hello" }]), text: expect.stringContaining("[Service]\n") }]);
  });
});

describe("status and journal", () => {
  it("status shows states, the machine's systemd state and the last journal lines", async () => {
    const h = await placedOn("hello.service");
    c.journals.get(h)!.set("hello.service", Array.from({ length: 15 }, (_, i) => `Hello World ${i}`));
    const r = await c.hafen(["status", "--lines", "3", "hello.service", "mars.service"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      ["● hello.service - Hello World", "   Desired: launched", "   Current: launched"].join("\n"),
    );
    expect(r.stdout).toContain([`   Machine: ${h}/127.0.0.1 (m${h === M1 ? 1 : 2})`, "    Loaded: loaded", "    Active: active (running)", "", "Hello World 12", "Hello World 13", "Hello World 14"].join("\n"));
    expect(r.stdout).toMatch(/● mars.service - Hello\n {3}Desired: launched\n {3}Current: inactive\n.*\n {4}Reason: .*region=mars.*\n {3}Machine: - \(not scheduled\)/);
    const j = JSON.parse((await c.hafen(["status", "--json", "monitor.service"])).stdout);
    expect(j[0].machines.map((m: { id: string; active: string; journal: string[] }) => [m.id, m.active, m.journal])).toEqual([
      [M1, "active", []],
      [M2, "active", []],
    ]);
  });
  it("status fails for unknown units and bad --lines", async () => {
    const r = await c.hafen(["status", "ghost.service"]);
    expect(r).toEqual({ code: 1, stdout: "", stderr: "hafen status: ghost.service: no such unit in the cluster (see `hafen list-unit-files`)\n" });
    const bad = await c.hafen(["status", "--lines", "-3", "hello.service"]);
    expect(bad.code).toBe(1);
  });
  it("journal prints the last N lines, or JSON; refuses bad input; asks for --machine on a global unit", async () => {
    const h = await placedOn("hello.service");
    c.journals.get(h)!.set("hello.service", ["one", "two", "three\x1b[31m"]);
    expect(await c.hafen(["journal", "--lines", "2", "hello.service"])).toEqual({ code: 0, stdout: "two\nthree\\x1b[31m\n", stderr: "" });
    expect(JSON.parse((await c.hafen(["journal", "--json", "hello"])).stdout)).toEqual({ unit: "hello.service", machineID: h, lines: ["one", "two", "three\x1b[31m"] });
    expect((await c.hafen(["journal", "--lines", "x", "hello.service"])).stderr).toMatch(/--lines "x": expected a whole number from 0 to 10000/);
    expect((await c.hafen(["journal", "hello.service", "idle.service"])).stderr).toMatch(/expected exactly one UNIT/);
    const idle = await c.hafen(["journal", "idle.service"]);
    expect(idle).toMatchObject({ code: 1, stderr: expect.stringMatching(/HTTP 409: unit idle.service is not scheduled to any machine/) });
    const global = await c.hafen(["journal", "monitor.service"]);
    expect(global.code).toBe(1);
    expect(global.stderr).toMatch(/runs on 2 machines; pass machineID\n {2}hint: choose one with --machine/);
    c.journals.get(M2)!.set("monitor.service", ["load 0.1"]);
    expect((await c.hafen(["journal", "--machine", "m2", "monitor.service"])).stdout).toBe("load 0.1\n");
    expect((await c.hafen(["journal", "--machine", "2222", "monitor.service"])).stdout).toBe("load 0.1\n");
    expect((await c.hafen(["journal", "--machine", "m9", "monitor.service"])).stderr).toMatch(/--machine "m9": no machine has this id, id prefix or name/);
  });
  it("journal -f prints new lines as they come until its signal ends it", async () => {
    const h = await placedOn("hello.service");
    const lines = ["a", "b", "c"];
    c.journals.get(h)!.set("hello.service", lines);
    const stop = new AbortController();
    let step = 0;
    const cmd = makeJournal({
      pollMs: 10,
      signal: stop.signal,
      sleep: async () => {
        step++;
        if (step === 1) lines.push("c", "d");
        if (step === 3) lines.push("e");
        if (step === 5) stop.abort();
        await new Promise((r) => setTimeout(r, 5));
      },
    });
    const r = await runCommand(cmd, ["-f", "--lines", "2", "hello.service"], { cwd: c.dir, env: c.env });
    expect(r).toEqual({ code: 0, stdout: "b\nc\nc\nd\ne\n", stderr: "" });
  });
});

describe("many units", () => {
  it("starts 120 units in one command and lists every one across API pages", async () => {
    const dir = tempDir();
    const names = Array.from({ length: 120 }, (_, i) => `bulk-${String(i).padStart(3, "0")}.service`);
    writeUnits(dir, Object.fromEntries(names.map((n) => [n, HELLO.replace("hi", n)])));
    const r = await c.hafen(["start", "--timeout", "30", ...names], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(120);
    const files = await c.hafen(["list-unit-files", "--no-legend", "--fields", "unit,state"]);
    expect(files.stdout.split("\n").filter((l) => /^bulk-\d{3}\.service\s+launched$/.test(l))).toHaveLength(120);
    const units = await c.hafen(["list-units", "--no-legend", "--fields", "unit,active"]);
    expect(units.stdout.split("\n").filter((l) => /^bulk-\d{3}\.service\s+active$/.test(l))).toHaveLength(120);
    const destroyed = await c.hafen(["destroy", "--timeout", "30", "bulk-*.service"]);
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout.trimEnd().split("\n")).toHaveLength(120);
    expect((await c.cp.client.listUnits()).filter((u) => u.name.startsWith("bulk-"))).toEqual([]);
  });
});

describe("a machine whose agent serves no journal", () => {
  it("status still shows the unit, says the journal is unavailable, and exits 0", async () => {
    const M3 = "33333333333333333333333333333333";
    await c.cp.startAgent({ id: M3, name: "m3", metadata: { region: "moon" } });
    writeUnits(c.dir, { "moon.service": `${HELLO}\n[X-Fleet]\nMachineMetadata=region=moon\n` });
    expect((await c.hafen(["start", "--timeout", "20", "moon.service"])).stdout).toMatch(/^Unit moon.service launched on 33333333\.\.\.\/127\.0\.0\.1\n$/);
    const r = await c.hafen(["status", "moon.service"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ {4}Active: active \(running\)\n {2}journal unavailable: journal of moon.service: HTTP 502: machine 3{32} is not reachable for journal requests\n$/);
    const j = await c.hafen(["journal", "moon.service"]);
    expect(j.code).toBe(1);
    expect(j.stderr).toMatch(/HTTP 502/);
  });
});

async function waitForReason(unit: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await c.cp.client.hafenUnits()).find((u) => u.name === unit)?.reason) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no reason for ${unit}`);
}
