// The pure cores under the policies: addresses, protocols, port spans, user data layers,
// boot config reading, secret scanning, size tables — including garbage input.
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { readBootConfig, dataUrlText } from "../../policies/core/boot-config";
import { parseCidr, isWorld, parsePortRange, parseProtocol, spanOf } from "../../policies/core/net";
import { scanText } from "../../policies/core/secrets";
import { memoryMiB } from "../../policies/core/sizes";
import { decodeUserData, INFLATE_MAX } from "../../policies/core/userdata";
import { snapshot, UNKNOWN } from "../../policies/core/values";
import { unknownCheckingProxy } from "@pulumi/policy";
import { ADMIN_TOKEN, BOOTSTRAP_TOKEN, PRIVATE_KEY, b64 } from "./fixtures";
import { UNKNOWN_ARRAY, UNKNOWN_STRING } from "./support";

describe("addresses", () => {
  it("knows the whole internet in both families and nothing narrower", () => {
    for (const w of ["0.0.0.0/0", "::/0", "0::/0", " 0.0.0.0/0 "]) expect(isWorld(w)).toBe(true);
    for (const n of ["0.0.0.0/1", "10.0.0.0/8", "1.2.3.4", "2001:db8::/32", "::/1", "0.0.0.0"]) expect(isWorld(n)).toBe(false);
  });

  it("refuses garbage with the value and what is accepted", () => {
    for (const g of ["", "/0", "0.0.0.0/33", "::/129", "300.1.1.1/8", "10.0.0.0/-1", "abc", "1.2.3.4/8/9", "0.0.0.0/0x"]) {
      const c = parseCidr(g);
      expect(c.ok).toBe(false);
      if (!c.ok) expect(c.reason).toMatch(/expected an IPv4 or IPv6 address|longer than/);
    }
    expect(parseCidr("0.0.0.0/33")).toEqual({ ok: false, reason: expect.stringContaining("prefix /33 is longer than 32 bits") });
  });

  it("never throws on arbitrary strings", () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (s) => void parseCidr(s)), { numRuns: 500 });
  });
});

describe("protocols and ports", () => {
  it("reads every cloud's spelling", () => {
    expect(["-1", "all", "ALL", "any", "", undefined, null].map(parseProtocol)).toEqual(Array(7).fill("all"));
    expect(["tcp", "TCP", "6", 6].map(parseProtocol)).toEqual(["tcp", "tcp", "tcp", "tcp"]);
    expect(["udp", "17", "icmp", "1", "58", "gre", "%%"].map(parseProtocol)).toEqual(["udp", "udp", "icmp", "icmp", "other", "other", "other"]);
  });

  it("reads DigitalOcean port ranges and refuses garbage", () => {
    expect(parsePortRange("2379")).toEqual({ from: 2379, to: 2379 });
    expect(parsePortRange("2370-2390")).toEqual({ from: 2370, to: 2390 });
    expect(parsePortRange("all")).toEqual({ from: 0, to: 65535 });
    expect(parsePortRange("1-65535")).toEqual({ from: 1, to: 65535 });
    for (const g of ["", "-", "2390-2370", "70000", "1-70000", "22,80", "x", "1 - 2"]) expect(parsePortRange(g)).toBeUndefined();
    fc.assert(fc.property(fc.string({ maxLength: 20 }), (s) => {
      const r = parsePortRange(s);
      return r === undefined || (r.from <= r.to && r.to <= 65535);
    }), { numRuns: 500 });
  });

  it("reads from/to pairs (Neutron's 0/0 and absent bounds are every port)", () => {
    expect(spanOf(undefined, undefined, true)).toEqual({ from: 0, to: 65535 });
    expect(spanOf(0, 0, true)).toEqual({ from: 0, to: 65535 });
    expect(spanOf(0, 0, false)).toEqual({ from: 0, to: 0 });
    expect(spanOf(2379, undefined, true)).toEqual({ from: 2379, to: 2379 });
    expect(spanOf(2380, 2379, false)).toBeUndefined();
    expect(spanOf(1.5, 3, false)).toBeUndefined();
  });
});

