// The files and units that put the Hafen runtime on a machine. One pure function,
// `hafenParts`, so cloud-config and Ignition carry identical content.
//
// Contract with the runtime (commands it must provide):
//   hafen agent    --settings FILE
//   hafen server   --settings FILE
//   hafen etcd-env --settings FILE --out ENVFILE   (creates ENVFILE's directory; writes
//       plain KEY=VALUE lines — ETCD_NAME, ETCD_DISCOVERY, ETCD_DATA_DIR, advertise and
//       listen URLs from the machine's own address — readable by both systemd's
//       EnvironmentFile= and `docker/podman run --env-file`)
import { posix } from "node:path";
import { fetchUnitContents } from "./fetch-unit";
import { settingsJson } from "./hafen";
import type { FileSpec, HafenSettings, UnitSpec } from "./model";
import { execLine, unitText, type Section } from "./unit-text";

export const SETTINGS_PATH = "/etc/hafen/machine.json";
export const SETTINGS_MODE = 0o600;
export const ETCD_ENV_PATH = "/run/hafen/etcd.env";
export const BUNDLE_PATH = "/opt/hafen/hafen.js";
/** The path the official etcd images keep their binary at. */
export const ETCD_IMAGE_BINARY = "/usr/local/bin/etcd";
export const HAFEN_UNIT_NAMES = ["hafen-fetch.service", "hafen-etcd.service", "hafen-server.service", "hafen-agent.service"] as const;
/**
 * A crashed runtime process comes back after this long. Host-launched (local) machines
 * restart within a second so a restarted server is back before agents must fence
 * (their lease TTL is a few seconds); containers get 5 s to release ports and images.
 */
const RESTART_SEC = { host: "1", container: "5" } as const;
/** Image pulls on first boot can take minutes; systemd's default 90 s is too short. */
const CONTAINER_START_TIMEOUT = "15min";

export interface HafenPartsOptions {
  /** Local machines: the directory machine paths are rebased under. */
  readonly root?: string;
}

export function rebase(root: string | undefined, path: string): string {
  return root ? posix.join(root, path) : path;
}

/** The settings as the runtime on the machine sees them: machine paths rebased. */
export function rebasedSettings(s: HafenSettings, root: string | undefined): HafenSettings {
  if (!root) return s;
  const r = (p: string) => rebase(root, p);
  return {
    ...s,
    dataDir: r(s.dataDir),
    ...(s.bootstrapTokenFile !== undefined && { bootstrapTokenFile: r(s.bootstrapTokenFile) }),
    ...(s.tls && {
      tls: {
        caFile: r(s.tls.caFile),
        ...(s.tls.certFile && { certFile: r(s.tls.certFile) }),
        ...(s.tls.keyFile && { keyFile: r(s.tls.keyFile) }),
      },
    }),
  };
}

type Sub = "agent" | "server" | "etcd-env";

interface Ctx {
  readonly s: HafenSettings;
  readonly settingsPath: string;
  readonly etcdEnv: string;
}

function enginePath(s: HafenSettings): string | undefined {
  return s.launch.style === "container" ? `/usr/bin/${s.launch.engine}` : undefined;
}

/** Files the runtime reads that live outside the directories every container mounts. */
function extraMounts(s: HafenSettings): string[] {
  const inside = (p: string) => p.startsWith("/etc/hafen/") || p.startsWith(`${s.dataDir}/`);
  const files = [s.bootstrapTokenFile, s.tls?.caFile, s.tls?.certFile, s.tls?.keyFile];
  return files.filter((f): f is string => f !== undefined && !inside(f)).flatMap((f) => ["-v", `${f}:${f}:ro`]);
}

