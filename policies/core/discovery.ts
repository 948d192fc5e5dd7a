// Discovery URLs per cluster and whether the stack controls the service behind them.
import { isControl, type ClusterView } from "./clusters";
import type { ResourceView } from "./policy";
import { isList, isProps, type Value } from "./values";

/** Token URLs the cluster's control machines bootstrap from, with the machines using each. */
export function discoveryUrls(c: ClusterView): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of c.machines.filter(isControl)) {
    const url = m.settings?.discovery;
    if (url) out.set(url, [...(out.get(url) ?? []), m.resource.name]);
  }
  const declared = c.component?.facts.discovery?.url;
  if (declared && !out.has(declared)) out.set(declared, [c.component!.resource.name]);
  return out;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Local clusters: plain http on loopback is what Hafen accepts for them (design.md). */
export function isLoopbackUrl(url: string): boolean {
  try {
    return LOOPBACK.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  } catch {
    return undefined;
  }
}

const MAX_WALK = 10_000;

/** Whether some string in `v` names `host` (equal, or inside a URL / "host:port"). */
function mentions(v: Value, host: string, budget: { n: number }): boolean {
  if (--budget.n < 0) return false;
  if (typeof v === "string") {
    const s = v.toLowerCase();
    return s === host || s.startsWith(`${host}:`) || s.includes(`//${host}`) || s.includes(`//[${host}]`);
  }
  if (isList(v)) return v.some((x) => mentions(x, host, budget));
  if (isProps(v)) return Object.values(v).some((x) => mentions(x, host, budget));
  return false;
}

/**
 * Whether a resource of the stack other than the machines that use it names the host:
 * a DNS record, an address, a machine tagged to run the discovery service. Then the
 * stack creates (controls) the service.
 */
export function stackNames(host: string, resources: readonly ResourceView[], exclude: ReadonlySet<string>): boolean {
  const budget = { n: MAX_WALK };
  return resources.some((r) => !exclude.has(r.urn) && mentions(r.props, host, budget));
}
