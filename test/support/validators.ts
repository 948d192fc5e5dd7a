// Wrappers around the real validators the suite runs rendered output through:
// `ignition-validate` (Debian's ignition 2.14) and `systemd-analyze verify`.
//
// Both report problems in their output while exiting 0 (ignition-validate for
// warnings, systemd-analyze for unknown keys and sections), so a result is `ok` only
// when the exit code is 0 AND nothing was printed.
//
// systemd-analyze exits 1 for units whose binaries or dependencies are missing, and
// there is no systemd running here; so units are verified in a scratch root
// (`--root=`) that holds the units under /etc/systemd/system, stub executables for
// every absolute path the Exec*= lines name, and stub units for every unit they
// reference (plus the default dependencies sysinit/basic/shutdown.target).
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tempDir } from "./tmp";

export interface ValidatorResult {
  readonly ok: boolean;
  readonly exitCode: number;
  /** Non-empty output lines: each is a finding (or an error). */
  readonly findings: readonly string[];
}

const TIMEOUT_MS = 20000;

function run(cmd: string, args: string[]): ValidatorResult {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: TIMEOUT_MS, env: { ...process.env, SYSTEMD_COLORS: "0", SYSTEMD_PAGER: "" } });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message} (is it installed? .ci/run installs it)`);
  const findings = `${r.stdout ?? ""}\n${r.stderr ?? ""}`.split("\n").map((l) => l.trim()).filter(Boolean);
  const exitCode = r.status ?? 1;
  return { ok: exitCode === 0 && findings.length === 0, exitCode, findings };
}

/** Runs `ignition-validate` on a config text. */
export function ignitionValidate(config: string): ValidatorResult {
  const file = join(tempDir("hafen-ign-"), "config.ign");
  writeFileSync(file, config);
  return run("ignition-validate", [file]);
}

export interface UnitToVerify {
  readonly name: string;
  readonly contents: string;
  readonly dropIns?: readonly { readonly name: string; readonly contents: string }[];
}

const EXEC_KEYS = /^(ExecStart|ExecStartPre|ExecStartPost|ExecStop|ExecStopPost|ExecReload|ExecCondition)=(.*)$/;
const DEP_KEYS = /^(After|Before|Requires|Wants|BindsTo|PartOf|Requisite|Upholds|Conflicts|OnFailure|WantedBy|RequiredBy|Also)=(.*)$/;
const DEFAULT_DEPS = ["sysinit.target", "basic.target", "shutdown.target"];

/** Absolute executables named by Exec*= lines (after systemd's -@:+! prefixes). */
export function referencedExecutables(text: string): string[] {
  const out = new Set<string>();
  for (const line of text.split("\n")) {
    const m = EXEC_KEYS.exec(line.trim());
    const cmd = m?.[2]!.trim().replace(/^[-@:+!|]+/, "").split(/\s+/)[0];
    if (cmd?.startsWith("/")) out.add(cmd);
  }
  return [...out];
}

/** Unit names on dependency lines. */
export function referencedUnits(text: string): string[] {
  const out = new Set<string>();
  for (const line of text.split("\n")) {
    const m = DEP_KEYS.exec(line.trim());
    for (const name of m?.[2]!.split(/\s+/).filter(Boolean) ?? []) out.add(name);
  }
  return [...out];
}

function stubUnit(name: string): string {
  if (name.endsWith(".service")) return "[Unit]\nDescription=stub\n\n[Service]\nType=oneshot\nExecStart=/bin/true\n";
  return "[Unit]\nDescription=stub\n";
}

function writeExecutable(path: string): void {
  // A path ending in "/" names a directory, which systemd refuses as an executable on
  // its own; leave it out so the verdict is systemd's, not an EISDIR of ours.
  if (path.endsWith("/")) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, "#!/bin/sh\nexit 0\n");
  chmodSync(path, 0o755);
}

/** Lays out a scratch root for `units` and runs `systemd-analyze verify` on them. */
export function systemdVerify(units: readonly UnitToVerify[]): ValidatorResult {
  const root = tempDir("hafen-verify-");
  const etc = join(root, "etc/systemd/system");
  const lib = join(root, "usr/lib/systemd/system");
  mkdirSync(etc, { recursive: true });
  mkdirSync(lib, { recursive: true });
  const texts: string[] = [];
  for (const u of units) {
    writeFileSync(join(etc, u.name), u.contents);
    texts.push(u.contents);
    for (const d of u.dropIns ?? []) {
      mkdirSync(join(etc, `${u.name}.d`), { recursive: true });
      writeFileSync(join(etc, `${u.name}.d`, d.name), d.contents);
      texts.push(d.contents);
    }
  }
  const all = texts.join("\n");
  for (const exe of ["/bin/true", ...referencedExecutables(all)]) writeExecutable(join(root, exe));
  const own = new Set(units.map((u) => u.name));
  for (const dep of [...DEFAULT_DEPS, ...referencedUnits(all)]) {
    if (!own.has(dep)) writeFileSync(join(lib, dep), stubUnit(dep));
  }
  return run("systemd-analyze", ["verify", `--root=${root}`, "--man=no", ...units.map((u) => u.name)]);
}
