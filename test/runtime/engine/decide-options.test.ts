// The same scenarios, but units arrive as the API stores them — option lists, templates
// instantiated by name, specifiers and deprecated aliases — and go through the adapter.
import { schedMachine } from "../../../runtime/engine/adapter";
import { scenario } from "./scenario";

describe("templates and specifiers", () => {
  test("instances of web@.service with Conflicts=%p@*.service spread one per machine", () => {
    const s = scenario().machinesNamed(2);
    for (const i of ["1", "2", "3"]) s.submit(`web@${i}.service`, ["Conflicts=%p@*.service"]);
    s.decide();
    expect(s.on("web@1.service")).toEqual(["m1"]);
    expect(s.on("web@2.service")).toEqual(["m2"]);
    expect(s.reason("web@3.service")).toBe("conflicts with web@1.service, web@2.service on every eligible machine");
  });

  test("%i picks the sidekick's target: MachineOf=web@%i.service", () => {
    const s = scenario().machinesNamed(3);
    for (const i of ["1", "2"]) {
      s.submit(`web@${i}.service`, ["Conflicts=web@*.service"]);
      s.submit(`web-discovery@${i}.service`, ["MachineOf=web@%i.service"]);
    }
    s.decide();
    expect(s.on("web-discovery@1.service")).toEqual(s.on("web@1.service"));
    expect(s.on("web-discovery@2.service")).toEqual(s.on("web@2.service"));
    expect(s.on("web@1.service")).not.toEqual(s.on("web@2.service"));
  });

  test("%n, %N and %p in MachineMetadata values", () => {
    const s = scenario()
      .machine("m1", { role: "db@a" })
      .machine("m2", { role: "db@a.service" })
      .machine("m3", { role: "db" })
      .submit("db@a.service", ["MachineMetadata=role=%N"])
      .submit("db@b.service", ["MachineMetadata=role=%p"])
      .submit("x@a.service", ["MachineMetadata=role=db@%i.service"])
      .submit("self.service", ["MachineMetadata=role=%n", "MachineMetadata=role=db"]);
    s.decide();
    expect(s.on("db@a.service")).toEqual(["m1"]);
    expect(s.on("db@b.service")).toEqual(["m3"]);
    expect(s.on("x@a.service")).toEqual(["m2"]);
    expect(s.on("self.service")).toEqual(["m3"]);
  });

  test("a template itself is never scheduled", () => {
    const s = scenario().machinesNamed(1).submit("web@.service");
    s.decide();
    expect(s.on("web@.service")).toEqual([]);
    expect(s.reason("web@.service")).toMatch(/^invalid \[X-Fleet\] options: web@\.service is a template; .* web@1\.service$/);
  });
});

describe("every [X-Fleet] option through the option list, aliases included", () => {
  const cluster = () =>
    scenario()
      .machine("m1", { region: "us", disk: "ssd" })
      .machine("m2", { region: "eu", disk: "ssd" })
      .machine("m3", { region: "eu", disk: "hdd" });

  test.each([["MachineID"], ["X-ConditionMachineID"], ["X-ConditionMachineBootID"]])("%s pins to a machine", (key) => {
    const s = cluster().submit("a.service", [`${key}=m3`]);
    s.decide();
    expect(s.on("a.service")).toEqual(["m3"]);
  });

  test.each([["MachineMetadata"], ["X-ConditionMachineMetadata"]])("%s: quoted pairs AND, repeated key OR", (key) => {
    const s = cluster()
      .submit("a.service", [`${key}="region=eu" "disk=hdd"`])
      .submit("b.service", [`${key}=region=us`, `${key}=region=mars`]);
    s.decide();
    expect(s.on("a.service")).toEqual(["m3"]);
    expect(s.on("b.service")).toEqual(["m1"]);
  });

  test.each([["MachineOf"], ["X-ConditionMachineOf"]])("%s follows its target", (key) => {
    const s = cluster().submit("z.service").submit("a.service", [`${key}=z.service`]);
    s.decide();
    expect(s.on("a.service")).toEqual(s.on("z.service"));
  });

  test.each([["Conflicts"], ["X-Conflicts"]])("%s takes blank-separated globs and binds both ways", (key) => {
    const s = scenario().machinesNamed(1).submit("a.service", [`${key}=b.service c*.service`]).submit("b.service").submit("cc.service");
    s.decide();
    expect(s.on("a.service")).toEqual(["m1"]);
    expect(s.reason("b.service")).toBe("conflicts with a.service on its only eligible machine m1");
    expect(s.reason("cc.service")).toBe("conflicts with a.service on its only eligible machine m1");
  });

  test("Global=true with MachineMetadata", () => {
    const s = cluster().submit("g.service", ["Global=true", "MachineMetadata=disk=ssd"]);
    s.decide();
    expect(s.on("g.service")).toEqual(["m1", "m2"]);
  });

  test("Replaces pushes the replaced unit to another machine", () => {
    const s = scenario().machinesNamed(2).submit("old.service");
    s.decide();
    s.submit("new.service", ["Replaces=old.service"]);
    s.current.set("old.service", ["m1"]);
    s.decide();
    expect(s.on("new.service")).toEqual(["m2"]); // least loaded: old.service stays
    s.kill("m2").decide();
    s.machine("m2").decide();
    expect(s.on("new.service")).toEqual(["m1"]);
    expect(s.on("old.service")).toEqual(["m2"]);
  });

  test("combinations fleet refuses are unschedulable with the unit layer's message", () => {
    const s = cluster().submit("bad.service", ["MachineID=m1", "Global=true"]).submit("typo.service", ["Conflict=x.service"]);
    s.decide();
    expect(s.reason("bad.service")).toMatch(/^invalid \[X-Fleet\] options: MachineID cannot be used with Global/);
    expect(s.reason("typo.service")).toMatch(/^invalid \[X-Fleet\] options: \[X-Fleet\] has no option "Conflict"; accepted: MachineID/);
    expect(s.on("bad.service")).toEqual([]);
  });
});

describe("machine metadata overrides", () => {
  test("PATCHed overrides win over announced metadata", () => {
    const record = { id: "m1", name: "m1", primaryIP: "10.0.0.1", metadata: { region: "us", disk: "ssd" }, role: "worker" as const, version: "1", registeredAt: 0 };
    expect(schedMachine(record, { region: "eu" }).metadata).toEqual({ region: "eu", disk: "ssd" });
    expect(schedMachine(record, undefined).metadata).toEqual({ region: "us", disk: "ssd" });
  });
});
