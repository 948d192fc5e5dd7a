// The CLI's pure cores: tables, --fields, unit arguments and globs, the submit plan,
// journal following, and the wait's assessment and loop on a fake clock.
import fc from "fast-check";
import { cleanCell, parseFields, renderTable } from "../../../runtime/cli/client/table";
import { parseUnitArg, selectUnits } from "../../../runtime/cli/client/unit-args";
import { planUnit } from "../../../runtime/cli/client/plan";
import { newLines } from "../../../runtime/cli/client/follow";
import { assess, waitFor, type Observation } from "../../../runtime/cli/client/wait";
import { waitSettings } from "../../../runtime/cli/client/change";
import { UsageError } from "../../../runtime/cli/command";
import { hashOptions } from "../../../units";
import type { FleetUnit, FleetUnitState, HafenUnit } from "../../../runtime/client/api";

describe("renderTable", () => {
  it("aligns columns by their widest cell, two spaces apart, last column unpadded", () => {
    const t = renderTable(["UNIT", "MACHINE"], [["a.service", "m1"], ["longer.service", "-"]]);
    expect(t).toBe("UNIT            MACHINE\na.service       m1\nlonger.service  -\n");
  });
  it("drops the legend with legend: false and prints nothing for no rows", () => {
    expect(renderTable(["A", "B"], [["x", "y"]], { legend: false })).toBe("x  y\n");
    expect(renderTable(["A"], [], { legend: false })).toBe("");
  });
  it("escapes control characters so cluster data cannot drive the terminal", () => {
    expect(cleanCell("a\x1b[2Jb\nc\td")).toBe("a\\x1b[2Jb\\nc\\td");
    expect(renderTable(["X"], [["evil\x1b]0;title\x07"]], { legend: false })).toBe("evil\\x1b]0;title\\x07\n");
  });
});

describe("parseFields", () => {
  const known = ["unit", "machine", "hash"] as const;
  it("accepts a comma-separated subset in the given order", () => {
    expect(parseFields("hash, unit", known)).toEqual({ ok: true, fields: ["hash", "unit"] });
  });
  it("names unknown and empty fields and lists what is accepted", () => {
    const bad = parseFields("unit,colour", known);
    expect(bad).toEqual({ ok: false, message: expect.stringMatching(/unknown field "colour".*unit, machine, hash/) });
    expect(parseFields("unit,,hash", known)).toEqual({ ok: false, message: expect.stringMatching(/empty field name/) });
  });
});

describe("unit arguments", () => {
  it("takes a path's basename as the unit name and adds .service to a bare name", () => {
    expect(parseUnitArg("units/web@.service", { globs: false })).toEqual({ kind: "name", arg: "units/web@.service", name: "web@.service", path: "units/web@.service" });
    expect(parseUnitArg("hello", { globs: false })).toEqual({ kind: "name", arg: "hello", name: "hello.service", path: "hello.service" });
  });
  it("refuses invalid names with the unit layer's message", () => {
    const a = parseUnitArg("hello.unknowntype", { globs: false });
    expect(a).toEqual({ kind: "invalid", arg: "hello.unknowntype", message: expect.stringMatching(/unit type "unknowntype" is not supported/) });
    const g = parseUnitArg("web@*.service", { globs: false });
    expect(g.kind === "invalid" && g.message).toMatch(/globs are only matched by stop, unload, destroy, status and cat/);
  });
  it("compiles globs, refusing malformed ones and ones with a slash", () => {
    expect(parseUnitArg("web@*.service", { globs: true }).kind).toBe("glob");
    expect(parseUnitArg("web@[.service", { globs: true })).toEqual({ kind: "invalid", arg: "web@[.service", message: expect.stringMatching(/not a valid glob: a "\[" class is not closed/) });
    expect(parseUnitArg("dir/*.service", { globs: true })).toEqual({ kind: "invalid", arg: "dir/*.service", message: expect.stringMatching(/cannot contain '\/'/) });
  });
  it("selects units by name and glob in argument order, once each, with a failure per miss", () => {
    const cluster = ["a.service", "web@1.service", "web@2.service", "web@.service"];
    const r = selectUnits(["web@?.service", "a", "web@1.service", "nope.service", "x*.service", "bad[x"], cluster);
    expect(r.names).toEqual(["web@1.service", "web@2.service", "a.service"]);
    expect(r.failures).toEqual([
      { unit: "nope.service", message: expect.stringMatching(/no such unit in the cluster/) },
      { unit: "x*.service", message: 'no unit in the cluster matches "x*.service"' },
      { unit: "bad[x", message: expect.stringMatching(/not a valid glob/) },
    ]);
  });
});

