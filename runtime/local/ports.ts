// Free TCP ports on 127.0.0.1 for local clusters (and tests). A port is free when asked;
// it is bound moments later, and a clash fails loudly at bind time.
//
// Ports are picked *below* the kernel's ephemeral range. A port the kernel hands out
// for `listen(0)` comes from that range, the same one every outgoing connection takes
// its source port from, so in the moments before the real server binds it any process
// on the machine may connect out from it ("address already in use": CI saw an etcd
// member of a test fail that way). Below the range, only another listener can take it.
import { readFileSync } from "node:fs";
import { connect, createServer } from "node:net";

/** Lowest port handed out; below are well-known and registered services' usual ports. */
const FLOOR = 10_000;
/** Where outgoing connections take their source ports from (Linux's default if unknown). */
const DEFAULT_EPHEMERAL: readonly [number, number] = [32768, 60999];

/** The kernel's ephemeral port range, from procfs text "lo\thi"; the default if unreadable. */
export function parsePortRange(text: string | undefined): readonly [number, number] {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(text ?? "");
  const lo = Number(m?.[1]);
  const hi = Number(m?.[2]);
  return m && lo >= 1 && lo <= hi && hi <= 65535 ? [lo, hi] : DEFAULT_EPHEMERAL;
}

function ephemeralRange(): readonly [number, number] {
  try {
    return parsePortRange(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8"));
  } catch {
    return DEFAULT_EPHEMERAL; // not Linux
  }
}

/** Listens on 127.0.0.1:port (0: the kernel picks) and closes; the port, or undefined if taken. */
function tryPort(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", () => resolve(undefined));
    srv.listen(port, "127.0.0.1", () => {
      const addr = srv.address();
      const got = typeof addr === "object" && addr ? addr.port : undefined;
      srv.close(() => resolve(got));
    });
  });
}

/**
 * `n` distinct ports that nothing listens on now, chosen at random between FLOOR and the
 * start of the ephemeral range. Where that gap is too small (a kernel configured with a
 * low ephemeral range), falls back to ports the kernel picks. At most n × 20 tries.
 */
export async function freePorts(n: number): Promise<number[]> {
  const [lo] = ephemeralRange();
  const span = lo - FLOOR;
  const ports = new Set<number>();
  for (let i = 0; ports.size < n && i < n * 20; i++) {
    const p = await tryPort(span >= 1000 ? FLOOR + Math.floor(Math.random() * span) : 0);
    if (p !== undefined) ports.add(p);
  }
  if (ports.size < n) throw new Error(`could not find ${n} free ports on 127.0.0.1`);
  return [...ports];
}

/** True when something accepts connections on 127.0.0.1:port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
  });
}
