// MachineOf and specifiers: a follower waits for its target, runs beside it and moves
// with it when the target's machine dies; in templates %n %N %p %i are expanded for each
// instance, so `MachineOf=db@%i.service` pairs app@1 with db@1.
import { BACKENDS, scenarioEnv } from "../../support/scenario-env";
import { unit, xfleet } from "../../support/scenario";

describe.each(BACKENDS)("MachineOf and specifiers (%s store)", (backend) => {
  const env = scenarioEnv(backend);

  test("MachineOf waits for its target, runs beside it, and follows it when its machine dies", async () => {
    const c = await env.cluster({ machines: { m1: {}, m2: {}, m3: {} } });
    await c.submit("app.service", xfleet("MachineOf=db.service"));
    await c.expectUnschedulable("app.service", /^waiting for MachineOf target db\.service, which is not submitted$/);
    await c.submit("db.service", xfleet());
    const first = await c.placed("db.service");
    await c.expectOn("app.service", first);

    await c.kill(first);
    const second = await c.placed("db.service");
    expect(second).not.toBe(first);
    await c.expectOn("app.service", second);
    expect(c.starts("db.service").map((s) => s.machine)).toEqual([first, second]);
    expect(c.starts("app.service").map((s) => s.machine)).toEqual([first, second]);

    await c.setState("db.service", "inactive");
    await c.expectUnschedulable("app.service", /^waiting for MachineOf target db\.service, which is inactive$/);
    await c.expectNowhere("db.service");
  });

  test("MachineOf follows its target when new contents send the target to another machine", async () => {
    const c = await env.cluster({ machines: { m1: { disk: "hdd" }, m2: { disk: "ssd" } } });
    await c.submit("db.service", xfleet("MachineMetadata=disk=hdd"));
    await c.submit("app.service", xfleet("MachineOf=db.service"));
    await c.expectOn("db.service", "m1");
    await c.expectOn("app.service", "m1");
    await c.submit("db.service", xfleet("MachineMetadata=disk=ssd"));
    await c.expectOn("db.service", "m2");
    await c.expectOn("app.service", "m2");
    expect(c.history("m1", "app.service")).toEqual(["started", "stopped"]);
  });

  test("a follower whose rules do not fit its target's machine says so", async () => {
    const c = await env.cluster({ machines: { m1: { disk: "hdd" }, m2: { disk: "ssd" } } });
    await c.submit("db.service", xfleet("MachineMetadata=disk=hdd"));
    await c.expectOn("db.service", "m1");
    await c.submit("fast.service", xfleet("MachineOf=db.service", "MachineMetadata=disk=ssd"));
    await c.expectUnschedulable("fast.service", /^machine m1 of MachineOf target db\.service does not match MachineMetadata disk=ssd$/);
    await c.submit("db-backup.service", xfleet("MachineMetadata=disk=hdd"));
    await c.expectOn("db-backup.service", "m1");
    await c.submit("apart.service", xfleet("MachineOf=db.service", "Conflicts=db-*.service"));
    await c.expectUnschedulable("apart.service", /^conflicts with db-backup\.service on its only eligible machine m1$/);
  });

  test("specifiers %p and %i in templates: db@N kept apart, app@N beside db@N", async () => {
    const c = await env.cluster({ machines: { m1: {}, m2: {} } });
    await c.submit("db@.service", xfleet("Conflicts=%p@*.service"));
    await c.submit("app@.service", xfleet("MachineOf=db@%i.service"));
    for (const i of [1, 2, 3]) await c.startInstance(`db@${i}.service`);
    for (const i of [1, 2, 3]) await c.startInstance(`app@${i}.service`);
    const db1 = await c.placed("db@1.service");
    const db2 = await c.placed("db@2.service");
    expect([db1, db2].sort()).toEqual(["m1", "m2"]);
    await c.expectUnschedulable("db@3.service", /^conflicts with db@1\.service, db@2\.service on every eligible machine$/);
    await c.expectOn("app@1.service", db1);
    await c.expectOn("app@2.service", db2);
    await c.expectUnschedulable("app@3.service", /^waiting for MachineOf target db@3\.service, which is not placed$/);
    // The template itself is stored as written and never scheduled.
    expect((await c.client.getUnit("app@.service"))?.options).toContainEqual({ section: "X-Fleet", name: "MachineOf", value: "db@%i.service" });
    await c.expectNowhere("app@.service");
  });

  test("specifiers %n and %N name the unit itself in MachineMetadata", async () => {
    const c = await env.cluster({ machines: { m1: { slot: "cache@1" }, m2: { slot: "cache@2" }, m3: { runs: "tool.service" } } });
    await c.submit(
      "cache@.service",
      unit`
        [Unit]
        Description=cache %i
        [Service]
        ExecStart=/bin/sleep 1000
        [X-Fleet]
        MachineMetadata=slot=%N
      `,
    );
    for (const i of [1, 2, 3]) await c.startInstance(`cache@${i}.service`);
    await c.submit("tool.service", xfleet("MachineMetadata=runs=%n"));
    await c.expectOn("cache@1.service", "m1");
    await c.expectOn("cache@2.service", "m2");
    await c.expectOn("tool.service", "m3");
    await c.expectUnschedulable("cache@3.service", /^no machine matches MachineMetadata slot=cache@3$/);
  });
});
