// Every Ignition config Hafen renders goes through the real ignition-validate, and every
// unit Hafen generates through the real systemd-analyze verify — and both wrappers are
// shown to fail on broken input, so a passing run means something.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expandMachine, hafenParts, parseMachineYaml, renderIgnition } from "../../machine";
import { ignitionValidate, referencedExecutables, referencedUnits, systemdVerify } from "../support/validators";
import { FULL_INPUT, hafenVariants, mustLoad } from "./fixtures/machines";

describe("ignition-validate wrapper", () => {
  it("fails on an invalid config, naming the problem", () => {
    const r = ignitionValidate(JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "relative/x" }] } }));
    expect(r.ok).toBe(false);
    expect(r.exitCode).not.toBe(0);
    expect(r.findings.join("\n")).toMatch(/path not absolute/);
  });

  it("fails on warnings even though ignition-validate exits 0 for them", () => {
    const unit = { name: "a.service", enabled: true, contents: "[Service]\nExecStart=/bin/true\n" };
    const r = ignitionValidate(JSON.stringify({ ignition: { version: "3.3.0" }, systemd: { units: [unit] } }));
    expect(r.exitCode).toBe(0);
    expect(r.ok).toBe(false);
    expect(r.findings.join("\n")).toMatch(/no install section/);
  });

  it("fails on a spec version Debian's ignition 2.14 does not know", () => {
    expect(ignitionValidate(JSON.stringify({ ignition: { version: "3.4.0" } })).ok).toBe(false);
  });

  it("passes a minimal valid config", () => {
    expect(ignitionValidate(JSON.stringify({ ignition: { version: "3.3.0" } }))).toEqual({ ok: true, exitCode: 0, findings: [] });
  });
});

describe("Ignition output passes ignition-validate", () => {
  it("for a machine using every model feature", () => {
    const input = { ...FULL_INPUT, files: FULL_INPUT.files.filter((f) => f.path !== "/etc/motd") };
    const r = renderIgnition(mustLoad(input));
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(ignitionValidate(r.value)).toEqual({ ok: true, exitCode: 0, findings: [] });
  });

  it.each(hafenVariants().map((v) => [v.label, v.input] as const))("for Hafen machine %s", (_label, input) => {
    const r = renderIgnition(mustLoad({ ...input, hostname: "m1", sshAuthorizedKeys: [] }));
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(ignitionValidate(r.value)).toEqual({ ok: true, exitCode: 0, findings: [] });
  });
});

describe("systemd-analyze verify wrapper", () => {
  const good = "[Unit]\nDescription=x\n\n[Service]\nExecStart=/usr/bin/docker run x\nRestart=always\n\n[Install]\nWantedBy=multi-user.target\n";

  it("passes a clean unit (stubbing /usr/bin/docker and the targets it needs)", () => {
    expect(systemdVerify([{ name: "a.service", contents: good }])).toEqual({ ok: true, exitCode: 0, findings: [] });
  });

  it("fails on a typo'd key, although systemd-analyze exits 0 for it", () => {
    const r = systemdVerify([{ name: "a.service", contents: good.replace("Restart=always", "Restrat=always") }]);
    expect(r.exitCode).toBe(0);
    expect(r.ok).toBe(false);
    expect(r.findings.join("\n")).toMatch(/Unknown key 'Restrat' in section \[Service\]/);
  });

  it("fails on an unknown section and on a typo'd key in a drop-in", () => {
    expect(systemdVerify([{ name: "a.service", contents: `${good}[Srvice]\nX=1\n` }]).findings.join("\n")).toMatch(/Unknown section 'Srvice'/);
    const r = systemdVerify([{ name: "a.service", contents: good, dropIns: [{ name: "10-x.conf", contents: "[Service]\nEnviroment=A=1\n" }] }]);
    expect(r.ok).toBe(false);
    expect(r.findings.join("\n")).toMatch(/Unknown key 'Enviroment'/);
  });

  it("fails on an invalid value", () => {
    const r = systemdVerify([{ name: "a.service", contents: good.replace("Restart=always", "Restart=sometimes") }]);
    expect(r.ok).toBe(false);
    expect(r.findings.join("\n")).toMatch(/restart specifier, ignoring: sometimes/);
  });

  it("finds the executables and units a unit references", () => {
    const text = "[Unit]\nAfter=a.target b.service\nWants=c.target\n[Service]\nExecStartPre=-/usr/bin/x arg\nExecStart=@/bin/y y\nExecStop=relative\n";
    expect(referencedExecutables(text)).toEqual(["/usr/bin/x", "/bin/y"]);
    expect(referencedUnits(text)).toEqual(["a.target", "b.service", "c.target"]);
  });
});

describe("every unit Hafen generates passes systemd-analyze verify", () => {
  it.each(hafenVariants().map((v) => [v.label, v.input] as const))("Hafen machine %s", (_label, input) => {
    const m = mustLoad(input);
    const { units } = hafenParts(m.hafen!, { root: m.root });
    expect(units.length).toBeGreaterThan(0);
    const r = systemdVerify(units.map((u) => ({ name: u.name, contents: u.contents! })));
    expect(r).toEqual({ ok: true, exitCode: 0, findings: [] });
  });

  it("with TLS and a bootstrap token outside the mounted directories", () => {
    const m = mustLoad({
      files: [{ path: "/var/token", mode: 0o600, contents: { text: "t" } }],
      hafen: {
        role: "both",
        discovery: `https://d.example.com/${"c".repeat(32)}`,
        store: "etcd",
        bootstrapTokenFile: "/var/token",
        tls: { caFile: "/etc/ssl/hafen/ca.pem", certFile: "/etc/hafen/tls/cert.pem", keyFile: "/etc/hafen/tls/key.pem" },
        launch: { style: "container", engine: "docker", nodeImage: `n@sha256:${"1".repeat(64)}`, etcdImage: `e@sha256:${"2".repeat(64)}` },
        runtime: { url: "https://b.example.com/h%20x.js?a=1&b=$2", sha256: "f".repeat(64) },
      },
    });
    const units = expandMachine(m).units;
    expect(units.find((u) => u.name === "hafen-agent.service")!.contents).toContain("-v /var/token:/var/token:ro -v /etc/ssl/hafen/ca.pem:/etc/ssl/hafen/ca.pem:ro");
    expect(systemdVerify(units.map((u) => ({ name: u.name, contents: u.contents! })))).toEqual({ ok: true, exitCode: 0, findings: [] });
  });

  it("for every unit of examples/machine.yaml (drop-in on an OS unit included)", () => {
    const m = parseMachineYaml(readFileSync(join(__dirname, "../../examples/machine.yaml"), "utf8"));
    if (!m.ok) throw new Error(JSON.stringify(m.problems));
    const units = expandMachine(m.value).units.map((u) => ({ name: u.name, contents: u.contents ?? "[Service]\nExecStart=/usr/bin/dockerd\n", dropIns: u.dropIns }));
    expect(units.map((u) => u.name)).toContain("docker.service");
    expect(systemdVerify(units)).toEqual({ ok: true, exitCode: 0, findings: [] });
  });

  it("including the unit that fetches files by URL, and the user units of a full machine", () => {
    const x = expandMachine(mustLoad(FULL_INPUT));
    const withContents = x.units.filter((u) => u.contents !== undefined);
    const r = systemdVerify(withContents.map((u) => ({ name: u.name, contents: u.contents!, dropIns: u.dropIns })));
    expect(r).toEqual({ ok: true, exitCode: 0, findings: [] });
  });
});
