import { gunzipSync } from "node:zlib";
import { formatProblem, ignitionPointer, renderIgnition, type Machine } from "../../machine";
import { ignitionContent, percentEncode } from "../../machine/content";
import { ignitionValidate } from "../support/validators";
import { ED25519, FULL_INPUT, hafenInput, mustLoad, RSA, SHA } from "./fixtures/machines";

function ign(m: Machine): Record<string, any> {
  const r = renderIgnition(m);
  if (!r.ok) throw new Error(r.problems.map(formatProblem).join("\n"));
  expect(ignitionValidate(r.value)).toEqual({ ok: true, exitCode: 0, findings: [] });
  return JSON.parse(r.value) as Record<string, any>;
}

/** Decodes a data: URL the way Ignition does (percent-encoded or base64, then gzip). */
function dataUrl(c: { source: string; compression?: string }): Buffer {
  const m = /^data:(;base64)?,(.*)$/s.exec(c.source);
  if (!m) throw new Error(`not a data URL: ${c.source.slice(0, 40)}`);
  const raw = m[1] ? Buffer.from(m[2]!, "base64") : Buffer.from(decodeURIComponent(m[2]!), "latin1");
  return c.compression === "gzip" ? gunzipSync(raw) : raw;
}

const full = { ...FULL_INPUT, files: FULL_INPUT.files.filter((f) => f.path !== "/etc/motd") };

describe("Ignition renderer (spec 3.3.0)", () => {
  const cfg = ign(mustLoad(full));

  it("declares spec 3.3.0 and nothing Ignition would not read", () => {
    expect(cfg.ignition).toEqual({ version: "3.3.0" });
    expect(Object.keys(cfg)).toEqual(["ignition", "passwd", "storage", "systemd"]);
  });

  it("gives the top-level SSH keys to core and maps user fields", () => {
    expect(cfg.passwd.users).toEqual([
      { name: "core", sshAuthorizedKeys: [ED25519] },
      { name: "ops", sshAuthorizedKeys: [RSA], groups: ["docker", "wheel"], homeDir: "/home/ops", shell: "/bin/bash" },
      { name: "svc", passwordHash: expect.stringMatching(/^\$6\$/), system: true },
    ]);
  });

  it("merges the top-level keys into a listed core user", () => {
    const c = ign(mustLoad({ sshAuthorizedKeys: [ED25519], users: [{ name: "core", sshAuthorizedKeys: [RSA], groups: ["docker"] }] }));
    expect(c.passwd.users).toEqual([{ name: "core", sshAuthorizedKeys: [ED25519, RSA], groups: ["docker"] }]);
  });

  it("writes the hostname as /etc/hostname and files with decimal modes, owners and data URLs", () => {
    const files = cfg.storage.files as { path: string; mode: number; contents: { source: string; compression?: string }; user?: unknown; group?: unknown; overwrite: boolean }[];
    expect(files.map((f) => [f.path, f.mode])).toEqual([
      ["/etc/hostname", 420],
      ["/etc/app/config.yaml", 416],
      ["/opt/bin/blob", 493],
      ["/opt/big/tool.tar", 420],
      ["/etc/empty", 420],
    ]);
    expect(files.every((f) => f.overwrite)).toBe(true);
    expect(dataUrl(files[0]!.contents).toString()).toBe("worker-7.eu.example.com\n");
    expect(files[1]).toMatchObject({ user: { name: "ops" }, group: { name: "docker" }, contents: { compression: "gzip" } });
    expect(dataUrl(files[1]!.contents).toString()).toBe("a: 1\n".repeat(300));
    expect([...dataUrl(files[2]!.contents)]).toEqual([0, 1, 2, 255, 254, 10, 13]);
    expect(files[3]!.contents).toEqual({ source: "https://files.example.com/tool.tar?v=1", verification: { hash: `sha256-${SHA}` } });
    expect(files[4]!.contents).toEqual({ source: "data:," });
  });

  it("enables started units, masks masked ones, and keeps drop-ins", () => {
    expect(cfg.systemd.units).toEqual([
      { name: "docker.service", dropins: [{ name: "10-opts.conf", contents: "[Service]\nEnvironment=DOCKER_OPTS=--debug\n" }] },
      { name: "app.service", enabled: true, contents: expect.stringContaining("[Install]"), dropins: [{ name: "20-env.conf", contents: "[Service]\nEnvironment=A=1\n" }] },
      { name: "tmp-cleanup.timer", contents: "[Timer]\nOnBootSec=1h\n" },
      { name: "locksmithd.service", mask: true },
    ]);
  });

  it("maps commands: start-like ones enable, the others have nothing to act on at first boot", () => {
    const units = ["start", "restart", "reload-or-restart", "stop", "reload", "try-restart", "reload-or-try-restart"].map((command, i) => ({ name: `u${i}.service`, command }));
    const c = ign(mustLoad({ units }));
    expect(c.systemd.units.map((u: { enabled?: boolean }) => u.enabled === true)).toEqual([true, true, true, false, false, false, false]);
  });

  it("emits Hafen's units and settings file for a Fedora CoreOS machine", () => {
    const c = ign(mustLoad({ os: "fedora-coreos", hafen: hafenInput({ role: "both", launch: { style: "container", engine: "podman", nodeImage: `n@sha256:${"1".repeat(64)}`, etcdImage: `e@sha256:${"2".repeat(64)}` } }) }));
    expect(c.systemd.units.map((u: { name: string; enabled: boolean }) => [u.name, u.enabled])).toEqual([
      ["hafen-fetch.service", true],
      ["hafen-etcd.service", true],
      ["hafen-server.service", true],
      ["hafen-agent.service", true],
    ]);
    const settings = c.storage.files[0];
    expect(settings).toMatchObject({ path: "/etc/hafen/machine.json", mode: 384 });
    expect(JSON.parse(dataUrl(settings.contents).toString())).toMatchObject({ role: "both", store: "etcd" });
  });
});

