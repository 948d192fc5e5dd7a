// The `%` specifiers systemd expands in Exec*=, Environment=, EnvironmentFile= and
// WorkingDirectory= (systemd.unit(5), "Specifiers"). The executor knows the unit's name
// and is told the host facts (hostname, machine id, …), so expansion stays pure.
//   %n full name  %N name without type  %p prefix  %P unescaped prefix  %i instance
//   %I unescaped instance  %j last "-" part of the prefix  %J unescaped  %f unescaped
//   path ("/" + instance, or "/" + prefix)  %H hostname  %l short hostname  %m machine id
//   %b boot id  %h home  %u user  %U uid  %t /run  %T /tmp  %V /var/tmp  %% a "%"
// Anything else after "%" is refused (systemd refuses it too: "Failed to resolve unit
// specifiers … Invalid slot").
import type { UnitName } from "../../units/names";
import { parsed, refused, type Parsed } from "./problems";

export interface HostFacts {
  readonly hostname: string;
  /** 32 lowercase hex characters, like /etc/machine-id. */
  readonly machineId: string;
  readonly bootId: string;
  readonly home: string;
  readonly user: string;
  readonly uid: number;
}

export const KNOWN_SPECIFIERS = "%n %N %p %P %i %I %j %J %f %H %l %m %b %h %u %U %t %T %V %%";

/** systemd's unit name unescaping: "-" is "/", "\xNN" is the byte NN. */
export function unescapeUnitName(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const hex = c === "\\" && s[i + 1] === "x" ? /^[0-9a-fA-F]{2}/.exec(s.slice(i + 2)) : null;
    if (hex) {
      bytes.push(parseInt(hex[0], 16));
      i += 3;
    } else if (c === "-") {
      bytes.push(0x2f);
    } else {
      bytes.push(...Buffer.from(c, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** %f: "-" alone is "/"; otherwise "/" + the unescaped text, without doubling the slash. */
function unescapePath(s: string): string {
  if (s === "-") return "/";
  const u = unescapeUnitName(s);
  return u.startsWith("/") ? u : `/${u}`;
}

export function specifierTable(unit: UnitName, host: HostFacts): Readonly<Record<string, string>> {
  const dot = unit.name.lastIndexOf(".");
  const instance = unit.kind === "instance" ? unit.instance : "";
  const lastDash = unit.prefix.lastIndexOf("-");
  const j = lastDash < 0 ? unit.prefix : unit.prefix.slice(lastDash + 1);
  return {
    n: unit.name,
    N: unit.name.slice(0, dot),
    p: unit.prefix,
    P: unescapeUnitName(unit.prefix),
    i: instance,
    I: unescapeUnitName(instance),
    j,
    J: unescapeUnitName(j),
    f: unit.kind === "instance" ? unescapePath(instance) : unescapePath(unit.prefix),
    H: host.hostname,
    l: host.hostname.split(".")[0]!,
    m: host.machineId,
    b: host.bootId,
    h: host.home,
    u: host.user,
    U: String(host.uid),
    t: "/run",
    T: "/tmp",
    V: "/var/tmp",
    "%": "%",
  };
}

/** Expands every specifier of `text`; refuses an unknown one or a lone trailing "%". */
export function expandSpecifiers(text: string, table: Readonly<Record<string, string>>): Parsed<string> {
  if (!text.includes("%")) return parsed(text);
  let out = "";
  for (let k = 0; k < text.length; k++) {
    const c = text[k]!;
    if (c !== "%") {
      out += c;
      continue;
    }
    const key = text[k + 1];
    const sub = key === undefined ? undefined : table[key];
    if (sub === undefined) {
      const shown = key === undefined ? "a lone % at the end" : `"%${key}"`;
      return refused(`unknown specifier ${shown}; known are ${KNOWN_SPECIFIERS} (write %% for a literal %)`);
    }
    out += sub;
    k++;
  }
  return parsed(out);
}
