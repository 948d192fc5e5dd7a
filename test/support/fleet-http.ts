// Raw HTTP against the fleet v1 API for conformance tests: every request goes through
// the client transport's `send()` so a test sees the exact status, headers and body, and
// a few helpers that the conformance files share (error-entity checks, walking pages,
// registering machines the way an agent does, and a fingerprint of the whole store that
// proves a refused request changed nothing). Garbage that `send()` cannot produce
// (chunked bodies, broken request lines) goes through `rawExchange` on a plain socket.
import { connect } from "node:net";
import { send, type HttpResponse } from "../../runtime/client/transport";
import type { Store } from "../../runtime/store";

export type Body = unknown;

export interface FleetRequest {
  /** JSON-encoded unless it is already a string or a Buffer. */
  readonly body?: Body;
  /** Content-Type to send with a body; `null` sends none. Default application/json. */
  readonly contentType?: string | null;
  readonly headers?: Record<string, string>;
  /** Bearer token; `null` sends no credentials. Default: the client's token. */
  readonly token?: string | null;
}

/** A thin caller bound to one server, one token and one API prefix. */
export class FleetHttp {
  constructor(
    readonly base: string,
    readonly token: string | undefined,
    readonly prefix = "/fleet/v1",
  ) {}

  with(opts: { token?: string; prefix?: string }): FleetHttp {
    return new FleetHttp(this.base, opts.token ?? this.token, opts.prefix ?? this.prefix);
  }

  url(path: string): string {
    return `${this.base}${this.prefix}${path}`;
  }

  request(method: string, path: string, r: FleetRequest = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...r.headers };
    let body: string | Buffer | undefined;
    if (r.body !== undefined) {
      body = typeof r.body === "string" || Buffer.isBuffer(r.body) ? r.body : JSON.stringify(r.body);
      if (r.contentType !== null) headers["content-type"] = r.contentType ?? "application/json";
    }
    const token = r.token === null ? undefined : (r.token ?? this.token);
    return send(this.url(path), token ? { token } : {}, { method, headers, ...(body !== undefined ? { body } : {}), timeoutMs: 5000 });
  }

  get(path: string, r?: FleetRequest) {
    return this.request("GET", path, r);
  }
  put(path: string, body: Body, r: Omit<FleetRequest, "body"> = {}) {
    return this.request("PUT", path, { ...r, body });
  }
  patch(path: string, body: Body, r: Omit<FleetRequest, "body"> = {}) {
    return this.request("PATCH", path, { ...r, body });
  }
  del(path: string, r?: FleetRequest) {
    return this.request("DELETE", path, r);
  }

  /** Follows nextPageToken to the end (at most `maxPages`), returning each page's items. */
  async pages<T = Record<string, unknown>>(path: string, key: string, maxPages = 50): Promise<{ pages: T[][]; tokens: string[] }> {
    const pages: T[][] = [];
    const tokens: string[] = [];
    let next: string | undefined;
    for (let i = 0; i < maxPages; i++) {
      const sep = path.includes("?") ? "&" : "?";
      const res = await this.get(next === undefined ? path : `${path}${sep}nextPageToken=${encodeURIComponent(next)}`);
      if (res.status !== 200) throw new Error(`GET ${path} page ${i + 1}: HTTP ${res.status} ${res.body.toString().slice(0, 200)}`);
      const doc = jsonOf(res) as Record<string, unknown>;
      pages.push((doc[key] ?? []) as T[]);
      if (typeof doc.nextPageToken !== "string") return { pages, tokens };
      next = doc.nextPageToken;
      tokens.push(next);
    }
    throw new Error(`GET ${path}: more than ${maxPages} pages`);
  }

  async all<T = Record<string, unknown>>(path: string, key: string): Promise<T[]> {
    return (await this.pages<T>(path, key)).pages.flat();
  }
}

export function jsonOf(res: HttpResponse): unknown {
  return JSON.parse(res.body.toString("utf8"));
}