describe("what Ignition cannot express is refused, naming the field", () => {
  it.each([
    [{ files: [{ path: "/etc/x", contents: { text: "IP=$private_ipv4\n" } }] }, "files[0].contents.text: unsupported: Ignition does not substitute $private_ipv4"],
    [{ units: [{ name: "a.service", contents: "[Service]\nExecStart=/bin/echo $public_ipv4\n" }] }, "units[0].contents: unsupported: Ignition does not substitute $public_ipv4"],
    [{ units: [{ name: "a.service", dropIns: [{ name: "a.conf", contents: "[Service]\nEnvironment=A=$private_ipv6\n" }] }] }, "units[0].dropIns[0].contents: unsupported"],
    [{ units: [{ name: "a.service", command: "start", contents: "[Service]\nExecStart=/bin/true\n" }] }, "units[0].command: unsupported: Ignition starts units only by enabling them"],
    [{ files: [{ path: "/opt/bin/suid", mode: 0o4755, contents: { text: "" } }] }, "files[0].mode: unsupported: Ignition spec 3.3.0 ignores setuid/setgid/sticky bits"],
  ])("%p", (input, expected) => {
    const r = renderIgnition(mustLoad(input));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map(formatProblem).join("\n")).toContain(expected);
  });
});

describe("data URLs", () => {
  it("pick the shortest of percent-encoded, base64 and gzip", () => {
    expect(ignitionContent(Buffer.from("hello world\n"))).toEqual({ source: "data:,hello%20world%0A" });
    expect(ignitionContent(Buffer.from([0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa]))).toEqual({ source: "data:;base64,//79/Pv6" });
    expect(ignitionContent(Buffer.from("x".repeat(5000))).compression).toBe("gzip");
  });

  it("percent-encode everything outside a conservative safe set", () => {
    expect(percentEncode(Buffer.from("a+b %/:=,@?#&ä"))).toBe("a%2Bb%20%25/:=,@%3F%23%26%C3%A4");
  });
});

describe("pointer configs", () => {
  it("make Ignition fetch and verify the real config, and pass ignition-validate", () => {
    const p = ignitionPointer("https://configs.example.com/m1.ign", SHA);
    expect(JSON.parse(p)).toEqual({ ignition: { version: "3.3.0", config: { replace: { source: "https://configs.example.com/m1.ign", verification: { hash: `sha256-${SHA}` } } } } });
    expect(ignitionValidate(p)).toEqual({ ok: true, exitCode: 0, findings: [] });
  });
});
