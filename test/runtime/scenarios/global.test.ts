// Global=true: one copy on every machine that matches its MachineMetadata and has no
// conflicting unit; a machine that joins later gets it too.
import { BACKENDS, scenarioEnv } from "../../support/scenario-env";
import { xfleet } from "../../support/scenario";

describe.each(BACKENDS)("Global (%s store)", (backend) => {
  const env = scenarioEnv(backend);

  test("runs on every machine, MachineMetadata narrows it, and a machine that joins gets it", async () => {
    const c = await env.cluster({ machines: { m1: { role: "web" }, m2: { role: "web" }, m3: { role: "db" } } });
    await c.submit("log.service", xfleet("Global=true"));
    await c.submit("web-agent.service", xfleet("Global=true", "MachineMetadata=role=web"));
    await c.expectOn("log.service", "m1", "m2", "m3");
    await c.expectOn("web-agent.service", "m1", "m2");
    await c.join("m4", { role: "web" });
    await c.join("m5", { role: "db" });
    await c.expectOn("log.service", "m1", "m2", "m3", "m4", "m5");
    await c.expectOn("web-agent.service", "m1", "m2", "m4");
    const hash = await c.hashOf("web-agent.service");
    expect(c.starts("web-agent.service").sort((a, b) => a.machine.localeCompare(b.machine))).toEqual(
      ["m1", "m2", "m4"].map((machine) => ({ machine, hash })),
    );
    expect((await c.client.listStates({ unitName: "log.service" })).map((s) => s.machineID).sort()).toEqual(
      ["m1", "m2", "m3", "m4", "m5"].map((m) => c.id(m)).sort(),
    );
  });

  test("a global unit stays off machines with a conflicting unit, both ways, and has a reason when it fits nowhere", async () => {
    const c = await env.cluster({ machines: { m1: {}, m2: { n: "2" }, m3: {} } });
    await c.submit("solo.service", xfleet(`MachineID=${c.id("m1")}`));
    await c.expectOn("solo.service", "m1");
    await c.submit("mon.service", xfleet("Global=true", "Conflicts=solo.service"));
    await c.expectOn("mon.service", "m2", "m3");
    await c.submit("quiet.service", xfleet("MachineMetadata=n=2", "Conflicts=mon.service"));
    await c.expectUnschedulable("quiet.service", /^conflicts with mon\.service on its only eligible machine m2$/);
    await c.submit("gpu-mon.service", xfleet("Global=true", "MachineMetadata=gpu=yes"));
    await c.expectUnschedulable("gpu-mon.service", /^no machine matches MachineMetadata gpu=yes$/);
    await c.patchMetadata("m3", { gpu: "yes" });
    await c.expectOn("gpu-mon.service", "m3");
  });
});
