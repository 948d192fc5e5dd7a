import { plan, type DesiredUnit } from "../../../runtime/agent/reconcile";
import type { UnitStatus } from "../../../runtime/executor/types";

const unit = (name: string, over: Partial<DesiredUnit> = {}): DesiredUnit => ({
  name,
  hash: `h-${name}`,
  options: [{ section: "Service", name: "ExecStart", value: "/bin/true" }],
  desiredState: "launched",
  global: false,
  ...over,
});

const status = (name: string, activeState: UnitStatus["activeState"], hash = `h-${name}`): UnitStatus => ({
  name,
  hash,
  loadState: "loaded",
  activeState,
  subState: activeState === "active" ? "running" : "dead",
});

const kinds = (tasks: ReturnType<typeof plan>) => tasks.map((t) => `${t.kind} ${t.unit}`);

describe("agent reconcile plan", () => {
  it("loads then starts a newly assigned unit", () => {
    const tasks = plan({ desired: [unit("a.service")], actual: [], launched: new Map(), fenced: false });
    expect(kinds(tasks)).toEqual(["load a.service", "start a.service"]);
    expect(tasks.every((t) => t.reason.length > 0)).toBe(true);
  });

  it("does nothing when desired equals actual", () => {
    const tasks = plan({
      desired: [unit("a.service")],
      actual: [status("a.service", "active")],
      launched: new Map([["a.service", "h-a.service"]]),
      fenced: false,
    });
    expect(tasks).toEqual([]);
  });

  it("stops and unloads a unit that is no longer assigned, before loading others", () => {
    const tasks = plan({
      desired: [unit("b.service")],
      actual: [status("a.service", "active")],
      launched: new Map([["a.service", "h-a.service"]]),
      fenced: false,
    });
    expect(kinds(tasks)).toEqual(["stop a.service", "unload a.service", "load b.service", "start b.service"]);
  });

  it("restarts a replaced unit with its new contents: stop, load, start", () => {
    const tasks = plan({
      desired: [unit("a.service", { hash: "new" })],
      actual: [status("a.service", "active", "old")],
      launched: new Map([["a.service", "old"]]),
      fenced: false,
    });
    expect(kinds(tasks)).toEqual(["stop a.service", "load a.service", "start a.service"]);
  });

  it("does not restart a launched unit that exited or failed (left to Restart=)", () => {
    const tasks = plan({
      desired: [unit("a.service")],
      actual: [status("a.service", "failed")],
      launched: new Map([["a.service", "h-a.service"]]),
      fenced: false,
    });
    expect(tasks).toEqual([]);
  });

  it("stops a running unit whose desired state became loaded", () => {
    const tasks = plan({
      desired: [unit("a.service", { desiredState: "loaded" })],
      actual: [status("a.service", "active")],
      launched: new Map([["a.service", "h-a.service"]]),
      fenced: false,
    });
    expect(kinds(tasks)).toEqual(["stop a.service"]);
  });

  it("when fenced, stops lease-bound units but keeps global ones running", () => {
    const tasks = plan({
      desired: [unit("a.service"), unit("g.service", { global: true })],
      actual: [status("a.service", "active"), status("g.service", "active")],
      launched: new Map([
        ["a.service", "h-a.service"],
        ["g.service", "h-g.service"],
      ]),
      fenced: true,
    });
    expect(kinds(tasks)).toEqual(["stop a.service", "unload a.service"]);
    expect(tasks[0]!.reason).toMatch(/lease/);
  });

  it("when fenced, never starts a lease-bound unit", () => {
    const tasks = plan({ desired: [unit("a.service")], actual: [], launched: new Map(), fenced: true });
    expect(tasks).toEqual([]);
  });
});
