// HTTP(S) requests with the credentials a Hafen client holds: a bearer token and/or a
// client certificate, and a private CA to verify the server. Built on node:http(s)
// because fetch cannot take a per-request CA or client certificate. Every request has a
// deadline; nothing here retries (callers decide what is safe to repeat).
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

// Keep-alive pools: a CLI submitting 2,000 units or an agent heartbeating should not pay
// a TCP (and TLS) handshake per request. https pools are keyed by the TLS options too.
// Made on first use and kept on globalThis, not at module scope: Pulumi ships a dynamic
// provider (components/unit) by serialising what it references, and an Agent object
// captured by value does not survive that; a function that makes one does. One pair
// per process, whichever copy of this module asks.
const AGENTS = "__hafenClientAgents";

interface Agents {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
}

function agents(): Agents {
  const g = globalThis as unknown as Record<string, Agents | undefined>;
  // maxSockets per host: long-polls hold a socket each, so a process that hosts many
  // agents (benchmarks, tests) must not queue heartbeats behind them.
  return (g[AGENTS] ??= {
    http: new HttpAgent({ keepAlive: true, maxSockets: 4096 }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: 4096 }),
  });
}

export interface Credentials {
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** PEM texts (not paths). */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Whole-request deadline in ms (default 10 s). */
  readonly timeoutMs?: number;
  /** Largest response body accepted (default 32 MiB). */
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
}

// Both error classes set `message` themselves: Pulumi's closure serialiser (the Unit
// provider ships this file) rewrites a class into a function whose `super(message)`
// call leaves `this` without a message. Serialised copies are not `instanceof` the
// originals either, so callers there test `name` and `code`.
export class TransportError extends Error {
  constructor(
    readonly code: "timeout" | "connect" | "too-large" | "aborted" | "protocol",
    message: string,
  ) {
    super(message);
    this.message = message;
    this.name = "TransportError";
  }
}

export function send(url: string, creds: Credentials, opts: RequestOptions = {}): Promise<HttpResponse> {
  const u = new URL(url);
  const headers: Record<string, string> = { ...opts.headers };
  if (creds.token) headers.authorization = `Bearer ${creds.token}`;
  if (opts.body !== undefined) headers["content-length"] = String(Buffer.byteLength(opts.body));
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxBytes = opts.maxBytes ?? 32 * 1024 * 1024;
  const isHttps = u.protocol === "https:";
  if (!isHttps && u.protocol !== "http:") {
    return Promise.reject(new TransportError("protocol", `unsupported URL scheme ${u.protocol} in ${url}; use http or https`));
  }
  return new Promise<HttpResponse>((resolve, reject) => {
    const req = (isHttps ? httpsRequest : httpRequest)(
      u,
      {
        method: opts.method ?? "GET",
        headers,
        ...(isHttps ? { ca: creds.ca, cert: creds.cert, key: creds.key } : {}),
        agent: isHttps ? agents().https : agents().http,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            req.destroy(new TransportError("too-large", `response from ${u.origin} exceeds ${maxBytes} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    const timer = setTimeout(
      () => req.destroy(new TransportError("timeout", `${opts.method ?? "GET"} ${u.origin}${u.pathname} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onAbort = () => req.destroy(new TransportError("aborted", "request aborted"));
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    req.on("error", (err: Error) => {
      reject(err instanceof TransportError ? err : new TransportError("connect", `cannot reach ${u.origin}: ${err.message}`));
    });
    req.on("close", () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
    });
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** Parses a JSON body; a fleet error entity becomes an ApiError with its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.message = message;
    this.name = "ApiError";
  }
}

export function errorFrom(res: HttpResponse, what: string): ApiError {
  let message = res.body.toString("utf8").slice(0, 500);
  try {
    const parsed = JSON.parse(message) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === "string") message = parsed.error.message;
  } catch {
    // not JSON: keep the text
  }
  return new ApiError(res.status, `${what}: HTTP ${res.status}${message ? `: ${message}` : ""}`);
}

export function parseJsonBody<T>(res: HttpResponse, what: string): T {
  try {
    return JSON.parse(res.body.toString("utf8")) as T;
  } catch {
    throw new ApiError(res.status, `${what}: the server answered with invalid JSON`);
  }
}
