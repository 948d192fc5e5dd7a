// Placement by machine: MachineID (full id) pins a unit and waits for an absent machine;
// MachineMetadata ANDs different keys and ORs a repeated key, and follows metadata
// PATCHed through the API; fleet's deprecated X-Condition*/X-Conflicts spellings act
// as the current keys.
import { BACKENDS, scenarioEnv } from "../../support/scenario-env";
import { unit, xfleet } from "../../support/scenario";

describe.each(BACKENDS)("placement by machine (%s store)", (backend) => {
  const env = scenarioEnv(backend);
  const machines = { m1: { region: "eu", disk: "ssd" }, m2: { region: "us", disk: "ssd" }, m3: { region: "eu", disk: "hdd" } };

  test("MachineID pins a unit to the machine with that full id", async () => {
    const c = await env.cluster({ machines: { m1: {}, m2: {}, m3: {} } });
    await c.submit("pinned.service", xfleet(`MachineID=${c.id("m2")}`));
    await c.expectOn("pinned.service", "m2");
    expect(c.starts("pinned.service")).toEqual([{ machine: "m2", hash: await c.hashOf("pinned.service") }]);
  });

  test("MachineID waits for an absent machine, then runs on it once it joins", async () => {
    const c = await env.cluster({ machines: { m1: {} } });
    await c.submit("later.service", xfleet(`MachineID=${c.id("m9")}`));
    await c.expectUnschedulable("later.service", new RegExp(`^waiting for MachineID ${c.id("m9")}, which is not a live machine$`));
    await c.join("m9");
    await c.expectOn("later.service", "m9");
  });

  test("MachineMetadata: different keys must all match; a repeated key accepts any of its values", async () => {
    const c = await env.cluster({ machines });
    await c.submit("eu-ssd.service", xfleet("MachineMetadata=region=eu", "MachineMetadata=disk=ssd"));
    await c.submit("us-or-ap.service", xfleet("MachineMetadata=region=ap", "MachineMetadata=region=us"));
    await c.submit(
      "quoted.service",
      unit`
        [Service]
        ExecStart=/bin/sleep 1000
        [X-Fleet]
        MachineMetadata="disk=hdd" "disk=nvme"
      `,
    );
    await c.submit("eu-nvme.service", xfleet("MachineMetadata=region=eu", "MachineMetadata=disk=nvme"));
    await c.expectOn("eu-ssd.service", "m1");
    await c.expectOn("us-or-ap.service", "m2");
    await c.expectOn("quoted.service", "m3");
    await c.expectUnschedulable("eu-nvme.service", /^no machine matches MachineMetadata disk=nvme and region=eu$/);
    expect(c.starts("eu-ssd.service").map((s) => s.machine)).toEqual(["m1"]);
    expect(c.starts("us-or-ap.service").map((s) => s.machine)).toEqual(["m2"]);
  });

  test("MachineMetadata: metadata PATCHed through the API places a waiting unit and moves one that no longer matches", async () => {
    const c = await env.cluster({ machines });
    await c.submit("gpu.service", xfleet("MachineMetadata=gpu=yes"));
    await c.expectUnschedulable("gpu.service", /^no machine matches MachineMetadata gpu=yes$/);
    await c.patchMetadata("m3", { gpu: "yes" });
    await c.expectOn("gpu.service", "m3");
    expect((await c.client.listMachines()).find((m) => m.id === c.id("m3"))?.metadata).toEqual({ region: "eu", disk: "hdd", gpu: "yes" });

    await c.patchMetadata("m2", { gpu: "yes" });
    await c.patchMetadata("m3", { gpu: null });
    await c.expectOn("gpu.service", "m2");
    expect(c.starts("gpu.service").map((s) => s.machine)).toEqual(["m3", "m2"]);

    await c.patchMetadata("m2", { gpu: "no" }); // a PATCHed value overrides the announced one too
    await c.expectUnschedulable("gpu.service", /^no machine matches MachineMetadata gpu=yes$/);
  });

  test("X-ConditionMachineID, X-ConditionMachineMetadata, X-ConditionMachineOf and X-Conflicts act as the current keys", async () => {
    const c = await env.cluster({ machines: { m1: { zone: "a" }, m2: { zone: "b" }, m3: {} } });
    await c.submit("by-id.service", xfleet(`X-ConditionMachineID=${c.id("m3")}`));
    await c.submit("by-zone.service", xfleet("X-ConditionMachineMetadata=zone=a"));
    await c.submit("beside.service", xfleet("X-ConditionMachineOf=by-zone.service"));
    await c.expectOn("by-id.service", "m3");
    await c.expectOn("by-zone.service", "m1");
    await c.expectOn("beside.service", "m1");
    // Submitted in the same pass as by-zone.service it could win m1 (units are placed in
    // name order), so it comes once by-zone.service runs.
    await c.submit("away.service", xfleet("X-Conflicts=by-zone.service", "X-ConditionMachineMetadata=zone=a"));
    await c.expectUnschedulable("away.service", /^conflicts with by-zone\.service on its only eligible machine m1$/);
  });
});
