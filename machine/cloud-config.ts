// Machine → cloud-config in the dialect of Flatcar's coreos-cloudinit
// (github.com/flatcar/coreos-cloudinit, config/*.go). Only keys it reads without a
// warning: hostname, ssh_authorized_keys, users, write_files, coreos.units — never
// coreos.fleet/etcd/etcd2 (deprecated there). Keys are spelt with "_" (drop_ins): since
// Flatcar moved to yaml.v3 (commit 1bbfd30, 2024) "drop-ins" is silently ignored.
// `$private_ipv4`-style variables stay literal for the machine to substitute.
import { stringify } from "yaml";
import { formatMode } from "./checks";
import { cloudContent } from "./content";
import { expandMachine, type ExpandedMachine } from "./expand";
import { FETCH_FILES_DESCRIPTION, FETCH_FILES_UNIT, fetchUnitContents, type FetchEntry } from "./fetch-unit";
import { inlineBytes, type FileSpec, type Machine, type UnitSpec, type User } from "./model";
import { fail, ok, type MachineProblem, type Result } from "./problems";

export const CLOUD_CONFIG_HEADER = "#cloud-config";

function userEntry(u: User): Record<string, unknown> {
  return {
    name: u.name,
    ...(u.passwordHash !== undefined && { passwd: u.passwordHash }),
    ...(u.groups.length > 0 && { groups: [...u.groups] }),
    ...(u.sshAuthorizedKeys.length > 0 && { ssh_authorized_keys: [...u.sshAuthorizedKeys] }),
    ...(u.homeDir !== undefined && { homedir: u.homeDir }),
    ...(u.shell !== undefined && { shell: u.shell }),
    ...(u.system && { system: true }),
  };
}

/** chown's OWNER[:GROUP] / :GROUP form, which coreos-cloudinit passes to chown. */
export function ownerString(f: Pick<FileSpec, "owner" | "group">): string | undefined {
  if (f.owner === undefined && f.group === undefined) return undefined;
  return `${f.owner ?? ""}${f.group !== undefined ? `:${f.group}` : ""}`;
}

function fileEntry(f: FileSpec, bytes: Uint8Array): Record<string, unknown> {
  const c = cloudContent(bytes);
  const owner = ownerString(f);
  return {
    path: f.path,
    permissions: formatMode(f.mode),
    ...(owner !== undefined && { owner }),
    ...(c.encoding !== "plain" && { encoding: c.encoding }),
    content: c.content,
  };
}

function unitEntry(u: UnitSpec): Record<string, unknown> {
  return {
    name: u.name,
    ...(u.command !== undefined && { command: u.command }),
    ...(u.enable && { enable: true }),
    ...(u.runtime && { runtime: true }),
    ...(u.mask && { mask: true }),
    ...(u.contents !== undefined && { content: u.contents }),
    ...(u.dropIns.length > 0 && { drop_ins: u.dropIns.map((d) => ({ name: d.name, content: d.contents })) }),
  };
}

function fetchUnit(entries: FetchEntry[]): UnitSpec {
  return {
    name: FETCH_FILES_UNIT,
    contents: fetchUnitContents(FETCH_FILES_DESCRIPTION, entries),
    command: "start",
    enable: true,
    runtime: false,
    mask: false,
    dropIns: [],
  };
}

/** The cloud-config text of an already expanded machine (no OS check). */
export function cloudConfigText(x: ExpandedMachine): string {
  const writeFiles: Record<string, unknown>[] = [];
  const fetched: FetchEntry[] = [];
  x.files.forEach((f, index) => {
    const bytes = inlineBytes(f.contents);
    if (bytes) writeFiles.push(fileEntry(f, bytes));
    else if (f.contents.source === "url") {
      const { url, sha256 } = f.contents;
      fetched.push({ index, path: f.path, url, sha256, mode: f.mode, ...(f.owner && { owner: f.owner }), ...(f.group && { group: f.group }) });
    }
  });
  const units = [...(fetched.length ? [fetchUnit(fetched)] : []), ...x.units];
  const doc: Record<string, unknown> = {
    ...(x.hostname !== undefined && { hostname: x.hostname }),
    ...(x.sshAuthorizedKeys.length > 0 && { ssh_authorized_keys: [...x.sshAuthorizedKeys] }),
    ...(x.users.length > 0 && { users: x.users.map(userEntry) }),
    ...(writeFiles.length > 0 && { write_files: writeFiles }),
    ...(units.length > 0 && { coreos: { units: units.map(unitEntry) } }),
  };
  // YAML 1.1 output quotes every string a 1.1 parser (Go's yaml) might read as a
  // number or boolean ("0644", "yes", "on").
  const body = Object.keys(doc).length ? stringify(doc, { version: "1.1", lineWidth: 0, blockQuote: "literal", aliasDuplicateObjects: false }) : "";
  return `${CLOUD_CONFIG_HEADER}\n${body}`;
}

/** Fedora CoreOS has no coreos-cloudinit; undefined when the OS reads cloud-config. */
export function cloudConfigOsProblem(m: Machine): MachineProblem | undefined {
  return m.os === "fedora-coreos"
    ? { code: "unsupported", at: ["os"], value: '"fedora-coreos"', message: "Fedora CoreOS boots from Ignition only; render this machine with --format ignition" }
    : undefined;
}

/** Renders a machine's cloud-config. */
export function renderCloudConfig(m: Machine): Result<string> {
  const bad = cloudConfigOsProblem(m);
  return bad ? fail([bad]) : ok(cloudConfigText(expandMachine(m)));
}
