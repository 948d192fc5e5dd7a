// Machine → Ignition config, spec 3.3.0 (the newest Debian's ignition-validate 2.14
// accepts; Fedora CoreOS and current Flatcar boot it). Differences from cloud-config,
// by Ignition's design:
// - Ignition runs once, on first boot, before systemd starts units. A unit is started
//   by enabling it (`enabled: true`, needs an [Install] section); `command: start`,
//   `restart` and `reload-or-restart` therefore mean "enabled", while `stop`, `reload`,
//   `try-restart` and `reload-or-try-restart` have nothing to act on and render nothing.
// - Ignition has no runtime units; `runtime: true` units are written persistently.
// - There is no `$private_ipv4` substitution: configs that use it are refused (the
//   runtime finds its own addresses; units can read /run/metadata/* instead).
// - The hostname is the file /etc/hostname.
// - Spec 3.3.0 has no setuid/setgid/sticky bits (found by the property test:
//   ignition-validate warns), so such modes are refused.
import { ignitionContent, SUBSTITUTIONS } from "./content";
import { expandMachine, type ExpandedMachine } from "./expand";
import { inlineBytes, type FileSpec, type Machine, type UnitSpec, type User } from "./model";
import { fail, ok, Problems, type Result } from "./problems";
import { hasInstallSection } from "./unit-text";

export const IGNITION_VERSION = "3.3.0";
const STARTING = new Set(["start", "restart", "reload-or-restart"]);

interface IgnUser {
  name: string;
  sshAuthorizedKeys?: string[];
  passwordHash?: string;
  groups?: string[];
  homeDir?: string;
  shell?: string;
  system?: boolean;
}

function ignUser(u: User, extraKeys: readonly string[] = []): IgnUser {
  const keys = [...extraKeys, ...u.sshAuthorizedKeys];
  return {
    name: u.name,
    ...(keys.length > 0 && { sshAuthorizedKeys: keys }),
    ...(u.passwordHash !== undefined && { passwordHash: u.passwordHash }),
    ...(u.groups.length > 0 && { groups: [...u.groups] }),
    ...(u.homeDir !== undefined && { homeDir: u.homeDir }),
    ...(u.shell !== undefined && { shell: u.shell }),
    ...(u.system && { system: true }),
  };
}

/** The top-level keys belong to `core`; merged into a listed `core` user if there is one. */
function users(x: ExpandedMachine): IgnUser[] {
  const out = x.users.map((u) => ignUser(u, u.name === "core" ? x.sshAuthorizedKeys : []));
  if (x.sshAuthorizedKeys.length && !x.users.some((u) => u.name === "core")) {
    out.unshift({ name: "core", sshAuthorizedKeys: [...x.sshAuthorizedKeys] });
  }
  return out;
}

function file(f: FileSpec): Record<string, unknown> {
  const bytes = inlineBytes(f.contents);
  const contents =
    bytes !== undefined
      ? ignitionContent(bytes)
      : f.contents.source === "url"
        ? { source: f.contents.url, verification: { hash: `sha256-${f.contents.sha256}` } }
        : {};
  return {
    path: f.path,
    overwrite: true,
    mode: f.mode,
    ...(f.owner !== undefined && { user: { name: f.owner } }),
    ...(f.group !== undefined && { group: { name: f.group } }),
    contents,
  };
}

function unit(u: UnitSpec): Record<string, unknown> {
  const enabled = u.enable || (u.command !== undefined && STARTING.has(u.command));
  return {
    name: u.name,
    ...(enabled && { enabled: true }),
    ...(u.mask && { mask: true }),
    ...(u.contents !== undefined && { contents: u.contents }),
    ...(u.dropIns.length > 0 && { dropins: u.dropIns.map((d) => ({ name: d.name, contents: d.contents })) }),
  };
}

/** What Ignition 3.3.0 cannot express: starting a unit that has no [Install],
 *  substitutions, special mode bits. */
function check(x: ExpandedMachine): Problems {
  const p = new Problems();
  const subst = (text: string) => SUBSTITUTIONS.find((s) => text.includes(s));
  x.units.forEach((u, i) => {
    if (u.command && STARTING.has(u.command) && !u.enable && u.contents !== undefined && !hasInstallSection(u.contents)) {
      p.add("unsupported", ["units", i, "command"], u.command, "Ignition starts units only by enabling them; add an [Install] section (WantedBy=multi-user.target) to the contents");
    }
    const texts: [string, (string | number)[]][] = [[u.contents ?? "", ["units", i, "contents"]], ...u.dropIns.map((d, j): [string, (string | number)[]] => [d.contents, ["units", i, "dropIns", j, "contents"]])];
    for (const [text, at] of texts) {
      const s = subst(text);
      if (s) p.add("unsupported", at, s, `Ignition does not substitute ${s} (only cloud-config does); read the address at run time, e.g. from /run/metadata/flatcar or the runtime`);
    }
  });
  x.files.forEach((f, i) => {
    if (f.mode > 0o777) {
      p.add("unsupported", ["files", i, "mode"], `0${f.mode.toString(8)}`, `Ignition spec ${IGNITION_VERSION} ignores setuid/setgid/sticky bits (spec 3.4.0 has them; Debian's ignition-validate refuses 3.4.0); use a mode up to 0777`);
    }
    const s = f.contents.source === "text" ? subst(f.contents.text) : undefined;
    if (s) p.add("unsupported", ["files", i, "contents", "text"], s, `Ignition does not substitute ${s} (only cloud-config does)`);
  });
  return p;
}

/** The Ignition JSON (compact) of an already expanded machine, or what it cannot express. */
export function ignitionText(x: ExpandedMachine): Result<string> {
  const p = check(x);
  if (!p.empty) return fail(p.list);
  const files = x.files.map(file);
  if (x.hostname !== undefined) {
    files.unshift({ path: "/etc/hostname", overwrite: true, mode: 0o644, contents: ignitionContent(Buffer.from(`${x.hostname}\n`)) });
  }
  const u = users(x);
  const config = {
    ignition: { version: IGNITION_VERSION },
    ...(u.length > 0 && { passwd: { users: u } }),
    ...(files.length > 0 && { storage: { files } }),
    ...(x.units.length > 0 && { systemd: { units: x.units.map(unit) } }),
  };
  return ok(JSON.stringify(config));
}

export function renderIgnition(m: Machine): Result<string> {
  return ignitionText(expandMachine(m));
}

/**
 * A small config that makes Ignition fetch the real one from `url` and verify it —
 * the remedy when a config is over a provider's user-data limit.
 */
export function ignitionPointer(url: string, sha256: string): string {
  return JSON.stringify({ ignition: { version: IGNITION_VERSION, config: { replace: { source: url, verification: { hash: `sha256-${sha256}` } } } } });
}
