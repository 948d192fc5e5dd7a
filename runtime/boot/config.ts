// A machine's config: the profile's machine description with the `{{boot.*}}` variables
// of this machine substituted, validated by loadMachine and rendered by the SAME
// machine renderer cloud machines use (provider "baremetal": no size limit).
import { loadMachine, render, type MachineProblem } from "../../machine";
import type { Group, ProfileConfig } from "./model";
import type { Selectors } from "./selectors";
import { substitute } from "./template";

export type Vars = Readonly<Record<string, string | undefined>>;

/** The values a machine's variables take: what it reported, plus its group's data. */
export function machineVars(group: Group, profile: ProfileConfig, reported: Selectors): Vars {
  const vars: Record<string, string | undefined> = { ...reported, group: group.name, profile: profile.name };
  for (const [k, v] of Object.entries(group.metadata)) vars[`metadata.${k}`] = v;
  return vars;
}

export type ConfigResult =
  | { readonly ok: true; readonly text: string }
  /** A variable has no (safe) value for this machine: the request's fault. */
  | { readonly ok: false; readonly kind: "variable"; readonly message: string }
  /** The substituted machine is invalid or cannot be rendered: the data's fault. */
  | { readonly ok: false; readonly kind: "machine"; readonly problems: readonly MachineProblem[] };

export function renderProfileConfig(profile: ProfileConfig, vars: Vars): ConfigResult {
  const s = substitute(profile.machine, vars);
  if (!s.ok) {
    return { ok: false, kind: "variable", message: `profile ${profile.name} uses {{boot.${s.variable}}}, which ${s.reason}` };
  }
  const m = loadMachine(s.value);
  if (!m.ok) return { ok: false, kind: "machine", problems: m.problems };
  const r = render(m.value, { format: profile.format, provider: "baremetal" });
  return r.ok ? { ok: true, text: r.value.text } : { ok: false, kind: "machine", problems: r.problems };
}

/** Stand-ins used to check a profile at load time where the group does not fix a value. */
export function placeholderVars(group: Group | undefined, profile: ProfileConfig): Vars {
  const reported: Selectors = {
    mac: group?.selector.mac ?? "00:00:00:00:00:00",
    uuid: group?.selector.uuid ?? "00000000-0000-0000-0000-000000000000",
    hostname: group?.selector.hostname ?? "hafen-boot-check",
    serial: group?.selector.serial ?? "0",
  };
  if (group) return machineVars(group, profile, reported);
  const vars: Record<string, string | undefined> = { ...reported, group: "hafen-boot-check", profile: profile.name };
  for (const v of profile.variables) if (v.startsWith("metadata.")) vars[v] = "x";
  return vars;
}
