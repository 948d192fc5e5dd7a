// One vCenter session: the checked options, the injected edges and the session
// cookie, and the single SOAP exchange every call goes through.
import type { XmlChild, XmlElement } from "./xml";
import { decodeAnswer, envelope } from "./soap";
import { sessionCookie } from "./readers";
import { post as httpPost, type Post } from "./transport";
import { VsphereError, type MoRef } from "./types";

export interface ConnectOptions {
  /**
   * vCenter SDK endpoint, e.g. `https://vcenter.example.com/sdk` (`/sdk` is added when
   * the path is empty). `http:` is accepted only for loopback hosts (simulators).
   */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** PEM of the CA that signed vCenter's certificate; default: Node's trust store. */
  readonly caPem?: string;
  /**
   * Skip TLS verification. UNSAFE: a man in the middle learns the password. For lab
   * vCenters with self-signed certificates only; prefer `caPem`. Default false.
   */
  readonly insecure?: boolean;
  /** Bound on each HTTP exchange; default 60 000 ms. */
  readonly requestTimeoutMs?: number;
  /** Largest answer accepted; default 32 MiB. */
  readonly maxResponseBytes?: number;
  /** vim25 version sent in SOAPAction; default "6.5" (every call used exists there). */
  readonly apiVersion?: string;
}

/** Injected edges: the HTTP exchange, the clock and sleeping (tests replace them). */
export interface ClientDeps {
  readonly post?: Post;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Connection state shared by the calls of one client. */
export interface Session {
  readonly endpoint: URL;
  readonly opts: { readonly requestTimeoutMs: number; readonly maxResponseBytes: number; readonly apiVersion: string; readonly caPem?: string; readonly insecure: boolean };
  readonly deps: Required<ClientDeps>;
  /**
   * The session cookie lives in a closure, so util.inspect, console.log and JSON of a
   * client never show it. (A symbol-keyed inspect hook would be neater, but Pulumi's
   * closure serialiser cannot ship symbol-keyed methods.)
   */
  readonly cookie: { get(): string | undefined; set(v: string | undefined): void };
}

function cookieJar(): Session["cookie"] {
  let cookie: string | undefined;
  return { get: () => cookie, set: (v) => void (cookie = v) };
}

/** One SOAP exchange; resolves with the `<method>Response` element or throws VsphereError. */
export async function soapCall(s: Session, method: string, target: MoRef, ...params: XmlChild[]): Promise<XmlElement> {
  const headers: Record<string, string> = {
    "Content-Type": "text/xml; charset=utf-8",
    SOAPAction: `urn:vim25/${s.opts.apiVersion}`,
  };
  const current = s.cookie.get();
  if (current) headers["Cookie"] = current;
  const sent = await s.deps.post(s.endpoint, method, envelope(method, target, ...params), headers, {
    caPem: s.opts.caPem,
    insecure: s.opts.insecure,
    timeoutMs: s.opts.requestTimeoutMs,
    maxBytes: s.opts.maxResponseBytes,
  });
  if (!sent.ok) throw new VsphereError(sent.problem);
  const cookie = sessionCookie(sent.answer.setCookie);
  if (cookie) s.cookie.set(cookie);
  const answer = decodeAnswer(method, sent.answer.status, sent.answer.body, { maxChars: s.opts.maxResponseBytes });
  if (!answer.ok) throw new VsphereError(answer.problem);
  return answer.response;
}

/** Checks the options (before any I/O) and builds a session with no cookie yet. */
export function openSession(options: ConnectOptions, deps: ClientDeps = {}): Session {
  const endpoint = endpointOf(options.url);
  if (typeof options.username !== "string" || !options.username) {
    throw new VsphereError({ kind: "invalid-input", field: "username", value: String(options.username ?? ""), accepted: "a non-empty user name" });
  }
  return {
    endpoint,
    opts: {
      requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
      maxResponseBytes: options.maxResponseBytes ?? 32 * 1024 * 1024,
      apiVersion: options.apiVersion ?? "6.5",
      caPem: options.caPem,
      insecure: options.insecure ?? false,
    },
    deps: {
      post: deps.post ?? httpPost,
      now: deps.now ?? Date.now,
      sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    },
    cookie: cookieJar(),
  };
}

/** Normalises and checks the SDK URL; plain http only to loopback. */
export function endpointOf(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new VsphereError({ kind: "invalid-input", field: "url", value: String(raw), accepted: "an absolute URL such as https://vcenter.example.com/sdk" });
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new VsphereError({ kind: "invalid-input", field: "url", value: raw, accepted: "an https: URL (http: only for 127.0.0.1/localhost simulators)" });
  }
  if (url.username || url.password) {
    throw new VsphereError({ kind: "invalid-input", field: "url", value: `${url.protocol}//…@${url.host}`, accepted: "a URL without credentials (pass username and password separately)" });
  }
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/sdk";
  return url;
}
