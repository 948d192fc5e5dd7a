// Replaces: the replacing unit may land where the replaced one runs and pushes it to
// another machine; while there is none, the replaced unit waits with a reason.
import { BACKENDS, scenarioEnv } from "../../support/scenario-env";
import { xfleet } from "../../support/scenario";

describe.each(BACKENDS)("Replaces (%s store)", (backend) => {
  const env = scenarioEnv(backend);

  test("the replacing unit takes the machine; the replaced one moves once another machine joins", async () => {
    const c = await env.cluster({ machines: { m1: {} } });
    await c.submit("old.service", xfleet());
    await c.expectOn("old.service", "m1");
    await c.submit("new.service", xfleet("Replaces=old.service"));
    await c.expectOn("new.service", "m1");
    await c.expectUnschedulable("old.service", /^is replaced by new\.service on its only eligible machine m1$/);
    await c.join("m2");
    await c.expectOn("old.service", "m2");
    await c.expectOn("new.service", "m1");
    expect(c.starts("old.service").map((s) => s.machine)).toEqual(["m1", "m2"]);
  });

  test("a Replaces glob keeps every matching unit off the replacing unit's machine", async () => {
    const c = await env.cluster({ machines: { m1: { disk: "ssd" }, m2: {} } });
    await c.submit("v2.service", xfleet("Replaces=v1-*.service", "MachineMetadata=disk=ssd"));
    await c.expectOn("v2.service", "m1");
    await c.submit("v1-a.service", xfleet());
    await c.submit("v1-b.service", xfleet());
    await c.expectOn("v1-a.service", "m2");
    await c.expectOn("v1-b.service", "m2");
    await c.submit("v1-ssd.service", xfleet("MachineMetadata=disk=ssd"));
    await c.expectUnschedulable("v1-ssd.service", /^is replaced by v2\.service on its only eligible machine m1$/);
  });
});