function mounts(s: HafenSettings, sub: Sub): string[] {
  const base = ["-v", "/etc/hafen:/etc/hafen:ro", "-v", "/opt/hafen:/opt/hafen:ro"];
  switch (sub) {
    case "agent":
      // The agent drives the host's systemd (units under /run/systemd/system, the
      // D-Bus socket) and identifies the machine by /etc/machine-id, as fleet did.
      return [
        ...base,
        ...["-v", `${s.dataDir}:${s.dataDir}`, "-v", "/etc/machine-id:/etc/machine-id:ro"],
        ...["-v", "/run/systemd:/run/systemd", "-v", "/run/dbus/system_bus_socket:/run/dbus/system_bus_socket"],
        ...extraMounts(s),
      ];
    case "server":
      return [...base, "-v", `${s.dataDir}:${s.dataDir}`, ...extraMounts(s)];
    case "etcd-env":
      return [...base, "-v", "/run/hafen:/run/hafen", ...extraMounts(s)];
    default: {
      const _never: never = sub;
      return _never;
    }
  }
}

/** argv that runs `hafen <sub> --settings …` in this machine's launch style. */
/**
 * Node flags per runtime process. The agent runs on every machine and must stay small
 * (≤ 60 MB resident): a young generation of 2 MiB instead of V8's default 16 MiB costs
 * a few more scavenges and saves ~10 MB; without the optimizing compiler (--no-opt) its
 * code is never paged in and no optimized code is kept (~5 MB, measured with 200
 * units: 62 → 52 MB with --optimize-for-size's tighter heap growth), at no measurable
 * CPU cost for the agent's light, short-lived work (bench/agent-memory.ts). Without the
 * baseline compiler (--no-sparkplug) too: after 200 units stopped and started the peak
 * fell from 59.0–60.0 to 58.4–58.6 MB (idle 49.4 → 48.6), for about a fifth more agent
 * CPU over that cycle (1.8–2.0 → 2.1–2.5 s; the agent is idle otherwise). Not
 * --lite-mode: it implies --jitless, which removes WebAssembly and so breaks fetch().
 * Servers keep the defaults (throughput).
 */
function nodeFlags(sub: Sub): string[] {
  return sub === "agent" ? ["--max-semi-space-size=2", "--no-opt", "--optimize-for-size", "--no-sparkplug"] : [];
}

function runtimeArgv(c: Ctx, sub: Sub, extra: readonly string[]): string[] {
  const l = c.s.launch;
  switch (l.style) {
    case "host":
      return [l.node, ...nodeFlags(sub), l.hafen, sub, "--settings", c.settingsPath, ...extra];
    case "container":
      return [
        ...[enginePath(c.s)!, "run", "--rm", "--name", `hafen-${sub}`, "--net", "host"],
        ...mounts(c.s, sub),
        ...[l.nodeImage, "node", ...nodeFlags(sub), BUNDLE_PATH, sub, "--settings", c.settingsPath, ...extra],
      ];
    default: {
      const _never: never = l;
      return _never;
    }
  }
}

/** [Unit] dependencies shared by every runtime unit, plus `after`/`wants` extras. */
function unitSection(c: Ctx, description: string, after: string[] = [], wants: string[] = []): Section {
  const needs: string[] = [];
  if (c.s.launch.style === "container") {
    if (c.s.launch.engine === "docker") needs.push("docker.service");
    if (c.s.runtime) needs.push("hafen-fetch.service");
  }
  const entries: [string, string][] = [
    ["Description", description],
    ["Wants", ["network-online.target", ...wants].join(" ")],
    ["After", ["network-online.target", ...needs, ...after].join(" ")],
  ];
  if (needs.length) entries.push(["Requires", needs.join(" ")]);
  return ["Unit", entries];
}

const INSTALL: Section = ["Install", [["WantedBy", "multi-user.target"]]];

/** Service entries around a long-running ExecStart: `settings` first, then cleanup of
 *  a stale container, `pre` commands, stop, restart policy. */
function serviceEntries(c: Ctx, container: string, settings: [string, string][], pre: string[][], start: string[]): [string, string][] {
  const engine = enginePath(c.s);
  const out: [string, string][] = [...settings];
  if (engine) out.push(["ExecStartPre", execLine([engine, "rm", "-f", container], "-")]);
  out.push(...pre.map((argv): [string, string] => ["ExecStartPre", execLine(argv)]), ["ExecStart", execLine(start)]);
  if (engine) out.push(["ExecStop", execLine([engine, "stop", container])], ["TimeoutStartSec", CONTAINER_START_TIMEOUT]);
  out.push(["Restart", "always"], ["RestartSec", RESTART_SEC[c.s.launch.style]]);
  return out;
}