describe("planUnit", () => {
  const opts = [{ section: "Service", name: "ExecStart", value: "/bin/true" }];
  const other = [{ section: "Service", name: "ExecStart", value: "/bin/false" }];
  const unit = (name: string, options = opts): FleetUnit => ({ name, options, desiredState: "launched" });
  const base = { name: "a.service", path: "a.service", replace: false };
  it("keeps a unit whose local file has the same contents, and one without a local file", () => {
    expect(planUnit({ ...base, existing: unit("a.service"), local: { file: "a.service", options: opts } }).kind).toBe("keep");
    expect(planUnit({ ...base, existing: unit("a.service") }).kind).toBe("keep");
  });
  it("refuses different contents without --replace, naming --replace; replaces with it", () => {
    const refused = planUnit({ ...base, existing: unit("a.service"), local: { file: "dir/a.service", options: other } });
    expect(refused).toEqual({ kind: "fail", name: "a.service", message: expect.stringMatching(/differs from dir\/a.service; pass --replace/) });
    const replaced = planUnit({ ...base, replace: true, existing: unit("a.service"), local: { file: "a.service", options: other } });
    expect(replaced).toMatchObject({ kind: "create", options: other, previous: { name: "a.service" } });
  });
  it("creates an instance from a local template before the cluster's template", () => {
    const i = { name: "web@1.service", path: "web@1.service", replace: false };
    expect(planUnit({ ...i, local: { file: "web@.service", options: other }, clusterTemplate: unit("web@.service") })).toMatchObject({ kind: "create", options: other, from: "web@.service" });
    expect(planUnit({ ...i, clusterTemplate: unit("web@.service") })).toMatchObject({ kind: "create", options: opts, from: "template web@.service in the cluster" });
  });
  it("fails with where it looked when there is nothing to create from", () => {
    expect(planUnit({ name: "web@1.service", path: "x/web@1.service", replace: false })).toEqual({
      kind: "fail",
      name: "web@1.service",
      message: "no unit file x/web@1.service nor a template web@.service (beside it or in the cluster), and no unit web@1.service in the cluster",
    });
  });
});

describe("newLines (journal -f)", () => {
  it("is exact while the journal is shorter than the window", () => {
    expect(newLines(["a", "a"], ["a", "a", "a", "b"])).toEqual({ lines: ["a", "b"], overlap: true });
    expect(newLines([], ["x"])).toEqual({ lines: ["x"], overlap: true });
    expect(newLines(["a"], ["a"])).toEqual({ lines: [], overlap: true });
  });
  it("aligns full windows on the previous window's tail", () => {
    expect(newLines(["1", "2", "3"], ["3", "4", "5"])).toEqual({ lines: ["4", "5"], overlap: true });
    expect(newLines(["1", "2", "3"], ["2", "3", "4"])).toEqual({ lines: ["4"], overlap: true });
  });
  it("says when nothing lines up", () => {
    expect(newLines(["1", "2"], ["7", "8"])).toEqual({ lines: ["7", "8"], overlap: false });
  });
  it("property: a journal shorter than the window is followed exactly, line for line", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "c"), { maxLength: 30 }), fc.array(fc.constantFrom("a", "b", "c"), { maxLength: 30 }), (before, added) => {
        const window = 100;
        const prev = before.slice(-window);
        const next = [...before, ...added].slice(-window);
        expect(newLines(prev, next).lines).toEqual(added);
      }),
    );
  });
  it("property: distinct lines are followed exactly even past the window", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 10 }), (n, k, window) => {
        const journal = Array.from({ length: n + k }, (_, i) => `line ${i}`);
        const prev = journal.slice(0, n).slice(-window);
        const next = journal.slice(-window);
        const got = newLines(prev, next).lines;
        expect(got).toEqual(journal.slice(n).slice(-window));
      }),
    );
  });
});

const A = "a".repeat(32);
const B = "b".repeat(32);
const opts = [{ section: "Service", name: "ExecStart", value: "/bin/true" }];
const H = hashOptions(opts);
function hunit(name: string, extra: Partial<HafenUnit> = {}): HafenUnit {
  return { name, options: opts, desiredState: "launched", hash: H, machineIDs: [], ...extra };
}
function state(name: string, machineID: string, active: string, sub = "running", load = "loaded"): FleetUnitState {
  return { name, machineID, hash: H, systemdLoadState: load, systemdActiveState: active, systemdSubState: sub };
}
function obs(units: HafenUnit[], states: FleetUnitState[] = []): Observation {
  return { units: new Map(units.map((u) => [u.name, u])), states };
}

