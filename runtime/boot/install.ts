// The Flatcar installer config: what a Flatcar PXE (live) system boots with when its
// profile installs to disk. One oneshot unit fetches the machine's real config from this
// service and runs flatcar-install with it (-i Ignition / -c cloud-config), then
// reboots into the installed system. Fedora CoreOS needs none of this: its live image
// runs coreos-installer itself from coreos.inst.* kernel arguments.
import { loadMachine, render } from "../../machine";
import type { FlatcarInstall, Profile } from "./model";

export const INSTALL_UNIT = "hafen-install.service";
const DOWNLOADED = "/run/hafen-install/config";

/** systemd reads `%` as a specifier prefix in ExecStart; the URL's percent-escapes are doubled. */
function unitWord(text: string): string {
  return `"${text.replace(/%/g, "%%")}"`;
}

export function installUnit(install: FlatcarInstall, format: Profile["format"], configUrl: string): string {
  const flags = [
    `-d ${unitWord(install.disk)}`,
    `${format === "ignition" ? "-i" : "-c"} ${DOWNLOADED}`,
    ...(install.channel ? [`-C ${install.channel}`] : []),
    ...(install.version ? [`-V ${install.version}`] : []),
    ...(install.baseUrl ? [`-b ${unitWord(install.baseUrl)}`] : []),
  ];
  return [
    "[Unit]",
    `Description=Install Flatcar Container Linux to ${install.disk} (Hafen boot service)`,
    "Wants=network-online.target",
    "After=network-online.target",
    "",
    "[Service]",
    "Type=oneshot",
    "RuntimeDirectory=hafen-install",
    `ExecStart=/usr/bin/curl --fail --silent --show-error --location --retry 10 --retry-connrefused --output ${DOWNLOADED} ${unitWord(configUrl)}`,
    `ExecStart=/usr/bin/flatcar-install ${flags.join(" ")}`,
    "ExecStart=/usr/bin/systemctl reboot",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}

/** The installer's Ignition config, rendered by the machine renderer like any other. */
export function installerConfig(install: FlatcarInstall, format: Profile["format"], configUrl: string): string {
  const m = loadMachine({
    os: "flatcar",
    units: [{ name: INSTALL_UNIT, enable: true, command: "start", contents: installUnit(install, format, configUrl) }],
  });
  if (!m.ok) throw new Error(`installer machine is invalid: ${m.problems.map((p) => p.message).join("; ")}`);
  const r = render(m.value, { format: "ignition", provider: "baremetal" });
  if (!r.ok) throw new Error(`installer config cannot be rendered: ${r.problems.map((p) => p.message).join("; ")}`);
  return r.value.text;
}
