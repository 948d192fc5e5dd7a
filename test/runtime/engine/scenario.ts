// A small script language for scheduler scenarios: declare machines and units, decide,
// then ask where things went. Assignments carry over between decide() calls, so a test
// reads like a cluster's history: `kill("m2"); decide(); expect(on("web@1.service"))…`.
import type { JobState } from "../../../runtime/cluster/records";
import { schedUnit } from "../../../runtime/engine/adapter";
import { decide } from "../../../runtime/engine/decide";
import { type Decision, NO_RULES, type Rules, type SchedUnit } from "../../../runtime/engine/model";

export class Scenario {
  private readonly machines = new Map<string, Record<string, string>>();
  private readonly units = new Map<string, SchedUnit>();
  current = new Map<string, readonly string[]>();
  last: Decision = { assignments: new Map(), unschedulable: new Map() };

  machine(id: string, metadata: Record<string, string> = {}): this {
    this.machines.set(id, metadata);
    return this;
  }

  machinesNamed(count: number, metadata: Record<string, string> = {}): this {
    for (let i = 1; i <= count; i++) this.machine(`m${i}`, metadata);
    return this;
  }

  kill(id: string): this {
    this.machines.delete(id);
    return this;
  }

  unit(name: string, rules: Partial<Rules> = {}, desiredState: JobState = "launched"): this {
    this.units.set(name, { kind: "valid", name, desiredState, rules: { ...NO_RULES, ...rules } });
    return this;
  }

  invalid(name: string, problem: string): this {
    this.units.set(name, { kind: "invalid", name, desiredState: "launched", problem });
    return this;
  }

  /**
   * Submits a unit the way the API stores it: an option list with `[X-Fleet]` lines
   * written as in a unit file (`"Conflicts=%p@*.service"`), read by the options adapter.
   */
  submit(name: string, xfleet: readonly string[] = [], desiredState: JobState = "launched"): this {
    const options = [
      { section: "Service", name: "ExecStart", value: "/bin/sh -c 'sleep 1000'" },
      ...xfleet.map((line) => {
        const eq = line.indexOf("=");
        return { section: "X-Fleet", name: line.slice(0, eq), value: line.slice(eq + 1) };
      }),
    ];
    return this.add(schedUnit({ name, options, hash: "0".repeat(40), desiredState }));
  }

  /** Adds a prepared unit (e.g. one made by the options adapter). */
  add(u: SchedUnit): this {
    this.units.set(u.name, u);
    return this;
  }

  setState(name: string, desiredState: JobState): this {
    const u = this.units.get(name);
    if (!u) throw new Error(`no unit ${name}`);
    this.units.set(name, { ...u, desiredState });
    return this;
  }

  destroy(name: string): this {
    this.units.delete(name);
    return this;
  }

  decide(): Decision {
    this.last = decide({
      machines: [...this.machines].map(([id, metadata]) => ({ id, metadata })),
      units: [...this.units.values()],
      current: this.current,
    });
    this.current = new Map(this.last.assignments);
    return this.last;
  }

  /** Machines the unit is on after the last decide (sorted), [] when unplaced. */
  on(name: string): readonly string[] {
    return this.last.assignments.get(name) ?? [];
  }

  reason(name: string): string | undefined {
    return this.last.unschedulable.get(name);
  }

  /** Units on a machine after the last decide, sorted. */
  unitsOn(machine: string): string[] {
    return [...this.last.assignments].filter(([, ms]) => ms.includes(machine)).map(([u]) => u).sort();
  }
}

export const scenario = () => new Scenario();
