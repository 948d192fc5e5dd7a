// The machine answers as pure functions of a data snapshot: which script and config each
// machine gets, for each OS, format and install choice — checked with the real
// validators (ignition-validate, systemd-analyze verify) where they apply.
import fc from "fast-check";
import { parse as parseYaml } from "yaml";
import { answerMachine, buildDataSet, installUnit, type BootData, type SourceDoc } from "../../../runtime/boot";
import { ignitionValidate, systemdVerify } from "../../support/validators";
import { parseScript } from "./ipxe-client";
import { fcosProfile, FCOS_IMAGES, FLATCAR_IMAGES, flatcarProfile, KEY } from "./fixtures";

const BASE = "http://boot.test:7483";

function data(groups: Record<string, Record<string, unknown>>, profiles: Record<string, Record<string, unknown>>): BootData {
  const docs: SourceDoc[] = [
    ...Object.entries(groups).map(([name, value]) => ({ kind: "group" as const, name, file: `groups/${name}.json`, value })),
    ...Object.entries(profiles).map(([name, value]) => ({ kind: "profile" as const, name, file: `profiles/${name}.json`, value })),
  ];
  const r = buildDataSet(docs, undefined);
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join("\n"));
  return r.data;
}

const get = (d: BootData, path: "/ipxe" | "/config" | "/metadata" | "/boot.ipxe", q: string) => answerMachine(d, BASE, path, q);

