// A small typed client for the discovery service, for Hafen's servers (announce their
// API endpoint), agents (find the servers), stacks (publish sealed first-boot secrets),
// control machines (fetch them) and tooling (make tokens). Every call returns a result
// value; nothing throws for network or protocol trouble. A token URL is the credential
// (see servers.ts): pass it around like a password.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { TOKEN_RE } from "./query";
import { checkSealedBlob } from "./sealed";
import { checkServerInfo, type ServerInfo, type ServerRecord } from "./servers";

export type ClientError =
  | { readonly kind: "bad-url"; readonly message: string }
  | { readonly kind: "unreachable"; readonly message: string }
  /** The service answered with an error; `errorCode` and `cause` are from its etcd-style body. */
  | { readonly kind: "http"; readonly status: number; readonly errorCode?: number; readonly cause?: string; readonly message: string }
  | { readonly kind: "bad-response"; readonly message: string };

export type ClientResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ClientError };

export interface ClientOptions {
  /** PEM CA certificate(s) to trust for an https service with a private CA. */
  readonly ca?: string | Buffer;
  /** Per-request time limit (default 5 s). */
  readonly timeoutMs?: number;
}

const MAX_RESPONSE = 1 << 20;

/** What registerServer sends; `meta` defaults to none. */
export type ServerAnnouncement = Pick<ServerInfo, "endpoint"> & { readonly meta?: ServerInfo["meta"] };

/** `GET <base>/new?size=N` → the new token URL. */
export async function createToken(base: string, size: number, opts: ClientOptions = {}): Promise<ClientResult<string>> {
  const origin = parseBase(base);
  if (!origin.ok) return origin;
  const res = await call("GET", `${origin.value}/new?size=${encodeURIComponent(String(size))}`, undefined, opts);
  if (!res.ok) return res;
  const url = res.value.body.trim();
  return parseTokenUrl(url).ok ? { ok: true, value: url } : badResponse(`expected a token URL, got ${JSON.stringify(url.slice(0, 100))}`);
}

/** The cluster size the token was made for (`/<token>/_config/size`). */
export async function getSize(tokenUrl: string, opts: ClientOptions = {}): Promise<ClientResult<number>> {
  const t = parseTokenUrl(tokenUrl);
  if (!t.ok) return t;
  const res = await call("GET", `${t.value.origin}/${t.value.token}/_config/size`, undefined, opts);
  if (!res.ok) return res;
  const value = (jsonOf(res.value.body) as { node?: { value?: unknown } } | undefined)?.node?.value;
  const size = typeof value === "string" && /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(size) && size > 0 ? { ok: true, value: size } : badResponse(`size key holds ${JSON.stringify(value)}`);
}

/** Announces (or re-announces) server `id`; the record lapses after `ttlSeconds`. */
export async function registerServer(tokenUrl: string, id: string, info: ServerAnnouncement, ttlSeconds: number, opts: ClientOptions = {}): Promise<ClientResult<ServerRecord>> {
  const t = parseTokenUrl(tokenUrl);
  if (!t.ok) return t;
  const body = JSON.stringify({ endpoint: info.endpoint, meta: info.meta ?? {} });
  const url = `${t.value.origin}/_hafen/${t.value.token}/servers/${encodeURIComponent(id)}?ttl=${ttlSeconds}`;
  const res = await call("PUT", url, body, opts);
  if (!res.ok) return res;
  const rec = toRecord((jsonOf(res.value.body) as { server?: unknown } | undefined)?.server);
  return rec ? { ok: true, value: rec } : badResponse("server record missing from the answer");
}

