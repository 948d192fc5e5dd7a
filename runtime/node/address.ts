// The machine's own address, found at start (design.md: Ignition has no $private_ipv4,
// so the runtime looks for itself): the settings' advertiseAddress if given, else the
// first non-internal IPv4 of the machine's interfaces, else 127.0.0.1.
import { networkInterfaces } from "node:os";

export function primaryAddress(advertise?: string, interfaces = networkInterfaces()): string {
  if (advertise && advertise !== "0.0.0.0" && advertise !== "::") return advertise;
  const candidates: string[] = [];
  for (const [name, addrs] of Object.entries(interfaces).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (/^(docker|podman|cni|veth|br-|virbr)/.test(name)) continue;
    for (const a of addrs ?? []) if (a.family === "IPv4" && !a.internal) candidates.push(a.address);
  }
  return candidates[0] ?? "127.0.0.1";
}

/** host:port for URLs, with IPv6 in brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
