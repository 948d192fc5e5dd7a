// iPXE scripts, as pure text. `/boot.ipxe` is the same for every machine: it chains to
// `/ipxe` with the identity iPXE knows (MAC in hexhyp form, SMBIOS UUID and serial, DHCP
// host name; free-text settings URI-encoded with :uristring). `/ipxe` answers the
// machine's own script: kernel with the OS's documented PXE arguments, initrds, boot.
//   Flatcar:  flatcar.first_boot=1 ignition.config.url=URL   (Ignition)
//             cloud-config-url=URL                            (coreos-cloudinit --from-proc-cmdline)
//             install: the live system runs flatcar-install from a generated Ignition config
//   Fedora CoreOS: coreos.live.rootfs_url=URL ignition.firstboot ignition.platform.id=metal
//             ignition.config.url=URL; install: coreos.inst.install_dev + coreos.inst.ignition_url
import type { Profile, ImageRef } from "./model";

/** Linux's COMMAND_LINE_SIZE on x86; longer command lines are cut. */
export const MAX_CMDLINE = 2048;

export function chainScript(base: string): string {
  const query = "mac=${mac:hexhyp}&uuid=${uuid}&hostname=${hostname:uristring}&serial=${serial:uristring}";
  return [
    "#!ipxe",
    "# Hafen boot service: fetch this machine's own script, chosen by its MAC, UUID, host name and serial.",
    `chain ${base}/ipxe?${query}`,
    "",
  ].join("\n");
}

export function imageUrl(base: string, ref: ImageRef): string {
  switch (ref.source) {
    case "url":
      return ref.url;
    case "asset":
      return `${base}/assets/${ref.path}`;
    default: {
      const _never: never = ref;
      return _never;
    }
  }
}

export interface ScriptInput {
  readonly base: string;
  readonly group: string;
  readonly profile: Profile;
  /** The profile's own arguments with variables already substituted. */
  readonly args: readonly string[];
  /** `/config?<this machine's selectors>` */
  readonly configUrl: string;
}

/** The arguments the service adds for the profile's OS, format and install choice. */
export function generatedArgs(x: ScriptInput): string[] {
  const boot = x.profile.boot;
  switch (boot.os) {
    case "flatcar":
      if (boot.install) return ["flatcar.first_boot=1", `ignition.config.url=${x.configUrl}&stage=install`];
      return x.profile.format === "ignition" ? ["flatcar.first_boot=1", `ignition.config.url=${x.configUrl}`] : [`cloud-config-url=${x.configUrl}`];
    case "fedora-coreos": {
      const rootfs = `coreos.live.rootfs_url=${imageUrl(x.base, boot.rootfs)}`;
      if (boot.install) return [rootfs, `coreos.inst.install_dev=${boot.install.disk}`, `coreos.inst.ignition_url=${x.configUrl}`];
      return [rootfs, "ignition.firstboot", "ignition.platform.id=metal", `ignition.config.url=${x.configUrl}`];
    }
    default: {
      const _never: never = boot;
      return _never;
    }
  }
}

export type ScriptResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly message: string };

export function machineScript(x: ScriptInput): ScriptResult {
  const boot = x.profile.boot;
  const names = boot.initrd.map((_, i) => (i === 0 ? "main" : `initrd${i}`));
  const cmdline = [...names.map((n) => `initrd=${n}`), ...generatedArgs(x), ...x.args].join(" ");
  if (cmdline.length > MAX_CMDLINE) {
    return { ok: false, message: `the kernel command line for profile ${x.profile.name} is ${cmdline.length} bytes; Linux takes at most ${MAX_CMDLINE} — shorten boot.args` };
  }
  const lines = [
    "#!ipxe",
    `# Hafen boot service: group ${x.group}, profile ${x.profile.name} (${boot.os}${boot.install ? `, install to ${boot.install.disk}` : ", live"})`,
    `kernel ${imageUrl(x.base, boot.kernel)} ${cmdline}`,
    ...boot.initrd.map((r, i) => `initrd --name ${names[i]} ${imageUrl(x.base, r)}`),
    "boot",
    "",
  ];
  return { ok: true, text: lines.join("\n") };
}
