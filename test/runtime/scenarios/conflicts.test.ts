// Conflicts: binds both ways (the unit that declares nothing is kept away too), takes
// globs, and with templates spreads instances over machines until none is left.
import { BACKENDS, scenarioEnv } from "../../support/scenario-env";
import { xfleet } from "../../support/scenario";

describe.each(BACKENDS)("Conflicts (%s store)", (backend) => {
  const env = scenarioEnv(backend);

  test("binds both ways: neither the declaring unit nor its target joins the other", async () => {
    const c = await env.cluster({ machines: { m1: {} } });
    await c.submit("a.service", xfleet("Conflicts=b.service"));
    await c.expectOn("a.service", "m1");
    await c.submit("b.service", xfleet()); // declares nothing, still kept away from a
    await c.expectUnschedulable("b.service", /^conflicts with a\.service on its only eligible machine m1$/);
    await c.submit("c.service", xfleet());
    await c.expectOn("c.service", "m1");
    await c.submit("d.service", xfleet("Conflicts=c.service")); // declares it, target already there
    await c.expectUnschedulable("d.service", /^conflicts with c\.service on its only eligible machine m1$/);
    await c.join("m2");
    await c.expectOn("b.service", "m2");
    await c.expectOn("d.service", "m2");
    await c.expectOn("a.service", "m1");
  });

  test("globs: every unit matching the pattern is kept off the machine", async () => {
    const c = await env.cluster({ machines: { m1: {}, m2: {} } });
    await c.submit("db-main.service", xfleet("Conflicts=db-*.service"));
    await c.submit("db-replica.service", xfleet("Conflicts=db-*.service"));
    const main = await c.placed("db-main.service");
    const replica = await c.placed("db-replica.service");
    expect(main).not.toBe(replica);
    await c.submit("db-extra.service", xfleet()); // matched by both globs, declares none
    await c.expectUnschedulable("db-extra.service", /^conflicts with db-main\.service, db-replica\.service on every eligible machine$/);
    await c.submit("cache.service", xfleet("Conflicts=db-[mr]*.service nothing.service")); // blank-separated list
    await c.expectUnschedulable("cache.service", /^conflicts with db-main\.service, db-replica\.service on every eligible machine$/);
    await c.destroy("db-replica.service");
    await c.expectNowhere("db-replica.service");
    await c.placed("db-extra.service", [replica]);
  });

  test("template instances Conflicts=web@*.service spread over the machines; one too many waits with a reason", async () => {
    const c = await env.cluster({ machines: { m1: {}, m2: {}, m3: {} } });
    await c.submit("web@.service", xfleet("Conflicts=web@*.service"));
    for (const i of [1, 2, 3]) await c.startInstance(`web@${i}.service`);
    const where = [];
    for (const i of [1, 2, 3]) where.push(await c.placed(`web@${i}.service`));
    expect([...where].sort()).toEqual(["m1", "m2", "m3"]);
    await c.startInstance("web@4.service");
    const reason = await c.expectUnschedulable("web@4.service", /^conflicts with web@1\.service, web@2\.service, web@3\.service on every eligible machine$/);
    expect(await c.client.getUnit("web@4.service")).toMatchObject({ currentState: "inactive", desiredState: "launched" });
    expect((await c.client.getUnit("web@4.service"))?.machineID).toBeUndefined();
    expect(reason).toContain("web@3.service");
    await c.setState("web@2.service", "inactive");
    await c.expectOn("web@4.service", where[1]!);
    expect(c.starts("web@2.service").map((s) => s.machine)).toEqual([where[1]]);
  });
});
