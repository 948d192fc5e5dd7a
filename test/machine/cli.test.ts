import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { parseCloudConfig } from "../../machine";
import { runBin, runCli } from "../support/cli";
import { tempDir } from "../support/tmp";
import { ignitionValidate } from "../support/validators";
import { ED25519 } from "./fixtures/machines";

const EXAMPLE = join(__dirname, "../../examples/machine.yaml");

function yamlFile(text: string): { dir: string; name: string } {
  const dir = tempDir("hafen-cli-");
  writeFileSync(join(dir, "m.yaml"), text);
  return { dir, name: "m.yaml" };
}

describe("hafen config render", () => {
  it("renders the example machine as cloud-config that parses back", async () => {
    const r = await runCli(["config", "render", "--format", "cloud-config", "--provider", "aws", EXAMPLE]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout.startsWith("#cloud-config\n")).toBe(true);
    const back = parseCloudConfig(r.stdout);
    expect(back.ok).toBe(true);
    const doc = parse(r.stdout) as { write_files: { path: string; permissions: string }[] };
    // `mode: 0600` in the YAML is octal, as in YAML 1.1 and coreos-cloudinit.
    expect(doc.write_files.find((f) => f.path === "/etc/hafen/bootstrap-token")!.permissions).toBe("0600");
  });

  it("renders the example machine as Ignition that ignition-validate accepts", async () => {
    const r = await runCli(["config", "render", "--format", "ignition", EXAMPLE]);
    expect(r.code).toBe(0);
    expect(ignitionValidate(r.stdout.trimEnd())).toEqual({ ok: true, exitCode: 0, findings: [] });
  });

  it("names file, line, field path and reason for every problem, and exits 1", async () => {
    const { dir, name } = yamlFile(
      [
        "hostname: web_1", // 1
        "sshAuthorizedKeys:", // 2
        "  - ssh-rsa AAAAB3NzaC1yc2EAAAADAQABA....AAAYQ", // 3
        "files:", // 4
        "  - path: etc/motd", // 5
        "    mode: 0999", // 6
        "    contents: { text: hi }", // 7
        "units:", // 8
        "  - name: web.service", // 9
        "    dropIns:", // 10
        "      - name: override", // 11
        "        contents: |", // 12
        "          [Service]", // 13
        "",
      ].join("\n"),
    );
    const r = await runCli(["config", "render", "--format", "cloud-config", name], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^m\.yaml:1: hostname: invalid-value: hostname label "web_1" is invalid/),
      expect.stringMatching(/^m\.yaml:3: sshAuthorizedKeys\[0\]: invalid-value: SSH key body is not valid base64/),
      expect.stringMatching(/^m\.yaml:5: files\[0\]\.path: invalid-value: path "etc\/motd" is relative/),
      expect.stringMatching(/^m\.yaml:6: files\[0\]\.mode: invalid-value: mode "0999" is not octal/),
      expect.stringMatching(/^m\.yaml:11: units\[0\]\.dropIns\[0\]\.name: invalid-value: drop-in name "override" is invalid/),
    ]);
  });

  it("reports YAML syntax errors with their line", async () => {
    const { dir, name } = yamlFile("hostname: a\nfiles: [\n  - x\n");
    const r = await runCli(["config", "render", "--format", "ignition", name], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^m\.yaml:\d+: \(document\): syntax: YAML: /);
  });

  it.each([
    ["binary garbage", "\0\x01\x02\xff\xfe"],
    ["a bare list", "- a\n- b\n"],
    ["a scalar", "42\n"],
    ["an empty file", ""],
  ])("refuses %s with a clear message", async (_label, text) => {
    const { dir, name } = yamlFile(text);
    const r = await runCli(["config", "render", "--format", "ignition", name], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^m\.yaml:\d+: \(document\): (syntax|wrong-type|missing-field): /);
  });

  it("refuses a config over the provider's limit with the limit, the size and remedies", async () => {
    const big = randomBytes(24000).toString("base64"); // incompressible
    const { dir, name } = yamlFile(`files:\n  - path: /opt/big\n    contents:\n      base64: ${big}\n`);
    const r = await runCli(["config", "render", "--format", "cloud-config", "--provider", "aws", name], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^m\.yaml:1: \(document\): too-large: cloud-config is [\d,]+ bytes; EC2 user data accepts at most 16,384 bytes .*Remedies: \(1\) fetch large files by URL/);
    const ok = await runCli(["config", "render", "--format", "cloud-config", "--provider", "digitalocean", name], { cwd: dir });
    expect(ok.code).toBe(0);
  });

  it("prints JSON with --json, for success and for problems", async () => {
    const good = await runCli(["config", "render", "--format", "cloud-config", "--provider", "openstack", "--json", EXAMPLE]);
    expect(good.code).toBe(0);
    const out = JSON.parse(good.stdout);
    expect(out).toMatchObject({ ok: true, format: "cloud-config", provider: "openstack", size: { counts: "base64", limit: 65535, fits: true } });
    expect(out.config.startsWith("#cloud-config\n")).toBe(true);
    const { dir, name } = yamlFile(`sshAuthorizedKeys: "${ED25519}"\n`);
    const bad = await runCli(["config", "render", "--format", "ignition", "--json", name], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toEqual({
      ok: false,
      problems: [{ code: "wrong-type", path: "sshAuthorizedKeys", value: expect.any(String), message: "expected a list, got a string", file: "m.yaml", line: 1 }],
    });
  });

  it("refuses cloud-config for Fedora CoreOS", async () => {
    const { dir, name } = yamlFile("os: fedora-coreos\n");
    const r = await runCli(["config", "render", "--format", "cloud-config", name], { cwd: dir });
    expect(r).toMatchObject({ code: 1, stderr: "m.yaml:1: os: unsupported: Fedora CoreOS boots from Ignition only; render this machine with --format ignition\n" });
  });

  it.each([
    [["config", "render", EXAMPLE], /--format is required: one of cloud-config, ignition/],
    [["config", "render", "--format", "json", EXAMPLE], /--format "json" is not one of cloud-config, ignition/],
    [["config", "render", "--format", "ignition", "--provider", "gcp", EXAMPLE], /--provider "gcp" is not one of aws, digitalocean/],
    [["config", "render", "--format", "ignition"], /expected one MACHINE\.yaml, got 0/],
    [["config", "render", "--format", "ignition", EXAMPLE, EXAMPLE], /got 2/],
    [["config", "render", "--format", "ignition", "--colour", EXAMPLE], /Unknown option '--colour'/],
  ])("usage errors exit 1: %p", async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("Usage: hafen config render");
  });

  it("names a file it cannot read", async () => {
    const r = await runCli(["config", "render", "--format", "ignition", "/nonexistent/m.yaml"]);
    expect(r).toMatchObject({ code: 1, stderr: "/nonexistent/m.yaml: (document): syntax: cannot read /nonexistent/m.yaml: ENOENT\n" });
  });

  it("works from the built binary", () => {
    const r = runBin(["config", "render", "--format", "ignition", "--provider", "aws", EXAMPLE]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).ignition.version).toBe("3.3.0");
    expect(runBin(["config", "render", "--format", "ignition", "/nonexistent.yaml"]).code).toBe(1);
  });
});