test("Flatcar live with Ignition: documented PXE arguments, the config URL carries the machine's selectors", () => {
  const d = data({ n1: { profile: "fl", selector: { mac: "52:54:00:00:00:01" }, metadata: { name: "n1" } } }, { fl: flatcarProfile() });
  const a = get(d, "/ipxe", "mac=52-54-00-00-00-01&uuid=&hostname=&serial=");
  expect(a.status).toBe(200);
  const s = parseScript(a.body);
  expect(s).toEqual({
    kernel: FLATCAR_IMAGES.kernel.url,
    args: ["initrd=main", "flatcar.first_boot=1", `ignition.config.url=${BASE}/config?mac=52-54-00-00-00-01`, "console=ttyS0,115200n8"],
    initrds: [{ name: "main", url: FLATCAR_IMAGES.initrd[0]!.url }],
    boots: true,
  });
  const cfg = get(d, "/config", "mac=52-54-00-00-00-01");
  expect(cfg.status).toBe(200);
  expect(JSON.parse(cfg.body)).toMatchObject({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/etc/hostname" }] } });
  expect(ignitionValidate(cfg.body)).toEqual({ ok: true, exitCode: 0, findings: [] });
});

test("Flatcar live with cloud-config uses cloud-config-url (coreos-cloudinit --from-proc-cmdline)", () => {
  const d = data({ n1: { profile: "fc", selector: { uuid: "4c4c4544-0042-3510-8052-b4c04f4b4e31" }, metadata: { name: "n1" } } }, { fc: flatcarProfile({ format: "cloud-config" }) });
  const s = parseScript(get(d, "/ipxe", "uuid=4C4C4544-0042-3510-8052-B4C04F4B4E31").body);
  expect(s.args).toEqual(["initrd=main", `cloud-config-url=${BASE}/config?uuid=4c4c4544-0042-3510-8052-b4c04f4b4e31`, "console=ttyS0,115200n8"]);
  const cfg = get(d, "/config", "uuid=4c4c4544-0042-3510-8052-b4c04f4b4e31");
  expect(cfg.body).toBe(`#cloud-config\nhostname: n1\nssh_authorized_keys:\n  - ${KEY}\n`);
});

test("Flatcar install: the live system gets an installer config that runs flatcar-install with the real config", () => {
  const install = { disk: "/dev/disk/by-id/wwn-0x5000c500a0b1c2d3", channel: "stable", version: "3975.2.0" };
  const d = data({ n1: { profile: "fi", selector: { mac: "52:54:00:00:00:01", serial: "SN 12/3" }, metadata: { name: "n1" } } }, { fi: flatcarProfile({ install }) });
  const s = parseScript(get(d, "/ipxe", "mac=52-54-00-00-00-01&serial=SN%2012/3").body);
  const finalUrl = `${BASE}/config?mac=52-54-00-00-00-01&serial=SN%2012%2F3`;
  expect(s.args).toEqual(["initrd=main", "flatcar.first_boot=1", `ignition.config.url=${finalUrl}&stage=install`, "console=ttyS0,115200n8"]);
  const installer = get(d, "/config", `${finalUrl.split("?")[1]}&stage=install`);
  expect(installer.status).toBe(200);
  expect(ignitionValidate(installer.body).ok).toBe(true);
  const unit = (JSON.parse(installer.body) as { systemd: { units: { name: string; enabled: boolean; contents: string }[] } }).systemd.units[0]!;
  expect(unit).toMatchObject({ name: "hafen-install.service", enabled: true });
  expect(unit.contents).toContain(`--output /run/hafen-install/config "${finalUrl.replace(/%/g, "%%")}"`);
  expect(unit.contents).toContain(`ExecStart=/usr/bin/flatcar-install -d "${install.disk}" -i /run/hafen-install/config -C stable -V 3975.2.0`);
  expect(systemdVerify([{ name: unit.name, contents: unit.contents }])).toEqual({ ok: true, exitCode: 0, findings: [] });
  // The final config is the machine's own, served to flatcar-install by the same URL.
  expect(JSON.parse(get(d, "/config", finalUrl.split("?")[1]!).body)).toMatchObject({ ignition: { version: "3.3.0" } });
});

test("the installer unit escapes % for systemd and verifies for cloud-config installs with a mirror", () => {
  const text = installUnit({ disk: "/dev/sda", baseUrl: "https://mirror.example/flatcar/" }, "cloud-config", `${BASE}/config?serial=A%20B`);
  expect(text).toContain('"http://boot.test:7483/config?serial=A%%20B"');
  expect(text).toContain('ExecStart=/usr/bin/flatcar-install -d "/dev/sda" -c /run/hafen-install/config -b "https://mirror.example/flatcar/"');
  expect(systemdVerify([{ name: "hafen-install.service", contents: text }]).ok).toBe(true);
});

test("Fedora CoreOS live and install use the documented coreos.live / coreos.inst arguments", () => {
  const d = data(
    { live: { profile: "live", selector: { mac: "52:54:00:00:00:01" } }, inst: { profile: "inst", selector: { mac: "52:54:00:00:00:02" } } },
    { live: fcosProfile(), inst: fcosProfile({ install: { disk: "/dev/nvme0n1" } }) },
  );
  const live = parseScript(get(d, "/ipxe", "mac=52-54-00-00-00-01").body);
  expect(live.args).toEqual([
    "initrd=main",
    `coreos.live.rootfs_url=${FCOS_IMAGES.rootfs.url}`,
    "ignition.firstboot",
    "ignition.platform.id=metal",
    `ignition.config.url=${BASE}/config?mac=52-54-00-00-00-01`,
  ]);
  const inst = parseScript(get(d, "/ipxe", "mac=52-54-00-00-00-02").body);
  expect(inst.args).toEqual(["initrd=main", `coreos.live.rootfs_url=${FCOS_IMAGES.rootfs.url}`, "coreos.inst.install_dev=/dev/nvme0n1", `coreos.inst.ignition_url=${BASE}/config?mac=52-54-00-00-00-02`]);
  const cfg = get(d, "/config", "mac=52-54-00-00-00-02");
  expect(ignitionValidate(cfg.body).ok).toBe(true);
  expect(get(d, "/config", "mac=52-54-00-00-00-02&stage=install")).toMatchObject({ status: 404, body: expect.stringContaining("has no installer stage") });
});

test("cached assets are served from /assets/ and several initrds get their own names", () => {
  const p = flatcarProfile() as { boot: Record<string, unknown> };
  const docs: SourceDoc[] = [
    { kind: "group", name: "g", file: "groups/g.json", value: { profile: "p", metadata: { name: "x" } } },
    { kind: "profile", name: "p", file: "profiles/p.json", value: { ...p, boot: { ...p.boot, kernel: { asset: "fl/k", sha256: "1".repeat(64) }, initrd: [{ asset: "fl/i", sha256: "2".repeat(64) }, { url: "https://example.net/oem.cpio.gz", sha256: "3".repeat(64) }] } } },
  ];
  const r = buildDataSet(docs, new Map([["fl/k", { sha256: "1".repeat(64) }], ["fl/i", { sha256: "2".repeat(64) }]]));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const s = parseScript(answerMachine(r.data, BASE, "/ipxe", "").body);
  expect(s.kernel).toBe(`${BASE}/assets/fl/k`);
  expect(s.args.slice(0, 2)).toEqual(["initrd=main", "initrd=initrd1"]);
  expect(s.initrds).toEqual([{ name: "main", url: `${BASE}/assets/fl/i` }, { name: "initrd1", url: "https://example.net/oem.cpio.gz" }]);
});

test("variables take the machine's values; unsafe or missing values are a 400, never substituted", () => {
  const machine = { hostname: "{{boot.hostname}}", files: [{ path: "/etc/boot.env", contents: { text: "SERIAL={{boot.serial}}\nMAC={{boot.mac}}\nRACK={{boot.metadata.rack}}\n" } }] };
  const d = data({ d: { profile: "p", metadata: { rack: "r1" } } }, { p: flatcarProfile({ format: "cloud-config", machine }) });
  const cfg = get(d, "/config", "mac=52-54-00-00-00-01&hostname=Node-7&serial=SN-1");
  expect(cfg.status).toBe(200);
  expect(cfg.body).toContain("hostname: node-7\n");
  expect(cfg.body).toContain("      SERIAL=SN-1\n      MAC=52:54:00:00:00:01\n      RACK=r1\n");
  const unsafe = get(d, "/config", "mac=52-54-00-00-00-01&hostname=n&serial=x%0Ay");
  expect(unsafe.status).toBe(400);
  const quote = get(d, "/config", `mac=52-54-00-00-00-01&hostname=n&serial=${encodeURIComponent('a"; rm -rf /')}`);
  expect(quote).toMatchObject({ status: 400, body: "profile p uses {{boot.serial}}, which has a value with characters other than letters, digits and . _ : @ + , = / -\n" });
  expect(get(d, "/config", "mac=52-54-00-00-00-01&serial=S1")).toMatchObject({ status: 400, body: "profile p uses {{boot.hostname}}, which has no value for this machine\n" });
});

test("/metadata lists the group, the machine's values and the group metadata as KEY=VALUE", () => {
  const d = data({ g: { profile: "p", selector: { mac: "52:54:00:00:00:01" }, metadata: { name: "n1", rack: "a" } } }, { p: flatcarProfile() });
  expect(get(d, "/metadata", "mac=52-54-00-00-00-01&serial=To%20Be%20Filled").body).toBe(
    "HAFEN_GROUP=g\nHAFEN_PROFILE=p\nHAFEN_MAC=52:54:00:00:00:01\n# HAFEN_SERIAL left out: its value has characters outside the safe set\nNAME=n1\nRACK=a\n",
  );
});

test("unknown machines get 404 without any config; bad queries get 400", () => {
  const d = data({ g: { profile: "p", selector: { mac: "52:54:00:00:00:01" }, metadata: { name: "n1" } } }, { p: flatcarProfile() });
  for (const path of ["/ipxe", "/config", "/metadata"] as const) {
    const a = get(d, path, "mac=52-54-00-00-00-02&uuid=&hostname=&serial=");
    expect(a).toEqual({ status: 404, contentType: "text/plain; charset=utf-8", body: 'no group matches this machine (mac="52:54:00:00:00:02") and there is no default group\n' });
    expect(get(d, path, "")).toMatchObject({ status: 404, body: expect.stringContaining("(no identifying values)") });
  }
  expect(get(d, "/ipxe", "mac=52-54-00-00-00-01&stage=install")).toMatchObject({ status: 400 });
  expect(get(d, "/config", "mac=52-54-00-00-00-01&stage=final")).toMatchObject({ status: 400, body: 'bad request: stage "final"; the only stage is "install"\n' });
});

test("no reported value can change a config's structure: it is substituted verbatim or refused", () => {
  const machine = { hostname: "n1", files: [{ path: "/etc/boot.env", contents: { text: "SERIAL={{boot.serial}}\n" } }] };
  const d = data({ d: { profile: "p" } }, { p: flatcarProfile({ format: "cloud-config", machine }) });
  const seen = { 200: 0, 400: 0 };
  const serials = fc.oneof(fc.string({ minLength: 1, maxLength: 40, unit: "binary-ascii" }), fc.stringMatching(/^[A-Za-z0-9._:@+,=/-]{1,40}$/));
  fc.assert(
    fc.property(serials, (serial) => {
      const a = get(d, "/config", `mac=52-54-00-00-00-01&serial=${encodeURIComponent(serial)}`);
      const trimmed = serial.trim();
      seen[a.status as 200 | 400]++;
      if (a.status !== 200) return expect(a.status).toBe(400);
      const doc = parseYaml(a.body) as { write_files: { path: string; content: string }[] } & Record<string, unknown>;
      expect(Object.keys(doc).sort()).toEqual(["hostname", "write_files"]);
      expect(doc.write_files).toEqual([{ path: "/etc/boot.env", permissions: "0644", content: `SERIAL=${trimmed}\n` }]);
    }),
    { numRuns: 300 },
  );
  expect(seen[200]).toBeGreaterThan(50);
  expect(seen[400]).toBeGreaterThan(50);
});
