import { parseFleetOptions, parseUnit, type FleetOptions, type UnitProblem } from "../../units";

function read(xfleet: string, name = "app.service"): ReturnType<typeof parseFleetOptions> {
  const text = `[Unit]\nDescription=t\n\n[Service]\nExecStart=/bin/true\n\n[X-Fleet]\n${xfleet}\n`;
  const u = parseUnit(text, name);
  if (!u.ok) throw new Error(JSON.stringify(u.problems));
  return parseFleetOptions(u.value, name);
}

function opts(xfleet: string, name?: string): FleetOptions {
  const r = read(xfleet, name);
  if (!r.ok) throw new Error(JSON.stringify(r.problems, null, 2));
  return r.value;
}

function errs(xfleet: string, name?: string): readonly UnitProblem[] {
  const r = read(xfleet, name);
  if (r.ok) throw new Error(`expected problems, got ${JSON.stringify(r.value)}`);
  return r.problems;
}

/** The [X-Fleet] body starts on line 8 of the test unit. */
const L = 8;

const NONE: FleetOptions = { machineMetadata: {}, conflicts: [], global: false, replaces: [] };

describe("[X-Fleet] options", () => {
  it("a unit without [X-Fleet] has no constraints", () => {
    const u = parseUnit("[Service]\nExecStart=/bin/true\n");
    expect(u.ok && parseFleetOptions(u.value, "a.service")).toEqual({ ok: true, value: NONE });
  });

  it("MachineID and its deprecated spellings", () => {
    const id = "0123456789abcdef0123456789abcdef";
    expect(opts(`MachineID=${id}`)).toEqual({ ...NONE, machineId: id });
    expect(opts(`X-ConditionMachineID=${id}`)).toEqual({ ...NONE, machineId: id });
    expect(opts(`X-ConditionMachineBootID=${id}`)).toEqual({ ...NONE, machineId: id });
    expect(opts(`MachineID=${id}\nX-ConditionMachineID=${id}`)).toEqual({ ...NONE, machineId: id });
  });

  it("MachineOf, its alias, and specifiers in it", () => {
    expect(opts("MachineOf=db.service")).toEqual({ ...NONE, machineOf: "db.service" });
    expect(opts("X-ConditionMachineOf=db.service")).toEqual({ ...NONE, machineOf: "db.service" });
    expect(opts("MachineOf=%p.socket", "foo.service").machineOf).toBe("foo.socket");
    expect(opts("MachineOf=data@%i.service", "web@3.service").machineOf).toBe("data@3.service");
  });

  it("MachineMetadata: quoted lists, several lines, repeated key = OR, alias", () => {
    expect(opts('MachineMetadata="region=us-east-1" "diskType=SSD"\nMachineMetadata=region=us-west-1').machineMetadata).toEqual({
      region: ["us-east-1", "us-west-1"],
      diskType: ["SSD"],
    });
    expect(opts("X-ConditionMachineMetadata=location=chicago").machineMetadata).toEqual({ location: ["chicago"] });
    expect(opts('MachineMetadata="name=my host"\tMachineMetadata=name=my host'.replace("\t", "\n")).machineMetadata).toEqual({
      name: ["my host"],
    });
  });

  it("Conflicts: repeatable, blank-separated and quoted lists, alias, specifiers", () => {
    expect(opts("Conflicts=web@*.service\nConflicts=db*.service cache?.service\nX-Conflicts=\"a*\" \"b*\"").conflicts).toEqual([
      "web@*.service",
      "db*.service",
      "cache?.service",
      "a*",
      "b*",
    ]);
    expect(opts("Conflicts=%p@*.service", "api@2.service").conflicts).toEqual(["api@*.service"]);
  });

  it("Global: fleet's boolean words in any case; the last assignment wins", () => {
    for (const w of ["true", "YES", "1", "on", "t", '"true"']) expect(opts(`Global=${w}`).global).toBe(true);
    for (const w of ["false", "No", "0", "off", "f"]) expect(opts(`Global=${w}`).global).toBe(false);
    expect(opts("Global=true\nGlobal=false").global).toBe(false);
    expect(opts("Global=true\nMachineMetadata=role=edge\nConflicts=other.service")).toEqual({
      ...NONE,
      global: true,
      machineMetadata: { role: ["edge"] },
      conflicts: ["other.service"],
    });
  });

  it("Replaces: globs of units to displace", () => {
    expect(opts('Replaces=old.service\nReplaces="legacy@*.service" "v1-*.service"').replaces).toEqual([
      "old.service",
      "legacy@*.service",
      "v1-*.service",
    ]);
  });

  it("an empty assignment drops the option's earlier values, as in systemd", () => {
    expect(opts("Conflicts=a*\nConflicts=\nConflicts=b*").conflicts).toEqual(["b*"]);
    expect(opts("MachineID=abc\nMachineID=")).toEqual(NONE);
  });

  it("reads a continued value the way systemd joins it", () => {
    expect(opts("Conflicts=a* \\\n  b*").conflicts).toEqual(["a*", "b*"]);
  });

  it("templates keep their values unexpanded; each instance expands them", () => {
    const body = "MachineOf=%p-data@%i.service\nReplaces=old-%i.service";
    expect(opts(body, "web@.service")).toEqual({ ...NONE, machineOf: "%p-data@%i.service", replaces: ["old-%i.service"] });
    expect(opts(body, "web@7.service")).toEqual({ ...NONE, machineOf: "web-data@7.service", replaces: ["old-7.service"] });
  });
});