describe("user data layers", () => {
  const cc = "#cloud-config\nhostname: a\n";

  it("peels base64 and gzip and recognises the format", () => {
    expect(decodeUserData(cc, "plain")).toMatchObject({ format: "cloud-config", layers: [] });
    expect(decodeUserData(b64(cc), "base64")).toMatchObject({ format: "cloud-config", layers: ["base64"], text: cc });
    expect(decodeUserData(b64(gzipSync(cc)), "base64")).toMatchObject({ format: "cloud-config", layers: ["base64", "gzip"], text: cc });
    // A plain field holding base64 of a config (some stacks do this) is looked through.
    expect(decodeUserData(b64(cc), "plain")).toMatchObject({ format: "cloud-config", layers: ["base64"] });
    expect(decodeUserData('{"ignition":{"version":"3.3.0"}}', "plain").format).toBe("ignition");
    expect(decodeUserData("#!/bin/sh\necho hi\n", "plain").format).toBe("script");
  });

  it("does not mistake plain text for base64, and says why a base64 field is unreadable", () => {
    expect(decodeUserData("abcd", "plain")).toMatchObject({ format: "unknown", layers: [], text: "abcd" });
    const bad = decodeUserData("#cloud-config\n", "base64");
    expect(bad.problem).toMatch(/not base64/);
    expect(decodeUserData('{"ignition": 5}', "plain").format).toBe("unknown");
    expect(decodeUserData("{not json", "plain").format).toBe("unknown");
  });

  it("bounds gzip inflation (a bomb is reported, not inflated)", () => {
    const bomb = gzipSync(Buffer.alloc(INFLATE_MAX + 1024));
    const u = decodeUserData(b64(bomb), "base64");
    expect(u.problem).toMatch(/does not inflate/);
    expect(decodeUserData(b64(Buffer.from([0x1f, 0x8b, 1, 2, 3])), "base64").problem).toMatch(/does not inflate/);
  });
});

describe("boot configs", () => {
  it("reads cloud-config users, files (all encodings) and units", () => {
    const text = [
      "#cloud-config",
      "ssh_authorized_keys: [ssh-ed25519 AAAA k]",
      "users:",
      "  - name: ops",
      "    passwd: $6$salt$hash",
      "write_files:",
      "  - path: /a",
      "    content: plain",
      "  - path: /b",
      `    encoding: b64`,
      `    content: ${b64("bee")}`,
      "  - path: /c",
      "    encoding: gz+b64",
      `    content: ${b64(gzipSync("sea"))}`,
      "  - path: /d",
      "    encoding: b64",
      "    content: '!!not base64!!'",
      "coreos:",
      "  units:",
      "    - name: a.service",
      "      content: |",
      "        [Service]",
      "        ExecStart=/bin/true",
      "      drop_ins:",
      "        - name: 10-x.conf",
      "          content: \"[Service]\\nNice=1\\n\"",
    ].join("\n");
    const b = readBootConfig(decodeUserData(text, "plain"));
    expect(b.problems).toEqual([]);
    expect(b.users).toEqual([
      { name: "core", sshKeys: ["ssh-ed25519 AAAA k"], where: "ssh_authorized_keys" },
      { name: "ops", passwordHash: "$6$salt$hash", sshKeys: [], where: "users[0]" },
    ]);
    expect(b.files.map((f) => [f.path, f.text, f.encoded])).toEqual([
      ["/a", "plain", false],
      ["/b", "bee", true],
      ["/c", "sea", true],
      ["/d", undefined, true],
    ]);
    expect(b.units).toEqual([{ name: "a.service", contents: "[Service]\nExecStart=/bin/true\n", dropIns: [{ name: "10-x.conf", contents: "[Service]\nNice=1\n" }], where: "coreos.units[0]" }]);
  });

  it("reads Ignition data URLs (percent, base64, gzip) and skips fetched files", () => {
    const doc = {
      ignition: { version: "3.3.0" },
      passwd: { users: [{ name: "core", sshAuthorizedKeys: ["ssh-ed25519 AAAA k"], passwordHash: "$y$x$y" }] },
      storage: {
        files: [
          { path: "/p", contents: { source: "data:,hello%20world%0A" } },
          { path: "/q", contents: { source: `data:;base64,${b64("q")}` } },
          { path: "/r", contents: { source: `data:;base64,${b64(gzipSync("r"))}`, compression: "gzip" }, append: [{ source: "data:,more" }] },
          { path: "/s", contents: { source: "https://example.com/s", verification: { hash: `sha256-${"0".repeat(64)}` } } },
        ],
      },
      systemd: { units: [{ name: "u.service", contents: "[Service]\nExecStart=/bin/true\n", dropins: [{ name: "1.conf", contents: "[Service]\n" }] }] },
    };
    const b = readBootConfig(decodeUserData(JSON.stringify(doc), "plain"));
    expect(b.files.map((f) => [f.where, f.text])).toEqual([
      ["storage.files[0]", "hello world\n"],
      ["storage.files[1]", "q"],
      ["storage.files[2]", "r"],
      ["storage.files[2].append[0]", "more"],
      ["storage.files[3]", undefined],
    ]);
    expect(b.users[0]).toMatchObject({ name: "core", passwordHash: "$y$x$y", sshKeys: ["ssh-ed25519 AAAA k"] });
    expect(b.units[0]).toMatchObject({ name: "u.service", dropIns: [{ name: "1.conf" }] });
  });

  it("reports what does not parse and survives odd shapes", () => {
    expect(readBootConfig(decodeUserData("#cloud-config\nusers: [\n", "plain")).problems[0]).toMatch(/cloud-config does not parse/);
    expect(readBootConfig(decodeUserData("#cloud-config\n- a\n- b\n", "plain")).problems).toEqual(["cloud-config is not a mapping of keys"]);
    const odd = readBootConfig(decodeUserData("#cloud-config\nusers: 5\nwrite_files: [1, null, {path: 3}]\ncoreos: {units: {a: 1}}\n", "plain"));
    expect(odd).toMatchObject({ problems: [], units: [] });
    expect(odd.files).toEqual([{ path: "3", text: "", encoded: false, where: "write_files[2]" }]);
    // "Billion laughs": 10 aliases per level, 9 levels; expansion is refused, not attempted.
    const levels = "abcdefghi";
    const laughs = ["#cloud-config", "a: &a [x, x, x, x, x, x, x, x, x, x]", ...[...levels.slice(1)].map((l, i) => `${l}: &${l} [${Array(10).fill(`*${levels[i]}`).join(", ")}]`)].join("\n");
    expect(readBootConfig(decodeUserData(laughs, "plain")).problems[0]).toMatch(/does not parse: .*[Aa]lias/);
    expect(dataUrlText("data:,%E0%A4%A", undefined)).toBeUndefined();
    expect(dataUrlText("https://x", undefined)).toBeUndefined();
    expect(dataUrlText(`data:;base64,${b64("x")}`, "gzip")).toBeUndefined();
  });
});

