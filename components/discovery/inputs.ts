// DiscoveryToken's inputs, their checks and its diff policy. Pure (no Pulumi, no I/O),
// shared by the resource (checks at construction) and its provider (checks at `check`).

export interface TokenInputs {
  /** Base URL of a Hafen discovery service, http(s)://host[:port]. */
  readonly service: string;
  /** Cluster size the token is made for (the number of etcd members / control machines). */
  readonly size: number;
  /** PEM CA of the service, for a private CA. */
  readonly ca?: string;
}

export interface TokenOutputs extends TokenInputs {
  /** The token URL (a credential; the resource marks it secret). */
  readonly url: string;
}

/** The discovery service's limit on size (runtime/discovery/request.ts MAX_SIZE). */
export const MAX_TOKEN_SIZE = 99;

/** An http(s) origin with nothing after the host, as the service's `/new` expects. */
export function checkServiceUrl(v: string): string | undefined {
  const accepted = "expected the discovery service's base URL, http(s)://host[:port] (e.g. https://discovery.example.com), with no path";
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return `"${v}" is not a URL; ${accepted}`;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return `scheme ${u.protocol} is not http or https; ${accepted}`;
  if ((u.pathname !== "/" && u.pathname !== "") || u.search || u.hash || u.username || u.password) return `"${v}" has a path, query or credentials; ${accepted}`;
  return undefined;
}

export interface InputProblem {
  readonly property: string;
  readonly reason: string;
}

export function checkTokenInputs(x: unknown): InputProblem[] {
  if (typeof x !== "object" || x === null) return [{ property: "", reason: "expected {service, size}" }];
  const i = x as Record<string, unknown>;
  const out: InputProblem[] = [];
  if (typeof i["service"] !== "string") out.push({ property: "service", reason: `expected the service's base URL as a string, got ${JSON.stringify(i["service"]) ?? "nothing"}` });
  else {
    const bad = checkServiceUrl(i["service"]);
    if (bad) out.push({ property: "service", reason: bad });
  }
  const size = i["size"];
  if (typeof size !== "number" || !Number.isInteger(size) || size < 1 || size > MAX_TOKEN_SIZE) {
    out.push({ property: "size", reason: `size ${JSON.stringify(size) ?? "(missing)"} is not accepted; expected a whole number from 1 to ${MAX_TOKEN_SIZE} (the number of control machines)` });
  }
  if (i["ca"] !== undefined && (typeof i["ca"] !== "string" || !i["ca"].includes("-----BEGIN CERTIFICATE-----"))) {
    out.push({ property: "ca", reason: "expected PEM text with a -----BEGIN CERTIFICATE----- block" });
  }
  return out;
}

/** Any change makes a new token: a token's size is fixed, and it lives at one service. */
export function diffToken(olds: TokenInputs, news: TokenInputs): { changes: boolean; replaces: string[] } {
  const replaces = (["service", "size", "ca"] as const).filter((k) => (olds[k] ?? "") !== (news[k] ?? ""));
  return { changes: replaces.length > 0, replaces };
}