describe("assess", () => {
  it("is done when every machine of the unit reports the target state", () => {
    expect(assess("g.service", "launched", obs([hunit("g.service", { machineIDs: [A, B] })], [state("g.service", A, "active"), state("g.service", B, "active")]))).toEqual({ kind: "done", machines: [A, B] });
    expect(assess("g.service", "launched", obs([hunit("g.service", { machineIDs: [A, B] })], [state("g.service", A, "active")])).kind).toBe("pending");
    expect(assess("s.service", "loaded", obs([hunit("s.service", { machineIDs: [A] })], [state("s.service", A, "inactive", "dead")]))).toEqual({ kind: "done", machines: [A] });
  });
  it("is blocked by an unschedulable reason or a failed unit, pending otherwise", () => {
    expect(assess("u.service", "launched", obs([hunit("u.service", { reason: "no machine matches region=mars" })]))).toEqual({ kind: "blocked", why: "not scheduled: no machine matches region=mars" });
    expect(assess("f.service", "launched", obs([hunit("f.service", { machineIDs: [A] })], [state("f.service", A, "failed", "failed")])).kind).toBe("blocked");
    expect(assess("p.service", "launched", obs([hunit("p.service")]))).toEqual({ kind: "pending", why: "not scheduled yet" });
    expect(assess("gone.service", "launched", obs([])).kind).toBe("blocked");
  });
  it("treats a state with another hash as not there (a replaced unit restarting)", () => {
    const stale = { ...state("r.service", A, "active"), hash: "0".repeat(40) };
    expect(assess("r.service", "launched", obs([hunit("r.service", { machineIDs: [A] })], [stale])).kind).toBe("pending");
  });
  it("is done for `gone` only when no machine reports the unit", () => {
    expect(assess("d.service", "gone", obs([], [state("d.service", A, "active")])).kind).toBe("pending");
    expect(assess("d.service", "gone", obs([]))).toEqual({ kind: "done", machines: [] });
  });
});

describe("waitFor on a fake clock", () => {
  function clock() {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms) };
  }
  it("gives a unit up once it has been blocked for stuckMs, and finishes the others", async () => {
    const c = clock();
    let polls = 0;
    const observe = async () => {
      polls++;
      return obs([hunit("ok.service", { machineIDs: polls >= 3 ? [A] : [] }), hunit("bad.service", { reason: "conflicts" })], polls >= 3 ? [state("ok.service", A, "active")] : []);
    };
    const out = await waitFor(new Map([["ok.service", "launched"], ["bad.service", "launched"]] as const), observe, { attempts: 0, timeoutMs: 60_000, stuckMs: 1000, ...c });
    expect(out.get("ok.service")).toEqual({ kind: "done", machines: [A] });
    expect(out.get("bad.service")).toEqual({ kind: "stuck", why: "not scheduled: conflicts" });
    expect(c.now()).toBeGreaterThanOrEqual(1000);
    expect(c.now()).toBeLessThan(3000);
  });
  it("stops after the attempts or the timeout with the last reason it saw", async () => {
    const c = clock();
    let polls = 0;
    const observe = async () => {
      polls++;
      return obs([hunit("p.service")]);
    };
    const byAttempts = await waitFor(new Map([["p.service", "launched"]] as const), observe, { attempts: 3, timeoutMs: 60_000, stuckMs: 1000, ...c });
    expect(polls).toBe(3);
    expect(byAttempts.get("p.service")).toEqual({ kind: "timeout", why: "not scheduled yet" });
    const c2 = clock();
    const byTime = await waitFor(new Map([["p.service", "launched"]] as const), observe, { attempts: 0, timeoutMs: 5000, stuckMs: 1000, ...c2 });
    expect(byTime.get("p.service")?.kind).toBe("timeout");
    expect(c2.now()).toBe(5000);
  });
});

describe("waitSettings", () => {
  it("reads --no-block, --block-attempts and --timeout", () => {
    expect(waitSettings({})).toEqual({ block: true, attempts: 0, timeoutMs: 60_000 });
    expect(waitSettings({ "no-block": true, "block-attempts": "5", timeout: "1.5" })).toEqual({ block: false, attempts: 5, timeoutMs: 1500 });
  });
  it.each([
    [{ "block-attempts": "-1" }, /--block-attempts "-1": expected a whole number/],
    [{ "block-attempts": "x" }, /--block-attempts "x"/],
    [{ timeout: "0" }, /--timeout "0": expected seconds/],
    [{ timeout: "1e9" }, /--timeout "1e9"/],
    [{ timeout: "" }, /--timeout ""/],
  ])("refuses %j", (values, message) => {
    expect(() => waitSettings(values)).toThrow(UsageError);
    expect(() => waitSettings(values)).toThrow(message);
  });
});