function unit(name: string, contents: string): UnitSpec {
  return { name, contents, command: "start", enable: true, runtime: false, mask: false, dropIns: [] };
}

function fetchUnit(runtime: NonNullable<HafenSettings["runtime"]>): UnitSpec {
  const entry = { path: BUNDLE_PATH, url: runtime.url, sha256: runtime.sha256, mode: 0o644 };
  return unit("hafen-fetch.service", fetchUnitContents("Fetch the Hafen runtime bundle and verify its SHA-256", [entry]));
}

function etcdUnit(c: Ctx): UnitSpec {
  const l = c.s.launch;
  const envArgv = runtimeArgv(c, "etcd-env", ["--out", c.etcdEnv]);
  const description = "Hafen etcd member (bootstraps through the discovery token)";
  switch (l.style) {
    case "host": {
      // EnvironmentFile is optional ("-") because systemd also reads it for the
      // ExecStartPre that creates it; ExecStart then sees the fresh file.
      const service = serviceEntries(c, "hafen-etcd", [["EnvironmentFile", `-${c.etcdEnv}`]], [envArgv], [l.etcd]);
      return unit("hafen-etcd.service", unitText([unitSection(c, description), ["Service", service], INSTALL]));
    }
    case "container": {
      const start = [
        ...[enginePath(c.s)!, "run", "--rm", "--name", "hafen-etcd", "--net", "host", "--env-file", c.etcdEnv],
        ...["-v", `${c.s.dataDir}:${c.s.dataDir}`, "-v", "/etc/hafen:/etc/hafen:ro", ...extraMounts(c.s)],
        ...[l.etcdImage, ETCD_IMAGE_BINARY],
      ];
      // RuntimeDirectory creates /run/hafen before the env file is written into it.
      const service = serviceEntries(c, "hafen-etcd", [["RuntimeDirectory", "hafen"]], [envArgv], start);
      return unit("hafen-etcd.service", unitText([unitSection(c, description), ["Service", service], INSTALL]));
    }
    default: {
      const _never: never = l;
      return _never;
    }
  }
}

function serverUnit(c: Ctx): UnitSpec {
  const etcd = c.s.store === "etcd" ? ["hafen-etcd.service"] : [];
  const head = unitSection(c, "Hafen API server and engine", etcd, etcd);
  const service = serviceEntries(c, "hafen-server", [], [], runtimeArgv(c, "server", []));
  return unit("hafen-server.service", unitText([head, ["Service", service], INSTALL]));
}

function agentUnit(c: Ctx): UnitSpec {
  const server = c.s.role === "worker" ? [] : ["hafen-server.service"];
  const head = unitSection(c, "Hafen agent (runs this machine's share of the cluster's units)", server);
  const service = serviceEntries(c, "hafen-agent", [], [], runtimeArgv(c, "agent", []));
  return unit("hafen-agent.service", unitText([head, ["Service", service], INSTALL]));
}

/**
 * The settings file and the units that run the Hafen runtime on a machine:
 * hafen-fetch (container launch with a `runtime` URL), hafen-etcd (control/both with
 * store etcd), hafen-server (control/both), hafen-agent (always), in that order.
 */
export function hafenParts(settings: HafenSettings, opts: HafenPartsOptions = {}): { files: FileSpec[]; units: UnitSpec[] } {
  const s = rebasedSettings(settings, opts.root);
  const c: Ctx = { s, settingsPath: rebase(opts.root, SETTINGS_PATH), etcdEnv: rebase(opts.root, ETCD_ENV_PATH) };
  const control = s.role !== "worker";
  const units: UnitSpec[] = [];
  if (s.launch.style === "container" && s.runtime) units.push(fetchUnit(s.runtime));
  if (control && s.store === "etcd") units.push(etcdUnit(c));
  if (control) units.push(serverUnit(c));
  units.push(agentUnit(c));
  const files: FileSpec[] = [{ path: c.settingsPath, mode: SETTINGS_MODE, contents: { source: "text", text: settingsJson(s) } }];
  return { files, units };
}
