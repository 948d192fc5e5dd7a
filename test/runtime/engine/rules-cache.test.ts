// The mirror reads each distinct option list's [X-Fleet] rules once (adapter.ts
// RulesCache). The cache must never change an answer: whatever the units, schedUnit with
// a shared cache equals schedUnit without one.
import fc from "fast-check";
import { RulesCache, schedUnit } from "../../../runtime/engine/adapter";
import type { UnitRecord } from "../../../runtime/cluster/records";
import type { UnitOption } from "../../../runtime/executor/types";

const exec: UnitOption = { section: "Service", name: "ExecStart", value: "/bin/sleep 60" };
const fleet = (name: string, value: string): UnitOption => ({ section: "X-Fleet", name, value });
const record = (name: string, options: readonly UnitOption[], hash = "0".repeat(40)): UnitRecord => ({ name, options, hash, desiredState: "launched" });

describe("RulesCache", () => {
  it("reads equal option lists once and hands every unit the same rules", () => {
    const cache = new RulesCache();
    const options = [exec, fleet("MachineMetadata", "region=eu"), fleet("Conflicts", "web@*.service")];
    const units = Array.from({ length: 50 }, (_, i) => schedUnit(record(`web@${i}.service`, options), cache));
    expect(cache.size).toBe(1);
    expect(cache.hits).toBe(49);
    for (const u of units) expect(u).toEqual(schedUnit(record(u.name, options)));
  });

  it("expands specifiers for each unit's own name: options with % in [X-Fleet] are not shared", () => {
    const cache = new RulesCache();
    const options = [exec, fleet("MachineOf", "db@%i.service"), fleet("Conflicts", "%p@*.service")];
    const a = schedUnit(record("web@1.service", options), cache);
    const b = schedUnit(record("web@2.service", options), cache);
    expect(a.kind === "valid" && a.rules.machineOf).toEqual(["db@1.service"]);
    expect(b.kind === "valid" && b.rules.machineOf).toEqual(["db@2.service"]);
    expect(cache.size).toBe(0);
  });

  it("does not share rules whose validity depends on the name: MachineOf and Replaces", () => {
    const cache = new RulesCache();
    const replacing = [exec, fleet("Replaces", "web@*.service")];
    expect(schedUnit(record("db.service", replacing), cache).kind).toBe("valid");
    expect(schedUnit(record("web@1.service", replacing), cache)).toMatchObject({ kind: "invalid", problem: expect.stringContaining("own name web@1.service") });
    const following = [exec, fleet("MachineOf", "db.service")];
    expect(schedUnit(record("web@1.service", following), cache).kind).toBe("valid");
    expect(schedUnit(record("db.service", following), cache)).toMatchObject({ kind: "invalid", problem: expect.stringContaining("names the unit itself") });
    expect(cache.size).toBe(0);
  });

  it("keys by the options themselves: records claiming one hash with different options get their own rules", () => {
    const cache = new RulesCache();
    const a = schedUnit(record("a.service", [exec, fleet("MachineID", "1".repeat(32))], "f".repeat(40)), cache);
    const b = schedUnit(record("b.service", [exec, fleet("MachineID", "2".repeat(32))], "f".repeat(40)), cache);
    expect(a.kind === "valid" && a.rules.machineId).toBe("1".repeat(32));
    expect(b.kind === "valid" && b.rules.machineId).toBe("2".repeat(32));
  });

  it("keeps invalid units out, and templates are refused before any lookup", () => {
    const cache = new RulesCache();
    const bad = [exec, fleet("Bogus", "1")];
    expect(schedUnit(record("a.service", bad), cache).kind).toBe("invalid");
    expect(schedUnit(record("b.service", bad), cache).kind).toBe("invalid");
    expect(cache.size).toBe(0);
    schedUnit(record("plain.service", [exec]), cache);
    expect(schedUnit(record("web@.service", [exec]), cache)).toMatchObject({ kind: "invalid", problem: expect.stringContaining("template") });
  });

  it("stays within its limit", () => {
    const cache = new RulesCache(2);
    for (let i = 0; i < 10; i++) schedUnit(record(`u${i}.service`, [exec, fleet("MachineMetadata", `n=${i}`)]), cache);
    expect(cache.size).toBeLessThanOrEqual(2);
  });

  it("never changes an answer (random units, one shared cache)", () => {
    const value = fc.constantFrom("web@*.service", "db@%i.service", "%p@2.service", "region=eu", "region=%i", "1".repeat(32), "true", "false", "bad value [", "");
    const option = fc.record({ section: fc.constantFrom("X-Fleet", "Service", "Unit"), name: fc.constantFrom("MachineOf", "Conflicts", "MachineMetadata", "MachineID", "Global", "Replaces", "Bogus"), value });
    const name = fc.constantFrom("a.service", "web@1.service", "web@2.service", "db@1.service", "web@.service", "x.socket");
    // Units draw their options from a few shared lists, as copies of one file do.
    const lists = fc.array(fc.array(option, { maxLength: 4 }), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(lists, fc.array(fc.record({ name, pick: fc.nat() }), { minLength: 1, maxLength: 30 }), (pool, units) => {
        const cache = new RulesCache(8);
        for (const u of units) {
          const r = record(u.name, [exec, ...pool[u.pick % pool.length]!]);
          expect(schedUnit(r, cache)).toEqual(schedUnit(r));
        }
      }),
      { numRuns: 600 },
    );
  });
});
