// submit, load, start, stop, unload and destroy against a real control plane: the API
// server, the scheduling engine and two agents whose executors record what they ran.
// Assertions read the cluster through the API client and the executors, not the CLI.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startCliCluster, M1, M2, HELLO, writeUnits, type CliCluster } from "./helpers";
import { hashOptions } from "../../../units";
import { tempDir } from "../../support/tmp";

const EXAMPLES = join(__dirname, "..", "..", "..", "examples", "units");
let c: CliCluster;

beforeAll(async () => {
  c = await startCliCluster([
    { id: M1, name: "m1" },
    { id: M2, name: "m2", metadata: { region: "eu" } },
  ]);
  // Both agents registered, so placements below are deterministic in count.
  for (let i = 0; i < 100 && (await c.cp.client.listMachines()).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
});
afterAll(async () => c?.stop());

const started = (unit: string) => [...c.executors.values()].flatMap((e) => e.calls.filter((x) => x.unit === unit && x.op === "start"));

describe("submit", () => {
  it("puts units and templates in the cluster inactive; the same file again is unchanged", async () => {
    const dir = tempDir();
    writeUnits(dir, { "sub.service": HELLO });
    copyFileSync(join(EXAMPLES, "web@.service"), join(dir, "web@.service"));
    const r = await c.hafen(["submit", "sub.service", "web@.service"], { cwd: dir });
    expect(r).toEqual({ code: 0, stdout: "Unit sub.service submitted\nUnit web@.service submitted\n", stderr: "" });
    expect(await c.cp.client.getUnit("sub.service")).toMatchObject({ desiredState: "inactive" });
    expect(await c.cp.client.getUnit("web@.service")).toMatchObject({ desiredState: "inactive" });
    const again = await c.hafen(["submit", "sub.service"], { cwd: dir });
    expect(again).toEqual({ code: 0, stdout: "Unit sub.service unchanged\n", stderr: "" });
  });

  it("refuses changed contents without --replace and changes nothing; replaces with it", async () => {
    const dir = tempDir();
    writeUnits(dir, { "rep.service": HELLO });
    expect((await c.hafen(["submit", "rep.service"], { cwd: dir })).code).toBe(0);
    const before = await c.cp.client.getUnit("rep.service");
    writeUnits(dir, { "rep.service": HELLO.replace("echo hi", "echo changed") });
    const refused = await c.hafen(["submit", "rep.service"], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe("hafen submit: rep.service: the unit in the cluster differs from rep.service; pass --replace to replace it (it restarts with the new contents)\n");
    expect(await c.cp.client.getUnit("rep.service")).toEqual(before);
    const replaced = await c.hafen(["submit", "--replace", "rep.service"], { cwd: dir });
    expect(replaced).toEqual({ code: 0, stdout: "Unit rep.service replaced\n", stderr: "" });
    const after = await c.cp.client.getUnit("rep.service");
    expect(after?.options.find((o) => o.name === "ExecStart")?.value).toContain("echo changed");
    expect(after?.desiredState).toBe("inactive");
  });

  it("reports every bad file with FILE:LINE and submits the good ones", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "units"));
    writeFileSync(join(dir, "units", "bad.service"), "[Unit]\nDescription=x\n[Service]\nType=simple\n\n[X-Fleet]\nGlobal=true\nMachineID=abc\n");
    writeFileSync(join(dir, "units", "bin.service"), Buffer.from([0x5b, 0x00, 0x5d]));
    writeFileSync(join(dir, "units", "ok1.service"), HELLO);
    const r = await c.hafen(["submit", "units/bad.service", "units/ok1.service", "units/bin.service", "nosuch.service", "bad name.service", "units"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("Unit ok1.service submitted\n");
    expect(r.stderr).toMatch(/^hafen submit: bad.service: the unit file has errors:\n {2}units\/bad.service:\d+: missing-exec-start: /m);
    expect(r.stderr).toMatch(/units\/bad.service:8: conflicting-fleet-options: /);
    expect(r.stderr).toMatch(/hafen submit: bin.service: the unit file has errors:\n {2}units\/bin.service:1: binary-content: byte 1 is NUL/);
    expect(r.stderr).toContain("hafen submit: nosuch.service: no unit file nosuch.service, and no unit nosuch.service in the cluster\n");
    expect(r.stderr).toMatch(/hafen submit: bad name.service: unit name "bad name.service" has an invalid prefix/);
    expect(r.stderr).toMatch(/hafen submit: units.service: no unit file units.service/);
    expect(r.stderr).toMatch(/hafen submit: 5 of 6 unit\(s\) failed\n$/);
    const names = (await c.cp.client.listUnits()).map((u) => u.name);
    expect(names).toContain("ok1.service");
    expect(names).not.toContain("bad.service");
    expect(names).not.toContain("bin.service");
  });
});

describe("start, load, stop, unload, destroy", () => {
  it("starts a unit from a file and waits until it runs; --replace restarts it with new contents", async () => {
    const dir = tempDir();
    writeUnits(dir, { "run.service": HELLO });
    const r = await c.hafen(["start", "--timeout", "20", "run.service"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Unit run.service launched on (11111111|22222222)\.\.\.\/127\.0\.0\.1\n$/);
    expect(await c.cp.client.getUnit("run.service")).toMatchObject({ desiredState: "launched", currentState: "launched" });
    expect(started("run.service")).toHaveLength(1);

    const changed = HELLO.replace("echo hi", "echo v2");
    writeUnits(dir, { "run.service": changed });
    const refused = await c.hafen(["start", "run.service"], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/pass --replace/);
    const replaced = await c.hafen(["start", "--replace", "--timeout", "20", "run.service"], { cwd: dir });
    expect(replaced.code).toBe(0);
    const newHash = hashOptions((await c.cp.client.getUnit("run.service"))!.options);
    const loads = [...c.executors.values()].flatMap((e) => e.calls.filter((x) => x.unit === "run.service" && x.op === "load"));
    expect(loads.map((l) => l.hash)).toContain(newHash);
    expect(started("run.service").length).toBeGreaterThanOrEqual(2);
  });

  it("starts instances from a local template, then from the template in the cluster, and says why one cannot be placed", async () => {
    const dir = tempDir();
    copyFileSync(join(EXAMPLES, "web@.service"), join(dir, "web@.service"));
    const two = await c.hafen(["start", "--timeout", "20", "web@1.service", "web@2"], { cwd: dir });
    expect(two.code).toBe(0);
    const units = await c.cp.client.listUnits();
    const placed = ["web@1.service", "web@2.service"].map((n) => units.find((u) => u.name === n)?.machineID);
    // Conflicts=web@*.service keeps them apart.
    expect(new Set(placed)).toEqual(new Set([M1, M2]));

    // No local file here: web@3 comes from web@.service in the cluster, and both
    // machines already run an instance it conflicts with.
    const elsewhere = tempDir();
    const third = await c.hafen(["start", "--timeout", "20", "web@3.service"], { cwd: elsewhere });
    expect(third.code).toBe(1);
    expect(third.stdout).toBe("");
    expect(third.stderr).toMatch(/^hafen start: web@3.service: not scheduled: conflicts with web@1.service(, | and )web@2.service on every eligible machine\n$/);
    expect(await c.cp.client.getUnit("web@3.service")).toMatchObject({ desiredState: "launched" });
    const list = await c.hafen(["list-units"]);
    expect(list.stdout).toMatch(/^web@3.service\s+-\s+-\s+-\s+conflicts with web@1.service/m);
    expect(list.stdout.split("\n")[0]).toMatch(/^UNIT\s+MACHINE\s+ACTIVE\s+SUB\s+REASON$/);
  });

  it("refuses to start a template, stop an unloaded unit, or act on names and globs that match nothing", async () => {
    const r = await c.hafen(["start", "--no-block", "web@.service", "sub.service"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("hafen start: web@.service: is a template; start instances such as web@1.service");
    expect(r.stdout).toBe("Triggered unit sub.service\n");
    expect(await c.cp.client.getUnit("web@.service")).toMatchObject({ desiredState: "inactive" });
    await c.hafen(["unload", "sub.service"]);

    const stop = await c.hafen(["stop", "rep.service", "ghost.service", "zz*.service", "web@[.service"]);
    expect(stop.code).toBe(1);
    expect(stop.stdout).toBe("");
    expect(stop.stderr).toContain("hafen stop: ghost.service: no such unit in the cluster (see `hafen list-unit-files`)\n");
    expect(stop.stderr).toContain('hafen stop: zz*.service: no unit in the cluster matches "zz*.service"\n');
    expect(stop.stderr).toContain('hafen stop: web@[.service: not a valid glob: a "[" class is not closed with "]"\n');
    expect(stop.stderr).toContain("hafen stop: rep.service: is not loaded (desired state inactive), so there is nothing to stop");
    expect(await c.cp.client.getUnit("rep.service")).toMatchObject({ desiredState: "inactive" });
  });

  it("stops, unloads and destroys by glob, waiting until the machines report it", async () => {
    expect((await c.hafen(["destroy", "web@3.service"])).code).toBe(0);
    const stop = await c.hafen(["stop", "--timeout", "20", "web@*.service"]);
    // web@.service (the template) is inactive: refused; the instances stop.
    expect(stop.code).toBe(1);
    expect(stop.stdout).toMatch(/^Unit web@1.service loaded on \S+\nUnit web@2.service loaded on \S+\n$/);
    expect(stop.stderr).toMatch(/web@.service: is not loaded/);
    const stops = [...c.executors.values()].flatMap((e) => e.calls.filter((x) => x.op === "stop" && x.unit.startsWith("web@")));
    expect(stops.length).toBeGreaterThanOrEqual(2);

    const unload = await c.hafen(["unload", "--timeout", "20", "web@?.service"]);
    expect(unload).toEqual({ code: 0, stdout: "Unit web@1.service inactive\nUnit web@2.service inactive\n", stderr: "" });
    expect((await c.cp.client.listStates()).filter((s) => s.name.startsWith("web@"))).toEqual([]);

    const destroy = await c.hafen(["destroy", "--json", "web@*.service"]);
    expect(destroy.code).toBe(0);
    expect(JSON.parse(destroy.stdout)).toEqual([
      { unit: "web@.service", ok: true, action: "destroyed" },
      { unit: "web@1.service", ok: true, action: "destroyed" },
      { unit: "web@2.service", ok: true, action: "destroyed" },
    ]);
    expect((await c.cp.client.listUnits()).filter((u) => u.name.startsWith("web@"))).toEqual([]);
  });

  it("loads without starting, and leaves a launched unit alone", async () => {
    const dir = tempDir();
    writeUnits(dir, { "ld.service": HELLO });
    const r = await c.hafen(["load", "--timeout", "20", "ld.service", "run.service"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Unit ld.service loaded on \S+\nUnit run.service is already launched; not changed/);
    expect(await c.cp.client.getUnit("ld.service")).toMatchObject({ desiredState: "loaded", currentState: "loaded" });
    expect(started("ld.service")).toEqual([]);
    expect(await c.cp.client.getUnit("run.service")).toMatchObject({ desiredState: "launched" });
  });

  it("--no-block returns at once; --json reports where each unit runs; --block-attempts bounds the wait", async () => {
    const dir = tempDir();
    writeUnits(dir, { "nb.service": HELLO, "js.service": HELLO, "mars.service": `${HELLO}\n[X-Fleet]\nMachineMetadata=region=mars\n` });
    const nb = await c.hafen(["start", "--no-block", "nb.service"], { cwd: dir });
    expect(nb).toEqual({ code: 0, stdout: "Triggered unit nb.service\n", stderr: "" });
    const js = await c.hafen(["start", "--json", "--timeout", "20", "js.service"], { cwd: dir });
    expect(js.code).toBe(0);
    expect(JSON.parse(js.stdout)).toEqual([{ unit: "js.service", ok: true, action: "launched", machines: [{ id: expect.stringMatching(/^(1{32}|2{32})$/), primaryIP: "127.0.0.1" }] }]);
    const mars = await c.hafen(["start", "--block-attempts", "2", "mars.service"], { cwd: dir });
    expect(mars.code).toBe(1);
    expect(mars.stderr).toMatch(/^hafen start: mars.service: (not launched after 2 attempt\(s\): .+|not scheduled: .*region=mars.*)\n$/);
  });

  it("an endpoint without credentials gets the server's 401 and a hint about --config", async () => {
    const r = await c.hafen(["start", "x.service", "--endpoint", c.cp.server.url], { env: { HAFEN_CONFIG: "" } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^hafen start: list units: HTTP 401: authentication required.*\n {2}hint: the API needs credentials; pass --config FILE/);
  });
});