describe("[X-Fleet] rejections", () => {
  it("unknown keys, with a hint for a wrong case", () => {
    const [p] = errs("Machineid=abc");
    expect(p).toMatchObject({ code: "unknown-fleet-option", line: L, text: "Machineid=abc" });
    expect(p!.message).toMatch(/did you mean MachineID\?/);
    expect(errs("Wibble=1")[0]!.message).toMatch(/accepted: MachineID, MachineOf, MachineMetadata, Conflicts, Global, Replaces/);
  });

  it("bad booleans, including words fleet would silently read as false", () => {
    for (const w of ["y", "n", "maybe", "truee", '"true" "false"']) {
      expect(errs(`Global=${w}`)[0]).toMatchObject({ code: "invalid-option-value", line: L });
    }
    expect(errs("Global=y")[0]!.message).toMatch(/"y" is not a boolean; accepted: true, yes, 1, on, t or false, no, 0, off, f/);
  });

  it.each([
    ["MachineMetadata=region", /has no '='/],
    ["MachineMetadata==x", /must both be non-empty/],
    ["MachineMetadata=k=", /must both be non-empty/],
    ["MachineMetadata=a=b=c", /more than one '='/],
    ["MachineMetadata=region=us-east zone=a", /more than one '='; quote each pair/],
    ['MachineMetadata="k v=1"', /key contains a blank/],
    ['MachineMetadata="k= v"', /value starts or ends with a blank/],
    ['MachineMetadata="region=us', /never closed/],
    ['MachineMetadata="a=b""c=d"', /separate quoted items with blanks/],
    ['MachineMetadata="a=b" ""', /is empty/],
    ['MachineMetadata="a=b" c=d', /expected a '"'/],
  ])("bad metadata %j", (line, message) => {
    const [p] = errs(line);
    expect(p).toMatchObject({ code: "invalid-option-value", line: L });
    expect(p!.message).toMatch(message);
  });

  it("malformed globs in Conflicts and Replaces, and blanks in Replaces", () => {
    expect(errs("Conflicts=web@[1-.service")[0]!.message).toMatch(/glob "web@\[1-.service" is malformed: .*not closed/);
    expect(errs('Replaces="a\\" "b"')[0]!.message).toMatch(/lone backslash/);
    expect(errs('Replaces="a b.service"')[0]!.message).toMatch(/contains a blank/);
  });

  it("MachineID must be an id, once", () => {
    expect(errs("MachineID=abc def")[0]!.message).toMatch(/is not a machine id/);
    expect(errs("MachineID=%m")[0]!.message).toMatch(/fleet expands only %n, %N, %p, %i and %%/);
    const [p] = errs("MachineID=aaa\nMachineID=bbb");
    expect(p).toMatchObject({ line: L + 1 });
    expect(p!.message).toMatch(/MachineID is given 2 different values \("aaa", "bbb"\)/);
  });

  it("MachineOf must name one unit that can run", () => {
    expect(errs("MachineOf=not a unit")[0]!.message).toMatch(/is not a unit name/);
    expect(errs("MachineOf=db@.service")[0]!.message).toMatch(/is a template, which never runs; name an instance such as db@1.service/);
    expect(errs("MachineOf=a.service\nMachineOf=b.service")[0]!.message).toMatch(/MachineOf is given 2 different values/);
  });

  const pairs: [string, string, RegExp][] = [
    ["MachineID=abc", "MachineOf=db.service", /MachineID cannot be used with MachineOf/],
    ["MachineID=abc", "Conflicts=x*", /MachineID cannot be used with Conflicts/],
    ["MachineID=abc", "Global=true", /MachineID cannot be used with Global .*allows only MachineMetadata and Conflicts/],
    ["MachineID=abc", "Replaces=old.service", /MachineID cannot be used with Replaces/],
    ["Global=true", "MachineOf=db.service", /Global cannot be used with MachineOf/],
    ["Global=true", "Replaces=old.service", /Global cannot be used with Replaces/],
    ["Conflicts=x*", "Replaces=old.service", /Conflicts cannot be used with Replaces/],
    ["X-Conflicts=x*", "Replaces=old.service", /Conflicts cannot be used with Replaces \(X-Conflicts= on line 8 and Replaces= on line 9\)/],
  ];
  it.each(pairs)("refuses %s with %s", (a, b, message) => {
    const ps = errs(`${a}\n${b}`);
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ code: "conflicting-fleet-options", line: L + 1 });
    expect(ps[0]!.message).toMatch(message);
  });

  it("reports every bad pair at once", () => {
    expect(errs("MachineID=abc\nGlobal=true\nMachineOf=db.service\nReplaces=old.service").map((p) => p.message.split(" (")[0])).toEqual([
      "MachineID cannot be used with MachineOf",
      "MachineID cannot be used with Global",
      "MachineID cannot be used with Replaces",
      "Global cannot be used with MachineOf",
      "Global cannot be used with Replaces",
    ]);
  });

  it("a MachineOf target caught by the unit's own Conflicts or Replaces globs", () => {
    const [c] = errs("MachineOf=db@1.service\nConflicts=db@*.service");
    expect(c).toMatchObject({ code: "conflicting-fleet-options", line: L });
    expect(c!.message).toMatch(/MachineOf=db@1.service matches the unit's own Conflicts glob "db@\*.service"/);
    const r = errs("MachineOf=db.service\nReplaces=d?.service");
    expect(r.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(/matches the unit's own Replaces glob "d\?.service"/)]));
  });

  it("a unit that is MachineOf or Replaces itself", () => {
    expect(errs("MachineOf=%n", "app.service")[0]).toMatchObject({ code: "self-reference", message: expect.stringMatching(/names the unit itself/) });
    expect(errs("MachineOf=app.service", "app.service")[0]).toMatchObject({ code: "self-reference" });
    expect(errs("Replaces=app*", "app.service")[0]).toMatchObject({ code: "self-reference", line: L });
    expect(errs("Replaces=web@*.service", "web@2.service")[0]!.message).toMatch(/matches the unit's own name web@2.service; a unit cannot replace itself/);
  });

  it("a unit may conflict with its own name pattern (fleet skips the unit itself)", () => {
    expect(opts("Conflicts=web@*.service", "web@1.service").conflicts).toEqual(["web@*.service"]);
  });
});
