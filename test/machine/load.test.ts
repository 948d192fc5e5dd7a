import { formatPath, loadMachine, type MachineProblem } from "../../machine";
import { ED25519, FULL_INPUT, hafenInput, mustLoad, RSA } from "./fixtures/machines";

function problems(input: unknown): MachineProblem[] {
  const r = loadMachine(input);
  if (r.ok) throw new Error("expected problems, got a machine");
  return [...r.problems];
}

/** The one problem at `path`; fails when there is none. */
function at(input: unknown, path: string): MachineProblem {
  const all = problems(input);
  const found = all.find((p) => formatPath(p.at) === path);
  if (!found) throw new Error(`no problem at ${path}; got: ${all.map((p) => `${formatPath(p.at)} (${p.code})`).join(", ")}`);
  return found;
}

describe("loadMachine: whole-document garbage", () => {
  it.each([null, 42, "hostname: x", [1, 2], true, undefined, new Uint8Array([1])])("refuses %p as a machine", (input) => {
    const [p] = problems(input);
    expect(p!.at).toEqual([]);
    expect(["wrong-type", "missing-field"]).toContain(p!.code);
    expect(p!.message).toMatch(/mapping describing one machine/);
  });

  it("refuses objects that are not plain mappings (no values from prototypes)", () => {
    const sneaky = Object.create({ hostname: "from-prototype" }) as object;
    expect(problems(sneaky)[0]!.message).toMatch(/got an object with a custom prototype/);
    expect(problems(new Map([["hostname", "x"]]))[0]!.message).toMatch(/got a Map object/);
    expect(problems({ __proto__: null, hostname: "ok", files: "x" }).map((p) => formatPath(p.at))).toEqual(["files"]);
  });

  it("accepts the empty machine with every default filled in", () => {
    expect(mustLoad({})).toEqual({ os: "flatcar", sshAuthorizedKeys: [], users: [], files: [], units: [] });
  });

  it("names unknown keys and suggests the right spelling", () => {
    const p = at({ ssh_authorized_keys: [ED25519] }, "ssh_authorized_keys");
    expect(p.code).toBe("unknown-field");
    expect(p.message).toContain('did you mean "sshAuthorizedKeys"?');
    expect(at({ units: [{ name: "a.service", dropins: [] }] }, "units[0].dropins").message).toContain('"dropIns"');
    expect(at({ hostnam: "x" }, "hostnam").message).toContain('"hostname"');
  });

  it("collects every problem instead of stopping at the first", () => {
    const all = problems({ hostname: "-bad-", os: "windows", sshAuthorizedKeys: ["nope"], files: [{ path: "rel" }], units: [{ name: "x" }] });
    expect(all.map((p) => formatPath(p.at)).sort()).toEqual(
      ["files[0].contents", "files[0].path", "hostname", "os", "sshAuthorizedKeys[0]", "units[0].name"].sort(),
    );
  });

  it("accepts a machine using every feature", () => {
    const m = mustLoad(FULL_INPUT);
    expect(m.files.map((f) => f.mode)).toEqual([0o644, 0o640, 0o755, 0o644, 0o644]);
    expect(m.files[2]!.contents).toEqual({ source: "bytes", bytes: new Uint8Array([0, 1, 2, 255, 254, 10, 13]) });
    expect(m.files[3]!.contents).toEqual({ source: "url", url: "https://files.example.com/tool.tar?v=1", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(m.units[3]).toEqual({ name: "locksmithd.service", mask: true, enable: false, runtime: false, dropIns: [] });
  });
});

describe("loadMachine: field checks name the path, the value and what is accepted", () => {
  it.each([
    ["hostname", { hostname: "under_score" }, /label "under_score" is invalid/],
    ["hostname", { hostname: "a".repeat(64) }, /label/],
    ["hostname", { hostname: 12 }, /expected a string, got a number/],
    ["os", { os: "coreos" }, /one of flatcar, fedora-coreos/],
    ["sshAuthorizedKeys", { sshAuthorizedKeys: ED25519 }, /expected a list, got a string/],
    ["sshAuthorizedKeys[0]", { sshAuthorizedKeys: ["ssh-rsa AAAAB3NzaC1yc2EAAAADAQABA....AAAYQC2++odpaavdW2/AU0l7RZiE="] }, /not valid base64 \(truncated/],
    ["sshAuthorizedKeys[0]", { sshAuthorizedKeys: [RSA.slice(0, 200)] }, /does not decode|truncated/],
    ["sshAuthorizedKeys[0]", { sshAuthorizedKeys: [ED25519.replace("ssh-ed25519", "ssh-rsa")] }, /does not decode to a ssh-rsa key/],
    ["sshAuthorizedKeys[0]", { sshAuthorizedKeys: ["ssh-foo AAAA"] }, /type "ssh-foo" is not recognised/],
    ["sshAuthorizedKeys[0]", { sshAuthorizedKeys: [`${ED25519}\n${RSA}`] }, /line break/],
    ["sshAuthorizedKeys[1]", { sshAuthorizedKeys: [ED25519, 7] }, /expected an SSH public key string, got a number/],
    ["users[0].name", { users: [{ name: "Root!" }] }, /user name "Root!" is invalid/],
    ["users[0].name", { users: [{}] }, /"name" is required/],
    ["users[0].groups[1]", { users: [{ name: "a", groups: ["docker", "Bad Group"] }] }, /group name "Bad Group"/],
    ["users[0].passwordHash", { users: [{ name: "a", passwordHash: "hunter2" }] }, /not a crypt\(3\) hash/],
    ["users[0].homeDir", { users: [{ name: "a", homeDir: "home/a" }] }, /relative/],
    ["users[0].system", { users: [{ name: "a", system: "yes" }] }, /true or false/],
    ["users[1].name", { users: [{ name: "a" }, { name: "a" }] }, /already given at users\[0\]\.name/],
    ["files[0].path", { files: [{ path: "etc/x", contents: { text: "" } }] }, /relative; expected an absolute path such as \/etc\/etc\/x/],
    ["files[0].path", { files: [{ path: "/etc/../x", contents: { text: "" } }] }, /not normalized/],
    ["files[0].path", { files: [{ path: "/etc/x/", contents: { text: "" } }] }, /not normalized/],
    ["files[0].path", { files: [{ path: "/etc/my file", contents: { text: "" } }] }, /characters Hafen does not write/],
    ["files[0].path", { files: [{ path: "/usr/bin/x", contents: { text: "" } }] }, /read-only on Flatcar/],
    ["files[0].path", { files: [{ path: "/", contents: { text: "" } }] }, /is a directory/],
    ["files[0].mode", { files: [{ path: "/x", mode: 0o10000, contents: { text: "" } }] }, /out of range/],
    ["files[0].mode", { files: [{ path: "/x", mode: "0999", contents: { text: "" } }] }, /not octal/],
    ["files[0].mode", { files: [{ path: "/x", mode: -1, contents: { text: "" } }] }, /out of range/],
    ["files[0].mode", { files: [{ path: "/x", mode: 1.5, contents: { text: "" } }] }, /out of range/],
    ["files[0].owner", { files: [{ path: "/x", owner: "r:r", contents: { text: "" } }] }, /user name "r:r"/],
    ["files[0].contents", { files: [{ path: "/x" }] }, /mapping, one of \{text/],
    ["files[0].contents", { files: [{ path: "/x", contents: { text: "a", base64: "YQ==" } }] }, /exactly one of/],
    ["files[0].contents", { files: [{ path: "/x", contents: {} }] }, /exactly one of/],
    ["files[0].contents.base64", { files: [{ path: "/x", contents: { base64: "not base64!" } }] }, /not valid base64/],
    ["files[0].contents.text", { files: [{ path: "/x", contents: { text: "a\0b" } }] }, /NUL/],
    ["files[0].contents.bytes", { files: [{ path: "/x", contents: { bytes: [1, 2] } }] }, /expected a Uint8Array, got a list/],
    ["files[0].contents.sha256", { files: [{ path: "/x", contents: { url: "https://a/b" } }] }, /always verified/],
    ["files[0].contents.sha256", { files: [{ path: "/x", contents: { url: "https://a/b", sha256: "abc" } }] }, /64 hex digits/],
    ["files[0].contents.url", { files: [{ path: "/x", contents: { url: "ftp://a/b", sha256: "a".repeat(64) } }] }, /scheme "ftp:"/],
    ["files[0].contents.url", { files: [{ path: "/x", contents: { url: "https://u:p@a/b", sha256: "a".repeat(64) } }] }, /credentials/],
    ["files[1].path", { files: [{ path: "/x", contents: { text: "" } }, { path: "/x", contents: { text: "" } }] }, /already given at files\[0\]\.path/],
    ["units[0].name", { units: [{ name: "web.exe" }] }, /unit type "exe" is not supported; expected one of .*swap, slice/],
    ["units[0].name", { units: [{ name: "we b.service" }] }, /invalid prefix/],
    ["units[0].name", { units: [{ contents: "" }] }, /"name" is required/],
    ["units[0].command", { units: [{ name: "a.service", command: "launch" }] }, /one of start, stop, restart/],
    ["units[0].enable", { units: [{ name: "a.service", enable: "true" }] }, /true or false/],
    ["units[0].enable", { units: [{ name: "a.service", enable: true, contents: "[Service]\nExecStart=/bin/true\n" }] }, /\[Install\] section/],
    ["units[0]", { units: [{ name: "a.service", mask: true, command: "start" }] }, /masked unit/],
    ["units[0]", { units: [{ name: "web@.service", command: "start" }] }, /template.*web@1\.service/],
    ["units[0].dropIns[0].name", { units: [{ name: "a.service", dropIns: [{ name: "x.txt", contents: "" }] }] }, /ending in \.conf/],
    ["units[0].dropIns[0].name", { units: [{ name: "a.service", dropIns: [{ name: "../x.conf", contents: "" }] }] }, /ending in \.conf/],
    ["units[0].dropIns[1].name", { units: [{ name: "a.service", dropIns: [{ name: "x.conf", contents: "" }, { name: "x.conf", contents: "" }] }] }, /already given at units\[0\]\.dropIns\[0\]\.name/],
    ["units[0].dropIns[0].contents", { units: [{ name: "a.service", dropIns: [{ name: "x.conf" }] }] }, /required/],
    ["units[0].dropIns[0].contents", { units: [{ name: "a.service", dropIns: [{ name: "x.conf", contents: "Environment=A=1\n" }] }] }, /line 1: /],
    ["units[0].contents", { units: [{ name: "a.service", contents: "[Service\nExecStart=/bin/true\n" }] }, /line 1: /],
    ["units[0].contents", { units: [{ name: "a.service", contents: "just some words\n" }] }, /line 1: /],
    ["units[0].contents", { units: [{ name: "a.service", contents: "[Service]\nExecStart=/bin/true \\" }] }, /^line 2 ends in a backslash/],
    ["units[0].contents", { units: [{ name: "a.service", contents: "\0\x01\x02binary" }] }, /./],
    ["units[1].name", { units: [{ name: "a.service" }, { name: "a.service" }] }, /already given/],
    ["files[0].path", { hostname: "h", files: [{ path: "/etc/hostname", contents: { text: "x" } }] }, /hostname or the file/],
    ["units[0].name", { files: [{ path: "/x", contents: { url: "https://a/b", sha256: "a".repeat(64) } }], units: [{ name: "hafen-fetch-files.service" }] }, /generated to fetch/],
    ["root", { root: "relative/dir" }, /relative/],
  ])("%s: %p", (path, input, message) => {
    const p = at(input, path);
    expect(p.message).toMatch(message);
    expect(p.value).not.toBe("");
  });

  it("never echoes a password hash back", () => {
    expect(at({ users: [{ name: "a", passwordHash: "hunter2" }] }, "users[0].passwordHash").value).toBe('"(hidden)"');
  });

  it("cuts huge values in messages", () => {
    const p = at({ hostname: "x".repeat(100000) }, "hostname");
    expect(p.value.length).toBeLessThan(200);
    expect(p.message.length).toBeLessThan(300);
  });
});

describe("loadMachine: hafen settings against the rest of the machine", () => {
  it.each([
    ["hafen.role", { hafen: hafenInput({ role: "leader" }) }, /one of control, worker, both/],
    ["hafen.discovery", { hafen: hafenInput({ discovery: "https://d.example.com/short" }) }, /32-hex token/],
    ["hafen.discovery", { hafen: hafenInput({ discovery: `http://d.example.com/${"a".repeat(32)}` }) }, /only accepted on 127\.0\.0\.1/],
    ["hafen.store", { hafen: hafenInput({ store: undefined }) }, /"store" is required/],
    ["hafen.metadata.region", { hafen: hafenInput({ metadata: { region: "eu central" } }) }, /without spaces/],
    ["hafen.metadata[\"a.b\"]", { hafen: hafenInput({ metadata: { "a.b": "x" } }) }, /metadata key "a\.b" is invalid/],
    ["hafen.ports.api", { hafen: hafenInput({ ports: { api: 70000 } }) }, /1 to 65535/],
    ["hafen.ports", { hafen: hafenInput({ ports: { api: 2379 } }) }, /four different ports/],
    ["hafen.tls", { hafen: hafenInput({ tls: { caFile: "/etc/hafen/ca.pem", certFile: "/etc/hafen/c.pem" } }) }, /come together/],
    // The CA key never travels in a config any more: control machines fetch it sealed from discovery.
    ["hafen.tls.caKeyFile", { hafen: hafenInput({ tls: { caFile: "/etc/hafen/ca.pem", caKeyFile: "/etc/hafen/ca-key.pem" } }) }, /unknown field "caKeyFile".*Accepted here: caFile, certFile, keyFile/],
    ["hafen.tls.caFile", { hafen: hafenInput({ tls: { caFile: "ca.pem" } }) }, /absolute/],
    ["hafen.launch.style", { hafen: hafenInput({ launch: { style: "vm" } }) }, /one of host, container/],
    ["hafen.launch.nodeImage", { hafen: hafenInput({ launch: { style: "container", engine: "docker", nodeImage: "node:20", etcdImage: `e@sha256:${"a".repeat(64)}` } }) }, /not pinned by digest/],
    ["hafen.launch.node", { hafen: hafenInput({ launch: { style: "host", hafen: "/x.js" } }) }, /required/],
    ["hafen.leaseTtlSeconds", { hafen: hafenInput({ leaseTtlSeconds: 1 }) }, /at least 2 s/],
    ["hafen.leaseTtlSeconds", { hafen: hafenInput({ leaseTtlSeconds: 0 }) }, /from 1 to 3600/],
    ["hafen.runtime", { hafen: hafenInput({ runtime: undefined }) }, /needs the runtime bundle/],
    ["hafen.runtime.sha256", { hafen: hafenInput({ runtime: { url: "https://a/b", sha256: "zz" } }) }, /SHA-256/],
    ["hafen.launch.engine", { os: "flatcar", hafen: hafenInput({ launch: { style: "container", engine: "podman", nodeImage: `n@sha256:${"a".repeat(64)}`, etcdImage: `e@sha256:${"a".repeat(64)}` } }) }, /Flatcar ships Docker/],
    ["hafen.bootstrapTokenFile", { hafen: hafenInput({ bootstrapTokenFile: "/etc/hafen/token" }) }, /no entry in files/],
    ["root", { root: "/srv/m1", hafen: hafenInput() }, /host processes/],
    ["files[0].path", { files: [{ path: "/etc/hafen/machine.json", contents: { text: "{}" } }], hafen: hafenInput() }, /written by Hafen/],
    ["units[0].name", { units: [{ name: "hafen-agent.service" }], hafen: hafenInput() }, /generated from the hafen settings/],
    ["hafen.colour", { hafen: hafenInput({ colour: "blue" }) }, /unknown field "colour"/],
    ["hafen.bindAddress", { hafen: hafenInput({ bindAddress: "localhost" }) }, /not an IP address/],
    ["hafen.advertiseAddress", { hafen: hafenInput({ advertiseAddress: "999.1.1.1" }) }, /not an IP address/],
    ["hafen.name", { hafen: hafenInput({ name: "-m1" }) }, /host name/],
    ["hafen.auth.adminTokenSha256[0]", { hafen: hafenInput({ auth: { adminTokenSha256: ["hfa_plaintexttoken"] } }) }, /never the token itself/],
    ["hafen.auth.bootstrapTokenSha256", { hafen: hafenInput({ auth: { adminTokenSha256: [], bootstrapTokenSha256: "x" } }) }, /SHA-256/],
    ["hafen.auth.bootstrapExpiresAt", { hafen: hafenInput({ auth: { adminTokenSha256: [], bootstrapExpiresAt: "tomorrow" } }) }, /ISO 8601/],
  ])("%s: %p", (path, input, message) => {
    expect(at(input, path).message).toMatch(message);
  });

  it("fills in the documented defaults", () => {
    const m = mustLoad({ hafen: hafenInput({ store: "embedded", role: "worker" }) });
    expect(m.hafen).toMatchObject({ metadata: {}, ports: { api: 7480, agent: 7481, etcdClient: 2379, etcdPeer: 2380 }, bindAddress: "0.0.0.0", dataDir: "/var/lib/hafen", leaseTtlSeconds: 5 });
    const host = mustLoad({ root: "/tmp/m1", hafen: hafenInput({ launch: { style: "host", node: "/usr/bin/node", hafen: "/x/hafen.js" }, runtime: undefined }) });
    expect(host.hafen!.launch).toEqual({ style: "host", node: "/usr/bin/node", hafen: "/x/hafen.js", etcd: "/usr/bin/etcd" });
  });
});