/** The servers currently announced under the token, sorted by id. */
export async function listServers(tokenUrl: string, opts: ClientOptions = {}): Promise<ClientResult<ServerRecord[]>> {
  const t = parseTokenUrl(tokenUrl);
  if (!t.ok) return t;
  const res = await call("GET", `${t.value.origin}/_hafen/${t.value.token}/servers`, undefined, opts);
  if (!res.ok) return res;
  const list = (jsonOf(res.value.body) as { servers?: unknown } | undefined)?.servers;
  if (!Array.isArray(list)) return badResponse("expected {\"servers\":[...]}");
  const out: ServerRecord[] = [];
  for (const item of list) {
    const rec = toRecord(item);
    if (!rec) return badResponse(`malformed server record ${JSON.stringify(item).slice(0, 100)}`);
    out.push(rec);
  }
  return { ok: true, value: out };
}

/** Withdraws a server's announcement (at clean shutdown). */
export async function removeServer(tokenUrl: string, id: string, opts: ClientOptions = {}): Promise<ClientResult<void>> {
  const t = parseTokenUrl(tokenUrl);
  if (!t.ok) return t;
  const res = await call("DELETE", `${t.value.origin}/_hafen/${t.value.token}/servers/${encodeURIComponent(id)}`, undefined, opts);
  return res.ok ? { ok: true, value: undefined } : res;
}

/** Publishes (creates or replaces) sealed record `name`, the text seal() returned; the
 * service keeps it for `ttlSeconds` (1 to 7 days' worth) and answers when it lapses. */
export async function putSealed(tokenUrl: string, name: string, sealedText: string, ttlSeconds: number, opts: ClientOptions = {}): Promise<ClientResult<{ name: string; expiresAt: number }>> {
  const t = parseTokenUrl(tokenUrl);
  if (!t.ok) return t;
  const res = await call("PUT", `${sealedUrl(t.value, name)}?ttl=${encodeURIComponent(String(ttlSeconds))}`, sealedText, opts);
  if (!res.ok) return res;
  const s = (jsonOf(res.value.body) as { sealed?: { name?: unknown; expiresAt?: unknown } } | undefined)?.sealed;
  return s && s.name === name && typeof s.expiresAt === "number" ? { ok: true, value: { name, expiresAt: s.expiresAt } } : badResponse('expected {"sealed":{"name","expiresAt"}}');
}

/** The sealed blob's text exactly as it was put, or undefined when the token holds no
 * such record (never put, deleted or expired). An unknown token is an error, not
 * undefined: it means a wrong URL or a service that lost its data, not "not yet". */
export async function getSealed(tokenUrl: string, name: string, opts: ClientOptions = {}): Promise<ClientResult<string | undefined>> {
  const t = parseTokenUrl(tokenUrl);
  if (!t.ok) return t;
  const res = await call("GET", sealedUrl(t.value, name), undefined, opts);
  if (!res.ok) return recordAbsent(res.error, t.value.token, name) ? { ok: true, value: undefined } : res;
  const bad = checkSealedBlob(res.value.body);
  return bad ? badResponse(`expected a sealed blob: ${bad.cause}`) : { ok: true, value: res.value.body };
}

/** Deletes sealed record `name` (once every control machine has it): true if it was
 * there, false if it was not (as for getSealed, an unknown token is an error). */
export async function deleteSealed(tokenUrl: string, name: string, opts: ClientOptions = {}): Promise<ClientResult<boolean>> {
  const t = parseTokenUrl(tokenUrl);
  if (!t.ok) return t;
  const res = await call("DELETE", sealedUrl(t.value, name), undefined, opts);
  if (res.ok) return { ok: true, value: true };
  return recordAbsent(res.error, t.value.token, name) ? { ok: true, value: false } : res;
}

function sealedUrl(t: { origin: string; token: string }, name: string): string {
  return `${t.origin}/_hafen/${t.token}/sealed/${encodeURIComponent(name)}`;
}

/** The service's 404 for the record itself names its key; one for the token names only the token. */
function recordAbsent(e: ClientError, token: string, name: string): boolean {
  return e.kind === "http" && e.status === 404 && e.errorCode === 100 && e.cause === `/_hafen/${token}/sealed/${name}`;
}

