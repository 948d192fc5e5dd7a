// The scenario kit's own judgement, without a cluster: the double-run detector and the
// start history read from executor records, and the unit-file helper's refusals. These
// are what every scenario's verdict rests on, so they must be able to say "no".
import type { ExecutorEvent } from "../../../runtime/executor/types";
import type { RecordedCall } from "../../../runtime/executor/recording";
import { doubleRuns, startsOf, type MachineLog } from "../../support/scenario-records";
import { machineId, unit, xfleet } from "../../support/scenario";

const ev = (mono: number, unit: string, event: ExecutorEvent["event"]): ExecutorEvent => ({ at: mono, mono, unit, event });
const call = (at: number, op: RecordedCall["op"], unit: string, hash?: string): RecordedCall => ({ at, op, unit, ...(hash ? { hash } : {}) });
const log = (machine: string, events: ExecutorEvent[], calls: RecordedCall[] = []): MachineLog => ({ machine, events, calls });
const never = () => false;

describe("doubleRuns", () => {
  test("a hand-over (stop on one machine before the start on the next) is not a double run", () => {
    const logs = [log("m1", [ev(1, "a.service", "started"), ev(3, "a.service", "stopped")]), log("m2", [ev(4, "a.service", "started")])];
    expect(doubleRuns(logs, never)).toEqual([]);
  });

  test("a start on a second machine before the first copy stopped is reported", () => {
    const logs = [log("m1", [ev(1, "a.service", "started"), ev(5, "a.service", "stopped")]), log("m2", [ev(4, "a.service", "started")])];
    expect(doubleRuns(logs, never)).toEqual([{ unit: "a.service", machines: ["m1", "m2"], mono: 4 }]);
  });

  test("exited ends a run; global units may run everywhere; restarts on one machine are one copy", () => {
    const logs = [
      log("m1", [ev(1, "a.service", "started"), ev(2, "a.service", "exited"), ev(3, "g.service", "started"), ev(6, "b.service", "started"), ev(7, "b.service", "restarting")]),
      log("m2", [ev(4, "a.service", "started"), ev(5, "g.service", "started")]),
    ];
    expect(doubleRuns(logs, (u) => u === "g.service")).toEqual([]);
    expect(doubleRuns(logs, never)).toEqual([{ unit: "g.service", machines: ["m1", "m2"], mono: 5 }]);
  });

  test("records without a mono stamp are refused, not guessed at", () => {
    const bad: ExecutorEvent = { at: 1, unit: "a.service", event: "started" };
    expect(() => doubleRuns([log("m1", [bad])], never)).toThrow(/without a mono stamp on m1/);
  });
});

describe("startsOf", () => {
  test("orders starts across machines by time and names the contents loaded at each", () => {
    const logs = [
      log("m2", [], [call(5, "load", "a.service", "h2"), call(6, "start", "a.service")]),
      log("m1", [], [call(1, "load", "a.service", "h1"), call(2, "start", "a.service"), call(3, "unload", "a.service"), call(4, "start", "b.service")]),
    ];
    expect(startsOf(logs, "a.service")).toEqual([
      { machine: "m1", hash: "h1" },
      { machine: "m2", hash: "h2" },
    ]);
    expect(startsOf(logs, "b.service")).toEqual([{ machine: "m1", hash: undefined }]);
  });
});

describe("unit helpers", () => {
  test("unit`` gives the option list fleetctl would send", () => {
    expect(unit`
      [Service]
      ExecStart=/bin/true
      [X-Fleet]
      MachineOf=db@%i.service
    `).toEqual([
      { section: "Service", name: "ExecStart", value: "/bin/true" },
      { section: "X-Fleet", name: "MachineOf", value: "db@%i.service" },
    ]);
    expect(xfleet("Global=true")).toContainEqual({ section: "X-Fleet", name: "Global", value: "true" });
  });

  test("garbage unit text is refused with file:line", () => {
    expect(() => unit`[Service\nExecStart=/bin/true`).toThrow(/<scenario unit>:1:/);
    expect(() => xfleet("no equals sign")).toThrow(/<scenario unit>:4:/);
  });

  test("machine ids are 32 lowercase hex characters, stable per name", () => {
    expect(machineId("m1")).toMatch(/^[0-9a-f]{32}$/);
    expect(machineId("m1")).toBe(machineId("m1"));
    expect(machineId("m1")).not.toBe(machineId("m2"));
  });
});