describe("secret scanning", () => {
  it("finds private keys, long-lived tokens and passwords, and allows the bootstrap token", () => {
    const text = [`key: |`, ...PRIVATE_KEY.split("\n").map((l) => `  ${l}`), `admin: ${ADMIN_TOKEN}`, `join: ${BOOTSTRAP_TOKEN}`, "DB_PASSWORD=hunter22", "  passwd: $6$abc$def"].join("\n");
    const found = scanText(text).map((f) => [f.kind, f.line]);
    expect(found).toEqual([["private-key", 2], ["admin-token", 6], ["password", 8], ["password-hash", 9]]);
    // Hints never carry the secret.
    for (const f of scanText(text)) {
      expect(f.hint).not.toContain(ADMIN_TOKEN.slice(4, 12));
      expect(f.hint).not.toContain("hunter22");
      expect(f.hint).not.toContain("$6$abc");
    }
  });

  it("does not flag what only looks like a password setting", () => {
    const benign = ["PasswordAuthentication no", "password: ${DB_PASSWORD}", "password: $DB_PASS", "password: ''", "passwordFile=/run/secret", "PASS_MAX_DAYS 99", "password:", "bypass: true", '{"passwd":{"users":[{"name":"core"}]}}'];
    expect(benign.flatMap((l) => scanText(l))).toEqual([]);
  });

  it("finds passwords in environment assignments and JSON", () => {
    expect(scanText("Environment=DB_PASSWORD=x1").map((f) => f.hint)).toEqual(["DB_PASSWORD: …"]);
    expect(scanText('{"db_password": "x1"}').map((f) => f.kind)).toEqual(["password"]);
    expect(scanText("run --password=x1").map((f) => f.kind)).toEqual(["password"]);
  });

  it("applies extra patterns", () => {
    expect(scanText("aws_key AKIAABCDEFGHIJKLMNOP", [/AKIA[0-9A-Z]{16}/]).map((f) => f.kind)).toEqual(["custom"]);
  });
});

describe("memory of sizes", () => {
  it("knows common sizes and leaves the rest unjudged", () => {
    expect(memoryMiB("aws", "t3.micro")).toBe(1024);
    expect(memoryMiB("aws", "t4g.small")).toBe(2048);
    expect(memoryMiB("aws", "m6i.large")).toBe(8192);
    expect(memoryMiB("aws", "c6g.medium")).toBe(2048);
    expect(memoryMiB("aws", "r5.2xlarge")).toBe(65536);
    expect(memoryMiB("aws", "c5n.large")).toBeUndefined();
    expect(memoryMiB("aws", "x1.16xlarge")).toBeUndefined();
    expect(memoryMiB("digitalocean", "s-1vcpu-512mb-10gb")).toBe(512);
    expect(memoryMiB("digitalocean", "s-2vcpu-4gb")).toBe(4096);
    expect(memoryMiB("digitalocean", "c-2")).toBe(4096);
    expect(memoryMiB("openstack", "m1.small")).toBe(2048);
    expect(memoryMiB("openstack", "b2-7")).toBeUndefined();
    expect(memoryMiB("openstack", "b2-7", { "b2-7": 7168 })).toBe(7168);
    for (const g of ["", "m6i", "m6i.", ".large", "t3.huge", "s-1vcpu"]) expect(memoryMiB(g.startsWith("s-") ? "digitalocean" : "aws", g)).toBeUndefined();
  });
});

describe("unknown values", () => {
  it("turn into UNKNOWN through @pulumi/policy's own proxy, leaving the rest readable", () => {
    const props = unknownCheckingProxy({ a: UNKNOWN_STRING, b: "x", c: [1, UNKNOWN_STRING], d: UNKNOWN_ARRAY, e: { f: UNKNOWN_STRING } });
    expect(() => (props as Record<string, unknown>)["a"]).toThrow(/can't be known during preview/);
    expect(snapshot(props)).toEqual({ a: UNKNOWN, b: "x", c: [1, UNKNOWN], d: UNKNOWN, e: { f: UNKNOWN } });
  });
});
