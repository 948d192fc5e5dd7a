// Addresses, protocols and port spans as the three clouds write them, reduced to what
// the exposure checks need: "does this rule let TCP port P in from everywhere?".
import { isIP } from "node:net";

export type Cidr = { readonly ok: true; readonly family: 4 | 6; readonly prefix: number } | { readonly ok: false; readonly reason: string };

/** "10.0.0.0/8", "::/0", or a bare address (DigitalOcean accepts those: /32 or /128). */
export function parseCidr(text: string): Cidr {
  const accepted = 'expected an IPv4 or IPv6 address with an optional /prefix, e.g. "10.0.0.0/16" or "2001:db8::/32"';
  const m = /^([^/\s]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  const family = m ? isIP(m[1]!) : 0;
  if (!m || (family !== 4 && family !== 6)) return { ok: false, reason: `${JSON.stringify(text.slice(0, 60))} is not an address; ${accepted}` };
  const max = family === 4 ? 32 : 128;
  const prefix = m[2] === undefined ? max : Number(m[2]);
  if (prefix > max) return { ok: false, reason: `prefix /${prefix} is longer than ${max} bits; ${accepted}` };
  return { ok: true, family, prefix };
}

/** True for a source range that contains every address of its family (0.0.0.0/0, ::/0). */
export function isWorld(text: string): boolean {
  const c = parseCidr(text);
  return c.ok && c.prefix === 0;
}

export type Protocol = "tcp" | "udp" | "icmp" | "all" | "other";

/**
 * AWS ("-1", "all", "tcp", "6"), DigitalOcean ("tcp", "udp", "icmp") and Neutron (names,
 * numbers, or absent / "any" for every protocol) spellings. Absent means all protocols.
 */
export function parseProtocol(v: string | number | undefined | null): Protocol {
  if (v === undefined || v === null) return "all";
  const s = String(v).trim().toLowerCase();
  switch (s) {
    case "":
    case "-1":
    case "all":
    case "any":
      return "all";
    case "tcp":
    case "6":
      return "tcp";
    case "udp":
    case "17":
      return "udp";
    case "icmp":
    case "1":
      return "icmp";
    default:
      return "other";
  }
}

/** Inclusive span of ports. */
export interface PortSpan {
  readonly from: number;
  readonly to: number;
}

export const ALL_PORTS: PortSpan = { from: 0, to: 65535 };

export function spanText(s: PortSpan): string {
  if (s.from <= 1 && s.to >= 65535) return "all ports";
  return s.from === s.to ? `port ${s.from}` : `ports ${s.from}-${s.to}`;
}

/**
 * A span from a "from/to" pair (AWS fromPort/toPort, Neutron portRangeMin/Max). Both
 * absent, or 0/0 for Neutron, means every port; one bound alone stands for itself.
 */
export function spanOf(from: number | undefined, to: number | undefined, zeroIsAll: boolean): PortSpan | undefined {
  if (from === undefined && to === undefined) return ALL_PORTS;
  if (zeroIsAll && (from ?? 0) === 0 && (to ?? 0) === 0) return ALL_PORTS;
  const a = from ?? to!;
  const b = to ?? from!;
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < -1 || b > 65535 || a > b) return undefined;
  return { from: Math.max(0, a), to: b < 0 ? 65535 : b };
}

/** DigitalOcean `portRange`: "22", "8000-9000", "1-65535", or "all"/"0" (every port). */
export function parsePortRange(text: string): PortSpan | undefined {
  const s = text.trim().toLowerCase();
  if (s === "all" || s === "0") return ALL_PORTS;
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(s);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return from <= to && to <= 65535 ? { from, to } : undefined;
}

export function covers(span: PortSpan, port: number): boolean {
  return span.from <= port && port <= span.to;
}
