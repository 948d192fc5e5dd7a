// The machine endpoints as a pure function of (data snapshot, request): no sockets, no
// disk. Machines cannot authenticate (PXE firmware has no credentials), so everything
// here is answered to anyone who can reach the service; see README "Trust model".
//   /boot.ipxe        the chain script (same for every machine)
//   /ipxe?SEL         the machine's iPXE script
//   /config?SEL       its cloud-config or Ignition (stage=install: Flatcar installer config)
//   /metadata?SEL     KEY=VALUE lines (systemd EnvironmentFile syntax)
// SEL = mac, uuid, hostname, serial (any subset). Unknown machines get 404.
import { formatProblem } from "../../machine";
import { machineVars, renderProfileConfig } from "./config";
import { installerConfig } from "./install";
import { chainScript, machineScript } from "./ipxe";
import { matchGroup } from "./match";
import type { BootData, Group, Profile } from "./model";
import { describeSelectors, parseMachineQuery, SAFE_VALUE, SELECTOR_KEYS, selectorQuery, type Selectors } from "./selectors";
import { substitute } from "./template";

export interface MachineReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** For the request log. */
  readonly group?: string;
}

export const MACHINE_PATHS = ["/boot.ipxe", "/ipxe", "/config", "/metadata"] as const;
export type MachinePath = (typeof MACHINE_PATHS)[number];

const TEXT = "text/plain; charset=utf-8";
const text = (status: number, body: string, group?: string): MachineReply => ({ status, contentType: TEXT, body: body.endsWith("\n") ? body : `${body}\n`, ...(group && { group }) });

/** Rendered configs per data snapshot; a new snapshot starts empty. */
const caches = new WeakMap<BootData, Map<string, string>>();
const CACHE_MAX = 4096;

function cached(data: BootData, key: string, make: () => string): string {
  let c = caches.get(data);
  if (!c) caches.set(data, (c = new Map()));
  const hit = c.get(key);
  if (hit !== undefined) return hit;
  const v = make();
  if (c.size >= CACHE_MAX) c.delete(c.keys().next().value!);
  c.set(key, v);
  return v;
}

interface Matched {
  readonly group: Group;
  readonly profile: Profile;
  readonly selectors: Selectors;
  readonly extra: Readonly<Record<string, string>>;
}

function lookUp(data: BootData, query: string, extraKeys: readonly string[]): Matched | MachineReply {
  const q = parseMachineQuery(query, extraKeys);
  if (!q.ok) return text(400, `bad request: ${q.message}`);
  const group = matchGroup(data, q.selectors);
  if (!group) return text(404, `no group matches this machine (${describeSelectors(q.selectors)}) and there is no default group`);
  const profile = data.profiles.get(group.profile);
  if (!profile) return text(500, `group ${group.name} names profile ${group.profile}, which is missing`, group.name);
  return { group, profile, selectors: q.selectors, extra: q.extra };
}

function configUrl(base: string, s: Selectors): string {
  const q = selectorQuery(s);
  return `${base}/config${q ? `?${q}` : ""}`;
}

function ipxe(base: string, m: Matched): MachineReply {
  const args = substitute(m.profile.boot.args, machineVars(m.group, m.profile, m.selectors));
  if (!args.ok) return text(400, `profile ${m.profile.name} uses {{boot.${args.variable}}} in boot.args, which ${args.reason}`, m.group.name);
  const r = machineScript({ base, group: m.group.name, profile: m.profile, args: args.value, configUrl: configUrl(base, m.selectors) });
  return r.ok ? text(200, r.text, m.group.name) : text(500, r.message, m.group.name);
}

function config(data: BootData, base: string, m: Matched): MachineReply {
  const stage = m.extra["stage"];
  if (stage !== undefined && stage !== "install") return text(400, `bad request: stage ${JSON.stringify(stage)}; the only stage is "install"`);
  const boot = m.profile.boot;
  if (stage === "install") {
    if (boot.os !== "flatcar" || !boot.install) return text(404, `profile ${m.profile.name} has no installer stage (only Flatcar profiles with boot.install)`, m.group.name);
    const install = boot.install;
    const body = cached(data, `install|${m.profile.name}|${selectorQuery(m.selectors)}`, () => installerConfig(install, m.profile.format, configUrl(base, m.selectors)));
    return { status: 200, contentType: "application/json", body, group: m.group.name };
  }
  const vars = machineVars(m.group, m.profile, m.selectors);
  const key = `config|${m.profile.name}|${JSON.stringify(vars)}`;
  let failure: MachineReply | undefined;
  const body = cached(data, key, () => {
    const r = renderProfileConfig(m.profile, vars);
    if (r.ok) return r.text;
    failure = r.kind === "variable" ? text(400, r.message, m.group.name) : text(500, `profile ${m.profile.name} cannot be rendered for this machine:\n${r.problems.map(formatProblem).join("\n")}`, m.group.name);
    return "";
  });
  if (failure) {
    caches.get(data)?.delete(key);
    return failure;
  }
  return { status: 200, contentType: m.profile.format === "ignition" ? "application/json" : TEXT, body, group: m.group.name };
}

function metadata(m: Matched): MachineReply {
  const lines = [`HAFEN_GROUP=${m.group.name}`, `HAFEN_PROFILE=${m.profile.name}`];
  for (const k of SELECTOR_KEYS) {
    const v = m.selectors[k];
    if (v === undefined) continue;
    lines.push(SAFE_VALUE.test(v) ? `HAFEN_${k.toUpperCase()}=${v}` : `# HAFEN_${k.toUpperCase()} left out: its value has characters outside the safe set`);
  }
  for (const [k, v] of Object.entries(m.group.metadata).sort()) lines.push(`${k.toUpperCase()}=${v}`);
  return text(200, lines.join("\n"), m.group.name);
}

export function answerMachine(data: BootData, base: string, path: MachinePath, query: string): MachineReply {
  if (path === "/boot.ipxe") return text(200, chainScript(base));
  const m = lookUp(data, query, path === "/config" ? ["stage"] : []);
  if ("status" in m) return m;
  switch (path) {
    case "/ipxe":
      return ipxe(base, m);
    case "/config":
      return config(data, base, m);
    case "/metadata":
      return metadata(m);
    default: {
      const _never: never = path;
      return _never;
    }
  }
}