/**
 * Asserts fleet's error entity: the status, `Content-Type: application/json`, a body of
 * exactly {"error":{"code":<status>,"message":<non-empty string>}}, and optionally what
 * the message says.
 */
export function expectError(res: HttpResponse, status: number, message?: RegExp | string): string {
  const text = res.body.toString("utf8");
  expect({ status: res.status, body: text.slice(0, 300) }).toEqual({ status, body: expect.any(String) });
  expect(String(res.headers["content-type"]).split(";")[0]).toBe("application/json");
  const doc = JSON.parse(text) as { error: { code: number; message: string } };
  expect(doc).toEqual({ error: { code: status, message: expect.any(String) } });
  expect(doc.error.message.length).toBeGreaterThan(0);
  if (message !== undefined) expect(doc.error.message).toMatch(message);
  return doc.error.message;
}

/** Asserts a success without a body (201 on create, 204 elsewhere). */
export function expectEmpty(res: HttpResponse, status: number): void {
  expect({ status: res.status, body: res.body.toString("utf8").slice(0, 300) }).toEqual({ status, body: "" });
}

/** Every key, value and revision under `prefix`, and the store revision: equal fingerprints mean nothing was written. */
export async function storeFingerprint(store: Store, prefix = "/hafen/"): Promise<{ revision: number; kvs: [string, string, number][] }> {
  const r = await store.range(prefix);
  return { revision: r.revision, kvs: r.kvs.map((kv) => [kv.key, kv.value, kv.modRevision]) };
}

/** A machine id as agents make them: 32 lowercase hex characters. */
export function machineId(n: number): string {
  return n.toString(16).padStart(32, "0");
}

export interface Registration {
  readonly id: string;
  readonly machineToken: string;
}

/** Registers a machine as an agent does, with the bootstrap token (or its own token). */
export async function registerMachine(
  base: string,
  token: string,
  m: { id: string; name?: string; metadata?: Record<string, string>; primaryIP?: string },
): Promise<Registration> {
  const res = await send(`${base}/hafen/v1/machines/register`, { token }, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      id: m.id,
      name: m.name ?? `m-${m.id.slice(-6)}`,
      primaryIP: m.primaryIP ?? "127.0.0.1",
      metadata: m.metadata ?? {},
      role: "worker",
      version: "test",
    }),
  });
  if (res.status !== 200) throw new Error(`register ${m.id}: HTTP ${res.status} ${res.body.toString().slice(0, 200)}`);
  const doc = jsonOf(res) as { machineToken?: string };
  return { id: m.id, machineToken: doc.machineToken ?? token };
}

/** Reports unit states for a machine through the agents' endpoint (its own token). */
export async function reportStates(
  base: string,
  reg: Registration,
  states: readonly { name: string; hash: string; active?: string }[],
): Promise<void> {
  const res = await send(`${base}/hafen/v1/machines/${reg.id}/states`, { token: reg.machineToken }, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      states: states.map((s) => ({
        name: s.name,
        hash: s.hash,
        systemdLoadState: "loaded",
        systemdActiveState: s.active ?? "active",
        systemdSubState: s.active === "inactive" ? "dead" : "running",
      })),
    }),
  });
  if (res.status !== 204) throw new Error(`states of ${reg.id}: HTTP ${res.status} ${res.body.toString().slice(0, 200)}`);
}

/**
 * Writes `request` bytes on a fresh socket to the server and collects what comes back
 * until the server closes the connection or `timeoutMs` passes. For requests that a
 * well-behaved client cannot produce. Returns the status line's code (0 when none).
 */
export function rawExchange(base: string, request: Buffer | string, timeoutMs = 3000): Promise<{ status: number; text: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: u.hostname, port: Number(u.port) });
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", (err: NodeJS.ErrnoException) => {
      // A server that answers and then resets a connection it will not read further is fine.
      if (err.code !== "ECONNRESET" && err.code !== "EPIPE") reject(err);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : 0, text });
    });
    socket.on("connect", () => {
      socket.write(request);
    });
  });
}