/** Splits `http(s)://host[:port]/<32 hex>` into its origin and token. */
export function parseTokenUrl(text: string): ClientResult<{ origin: string; token: string }> {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return badUrl(`${JSON.stringify(text)} is not a URL; expected http(s)://host[:port]/<token>`);
  }
  const token = u.pathname.replace(/^\/|\/$/g, "");
  if ((u.protocol !== "http:" && u.protocol !== "https:") || !TOKEN_RE.test(token) || u.search || u.hash)
    return badUrl(`${JSON.stringify(text)}: expected http(s)://host[:port]/<token> with a 32-digit lowercase hex token`);
  return { ok: true, value: { origin: `${u.protocol}//${u.host}`, token } };
}

function parseBase(text: string): ClientResult<string> {
  try {
    const u = new URL(text);
    if ((u.protocol === "http:" || u.protocol === "https:") && (u.pathname === "/" || u.pathname === "") && !u.search)
      return { ok: true, value: `${u.protocol}//${u.host}` };
  } catch {
    // reported below
  }
  return badUrl(`${JSON.stringify(text)}: expected the service's base URL, http(s)://host[:port]`);
}

function toRecord(x: unknown): ServerRecord | undefined {
  if (typeof x !== "object" || x === null) return undefined;
  const { id, expiresAt, ...rest } = x as Record<string, unknown>;
  const info = checkServerInfo(rest);
  if (typeof id !== "string" || typeof expiresAt !== "number" || !info.ok) return undefined;
  return { id, expiresAt, ...info.value };
}

function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const badUrl = (message: string): { ok: false; error: ClientError } => ({ ok: false, error: { kind: "bad-url", message } });
const badResponse = (message: string): { ok: false; error: ClientError } => ({ ok: false, error: { kind: "bad-response", message } });

function call(method: string, url: string, body: string | undefined, opts: ClientOptions): Promise<ClientResult<{ status: number; body: string }>> {
  const send = url.startsWith("https:") ? httpsRequest : httpRequest;
  const headers: Record<string, string | number> = body === undefined ? {} : { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) };
  return new Promise((resolve) => {
    const req = send(url, { method, headers, agent: false, timeout: opts.timeoutMs ?? 5000, ...(opts.ca ? { ca: opts.ca } : {}) }, (res) =>
      readAll(res).then((text) => resolve(text === undefined ? badResponse("answer over 1 MiB") : interpret(res.statusCode ?? 0, text))),
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${opts.timeoutMs ?? 5000} ms`)));
    req.on("error", (err) => resolve({ ok: false, error: { kind: "unreachable", message: `${method} ${redactUrl(url)}: ${err.message}` } }));
    req.end(body);
  });
}

function interpret(status: number, body: string): ClientResult<{ status: number; body: string }> {
  if (status >= 200 && status < 300) return { ok: true, value: { status, body } };
  const err = jsonOf(body) as { errorCode?: unknown; message?: unknown; cause?: unknown } | undefined;
  const errorCode = typeof err?.errorCode === "number" ? err.errorCode : undefined;
  const cause = typeof err?.cause === "string" ? err.cause : undefined;
  const message = err && typeof err.message === "string" ? `${err.message}: ${String(err.cause ?? "")}` : `HTTP ${status}`;
  if (errorCode === undefined) return { ok: false, error: { kind: "http", status, message } };
  return { ok: false, error: cause === undefined ? { kind: "http", status, errorCode, message } : { kind: "http", status, errorCode, cause, message } };
}

function readAll(res: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_RESPONSE) res.destroy();
      else chunks.push(c);
    });
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("close", () => resolve(size > MAX_RESPONSE ? undefined : Buffer.concat(chunks).toString("utf8")));
  });
}

function redactUrl(url: string): string {
  return url.replace(/[0-9a-f]{32}/g, (t) => `${t.slice(0, 8)}…`);
}
