// The Unit's provider against a real API server (test/support/cluster.ts: the fleet v1
// routes over the in-memory store, admin token): submit, state change, a new version in
// place, read after an out-of-band destroy, delete. The same script runs on the provider
// as Pulumi ships it (serialised), which is what `pulumi up` would run.
import { startControlPlane, type TestControlPlane } from "../support/cluster";
import { freePort } from "../support/ports";
import { unitProvider } from "../../components/unit/provider";
import { checkUnitInputs, diffUnit, type UnitOutputs } from "../../components/unit/inputs";
import { unitOptions } from "../../components/unit/lint";
import { shipped } from "./serialize";

let cp: TestControlPlane;
beforeAll(async () => {
  cp = await startControlPlane();
});
afterAll(async () => cp?.stop());

const WEB = "[Unit]\nDescription=web\n\n[Service]\nExecStart=/usr/bin/sleep 1000\n";
const WEB2 = "[Unit]\nDescription=web v2\n\n[Service]\nExecStart=/usr/bin/sleep 2000\n";

const cluster = () => ({ endpoint: cp.server.url, token: cp.adminToken });
const opts = (text: string, name = "x.service") => unitOptions(name, text, undefined).options!;

describe.each([
  ["in-process", async () => unitProvider({ retryMs: 50 })],
  ["serialised", async () => shipped(unitProvider({ retryMs: 50 }), "unit-provider")],
])("Unit provider (%s)", (label, make) => {
  const name = `web-${label}.service`;

  test("create, update state, new version, read, delete", async () => {
    const p = await make();
    const checked = await p.check!({} as never, { cluster: cluster(), name, submitted: opts(WEB) });
    expect(checked.failures).toBeUndefined();
    const inputs = checked.inputs as UnitOutputs;
    expect(inputs.desiredState).toBe("launched");
    const created = await p.create(inputs);
    expect(created.id).toBe(name);
    expect(await cp.client.getUnit(name)).toMatchObject({ name, desiredState: "launched", options: opts(WEB) });

    const loaded = (await p.check!(created.outs!, { cluster: cluster(), name, submitted: opts(WEB), desiredState: "loaded" })).inputs as UnitOutputs;
    expect(await p.diff!(name, created.outs!, loaded)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const u1 = await p.update!(name, created.outs!, loaded);
    expect(await cp.client.getUnit(name)).toMatchObject({ desiredState: "loaded", options: opts(WEB) });

    const v2 = (await p.check!(u1.outs!, { cluster: cluster(), name, submitted: opts(WEB2) })).inputs as UnitOutputs;
    const u2 = await p.update!(name, u1.outs as UnitOutputs, v2);
    expect(await cp.client.getUnit(name)).toMatchObject({ desiredState: "launched", options: opts(WEB2) });

    expect(await p.read!(name, u2.outs as UnitOutputs)).toEqual({ id: name, props: { ...u2.outs, submitted: opts(WEB2), desiredState: "launched" } });
    await cp.client.destroyUnit(name);
    expect(await p.read!(name, u2.outs as UnitOutputs)).toEqual({});
    await cp.client.createUnit(name, opts(WEB), "launched");
    await p.delete!(name, u2.outs as UnitOutputs);
    expect(await cp.client.getUnit(name)).toBeUndefined();
    await expect(p.delete!(name, u2.outs as UnitOutputs)).resolves.toBeUndefined();
  });

  test("a renamed unit is replaced; identical options are no change", async () => {
    const p = await make();
    const olds = checkUnitInputs({ cluster: cluster(), name, submitted: opts(WEB) }).inputs!;
    expect(await p.diff!(name, olds, { ...olds, name: `other-${name}` })).toMatchObject({ changes: true, replaces: ["name"] });
    expect(await p.diff!(name, olds, { ...olds })).toMatchObject({ changes: false, replaces: [] });
  });

  test("a wrong token is refused by the server and reported with the unit's name, nothing submitted", async () => {
    const p = await make();
    const i = checkUnitInputs({ cluster: { endpoint: cp.server.url, token: "hfa_wrongwrongwrongwrongwrongwrong" }, name, submitted: opts(WEB) }).inputs!;
    await expect(p.create(i)).rejects.toThrow(new RegExp(`Unit ${name}: submit at .* failed: submit ${name}: HTTP 401`));
    expect(await cp.client.getUnit(name)).toBeUndefined();
  });

  test("the server's refusal of a unit is final, not retried", async () => {
    const p = await make();
    const i = checkUnitInputs({ cluster: cluster(), name: "tmpl@.service", submitted: opts(WEB), waitSeconds: 30 }).inputs!;
    await expect(p.create(i)).rejects.toThrow(/HTTP 400: cannot activate template/);
  });

  test("an API that never answers fails after waitSeconds, with the attempts counted", async () => {
    const p = await make();
    const port = await freePort();
    const i = checkUnitInputs({ cluster: { endpoint: `http://127.0.0.1:${port}`, token: cp.adminToken }, name, submitted: opts(WEB), waitSeconds: 1 }).inputs!;
    await expect(p.create(i)).rejects.toThrow(/failed after \d+ attempts \(the API did not answer within waitSeconds\)/);
  });

  test("check refuses garbage field by field", async () => {
    const p = await make();
    const r = await p.check!({} as never, { cluster: { endpoint: "ftp://x" }, name: "", submitted: [{ section: 1 }], desiredState: "running", waitSeconds: -1 } as never);
    expect(r.failures!.map((f) => f.property).sort()).toEqual(["cluster.endpoint", "cluster.token", "desiredState", "name", "submitted[0]", "waitSeconds"]);
  });
});

describe("unit options from contents or options (program side)", () => {
  test("lint errors name the line", () => {
    const r = unitOptions("a.service", "[Service]\nExecStart=/bin/a\n[X-Fleet]\nMachineID=abc\nGlobal=true\n", undefined);
    expect(r.options).toBeUndefined();
    expect(r.failures.length).toBeGreaterThan(0);
    expect(r.failures.every((f) => f.property === "contents" && /^line \d+: /.test(f.reason))).toBe(true);
  });

  test("exactly one of contents and options; options checked like fleet's API", () => {
    expect(unitOptions("a.service", undefined, undefined).failures[0]!.reason).toContain("exactly one of contents");
    expect(unitOptions("a.service", "[Service]\nExecStart=/bin/true\n", []).failures[0]!.reason).toContain("exactly one of contents");
    expect(unitOptions("a.service", undefined, [{ section: "Service", name: "ExecStart", value: "/bin/true" }])).toEqual({ options: [{ section: "Service", name: "ExecStart", value: "/bin/true" }], failures: [] });
    expect(unitOptions("a.service", undefined, [{ section: "Service", name: "Exec Start", value: "x" }]).failures[0]).toMatchObject({ property: "options", reason: expect.stringContaining("options[0].name") });
    expect(unitOptions("a.bogus", "[Service]\nExecStart=/bin/true\n", undefined).failures[0]!.property).toBe("name");
    expect(unitOptions(7, "x", undefined).failures[0]!.property).toBe("name");
  });

  test("comments do not make a new version", () => {
    const base = { cluster: { endpoint: "http://127.0.0.1:1", token: "t" }, name: "a.service" };
    const a = checkUnitInputs({ ...base, submitted: opts("[Service]\nExecStart=/bin/true\n") }).inputs!;
    const b = checkUnitInputs({ ...base, submitted: opts("# a comment\n[Service]\nExecStart=/bin/true\n") }).inputs!;
    expect(diffUnit(a, b)).toMatchObject({ changes: false, newVersion: false });
  });
});
