// A unit's life through the API: replaced contents restart it where it runs, desired
// states load, start, stop and unload it, destroy removes it, combinations fleet refuses
// are refused with nothing stored, and a machine that dies and returns loses and regains
// work — never running a non-global unit twice (checked after every scenario).
import { BACKENDS, scenarioEnv } from "../../support/scenario-env";
import { unit, xfleet } from "../../support/scenario";

describe.each(BACKENDS)("unit lifecycle (%s store)", (backend) => {
  const env = scenarioEnv(backend);

  test("a unit replaced with new contents restarts with the new hash on its machine", async () => {
    const c = await env.cluster({ machines: { m1: {}, m2: {} } });
    await c.submit("app.service", unit`[Service]\nExecStart=/bin/sleep 1000`);
    const where = await c.placed("app.service");
    const before = await c.hashOf("app.service");
    await c.submit("app.service", unit`[Service]\nExecStart=/bin/sleep 2000`);
    const after = await c.hashOf("app.service");
    expect(after).not.toBe(before);
    await c.expectOn("app.service", where);
    expect(c.starts("app.service")).toEqual([
      { machine: where, hash: before },
      { machine: where, hash: after },
    ]);
    expect(c.history(where, "app.service")).toEqual(["started", "stopped", "started"]);
  });

  test("new contents whose [X-Fleet] rules no longer fit move the unit", async () => {
    const c = await env.cluster({ machines: { m1: { disk: "hdd" }, m2: { disk: "ssd" } } });
    await c.submit("db.service", xfleet("MachineMetadata=disk=hdd"));
    await c.expectOn("db.service", "m1");
    await c.submit("db.service", xfleet("MachineMetadata=disk=ssd"));
    await c.expectOn("db.service", "m2");
    expect(c.starts("db.service").map((s) => s.machine)).toEqual(["m1", "m2"]);
    expect(c.history("m1", "db.service")).toEqual(["started", "stopped"]);
  });

  test("desired states: loaded loads without starting, launched starts, loaded stops, inactive unloads", async () => {
    const c = await env.cluster({ machines: { m1: {}, m2: {} } });
    await c.submit("job.service", xfleet(), "loaded");
    const where = await c.expectLoadedOn("job.service");
    expect(c.starts("job.service")).toEqual([]);
    await c.setState("job.service", "launched");
    await c.expectOn("job.service", where);
    await c.setState("job.service", "loaded");
    await c.expectLoadedOn("job.service", where);
    expect(c.history(where, "job.service")).toEqual(["started", "stopped"]);
    await c.setState("job.service", "inactive");
    await c.expectNowhere("job.service");
    expect(await c.client.getUnit("job.service")).toMatchObject({ desiredState: "inactive", currentState: "inactive" });
    await c.setState("job.service", "launched");
    await c.placed("job.service");
    expect(c.starts("job.service")).toHaveLength(2);
  });

  test("destroy stops and forgets a running unit, and drops an unschedulable unit's reason", async () => {
    const c = await env.cluster({ machines: { m1: {} } });
    await c.submit("a.service", xfleet());
    await c.submit("b.service", xfleet("MachineMetadata=gpu=yes"));
    await c.expectOn("a.service", "m1");
    await c.expectUnschedulable("b.service", /^no machine matches MachineMetadata gpu=yes$/);
    await c.destroy("a.service");
    await c.destroy("b.service");
    await c.expectNowhere("a.service");
    await c.expectNowhere("b.service");
    expect(await c.client.hafenUnits()).toEqual([]);
    expect(c.history("m1", "a.service")).toEqual(["started", "stopped"]);
  });

  test("combinations fleet refuses are refused with the reason, and nothing is stored", async () => {
    const c = await env.cluster({ machines: { m1: {} } });
    await c.expectRefused("x.service", xfleet(`MachineID=${c.id("m1")}`, "MachineOf=y.service"), /MachineID cannot be used with MachineOf/);
    await c.expectRefused("x.service", xfleet("Global=true", "MachineOf=y.service"), /Global cannot be used with MachineOf/);
    await c.expectRefused("x.service", xfleet("Global=true", "Replaces=y.service"), /Global cannot be used with Replaces/);
    await c.expectRefused("x.service", xfleet("Conflicts=y.service", "Replaces=z.service"), /Conflicts cannot be used with Replaces|Replaces cannot be used with Conflicts/);
    await c.expectRefused("x.service", xfleet("MachineOf=db.service", "Conflicts=db*.service"), /MachineOf=db\.service matches the unit's own Conflicts glob "db\*\.service"/);
    await c.expectRefused("x.service", xfleet("machinemetadata=region=eu"), /has no option "machinemetadata" \(did you mean MachineMetadata\? keys are case-sensitive\)/);
    await c.expectRefused("x.service", xfleet("Global=maybe"), /Global="maybe" is not a boolean; accepted: .*true/);
    await c.expectRefused("web@.service", xfleet(), /cannot activate template "web@\.service"/);
    expect(await c.client.hafenUnits()).toEqual([]);
  });

  test("a dead machine's units run elsewhere once its lease expires; when it returns it gets work again", async () => {
    const c = await env.cluster({ machines: { m1: {}, m2: {}, m3: {} } });
    const names = ["a", "b", "c", "d", "e", "f"].map((x) => `${x}.service`);
    for (const n of names) await c.submit(n, xfleet());
    await c.submit("log.service", xfleet("Global=true"));
    const before = new Map<string, string>();
    for (const n of names) before.set(n, await c.placed(n));
    await c.expectOn("log.service", "m1", "m2", "m3");
    const victim = before.get("a.service")!;
    await c.kill(victim);
    for (const n of names) {
      const now = await c.placed(n);
      if (before.get(n) === victim) expect(now).not.toBe(victim);
      else expect(now).toBe(before.get(n)); // live machines keep their units
    }
    const alive = ["m1", "m2", "m3"].filter((m) => m !== victim);
    await c.expectOn("log.service", ...alive);

    await c.revive(victim);
    await c.expectOn("log.service", "m1", "m2", "m3");
    await c.submit("g.service", xfleet());
    await c.expectOn("g.service", victim); // least loaded: it came back empty
    for (const n of names) expect((await c.placed(n)) === victim).toBe(false); // moved units stay put
    expect(c.doubleRuns()).toEqual([]);
  });
});
