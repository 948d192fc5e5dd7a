// A deliberately small HTTP toolkit for the API server: a router over method + path
// patterns, bounded JSON bodies and fleet-style errors. Handlers return a Reply value
// instead of writing to the response, so they can be tested without sockets.
import type { IncomingMessage, ServerResponse } from "node:http";

/** fleet's error entity: {"error":{"code":N,"message":"..."}} with application/json. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Headers the error response must carry (e.g. Allow on a 405). */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

/**
 * A client's value quoted for an error message: strings JSON-quoted and cut to `max`
 * characters, other scalars as JSON, containers by kind only. Never JSON.stringify on
 * an arbitrary value: a deeply nested body overflows the stack there (a 500).
 */
export function showValue(v: unknown, max = 80): string {
  if (typeof v === "string") return v.length > max ? `${JSON.stringify(v.slice(0, max))}…` : JSON.stringify(v);
  if (v === undefined) return "nothing";
  if (v === null || typeof v === "number" || typeof v === "boolean") return String(v);
  return Array.isArray(v) ? "a list" : `a ${typeof v === "object" ? "JSON object" : typeof v}`;
}

export type Reply =
  | { readonly kind: "json"; readonly status: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly kind: "empty"; readonly status: number }
  | { readonly kind: "text"; readonly status: number; readonly body: string; readonly contentType?: string }
  /** The handler wrote the response itself (streams, long-polls with their own timers). */
  | { readonly kind: "streamed" };

export const json = (status: number, body: unknown): Reply => ({ kind: "json", status, body });
export const empty = (status: number): Reply => ({ kind: "empty", status });
export const text = (status: number, body: string, contentType?: string): Reply => ({ kind: "text", status, body, contentType });

export interface RequestContext<P extends string = string> {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly params: Readonly<Record<P, string>>;
  /** Who is calling, as established by the server's authenticate hook. */
  readonly principal: Principal;
  /** Resolves when the client goes away (for long-polls). */
  readonly closed: Promise<void>;
}

/** Callers the API knows. `machine` principals may only act for their own machine id. */
export type Principal =
  | { readonly kind: "admin"; readonly via: "token" | "certificate" | "local" }
  | { readonly kind: "machine"; readonly machineId: string }
  | { readonly kind: "bootstrap" }
  | { readonly kind: "anonymous" };

export type Handler = (ctx: RequestContext) => Promise<Reply> | Reply;

interface Route {
  readonly method: string;
  readonly parts: readonly string[];
  readonly handler: Handler;
  /** Which principals may call it. */
  readonly allow: readonly Principal["kind"][];
}

export class Router {
  private readonly routes: Route[] = [];

  /** Path pattern: literal segments and `:name` parameters, e.g. `/fleet/v1/units/:name`. */
  add(method: string, pattern: string, allow: readonly Principal["kind"][], handler: Handler): this {
    this.routes.push({ method, parts: pattern.split("/").filter(Boolean), handler, allow });
    return this;
  }

  /** Finds the route; distinguishes "no such path" (404) from "wrong method" (405). */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | HttpError {
    const segs = path.split("/").filter(Boolean);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchParts(route.parts, segs);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method) return { route, params };
    }
    if (pathMatched) {
      const allowed = [...new Set(this.routes.filter((r) => matchParts(r.parts, segs)).map((r) => r.method))].join(", ");
      // RFC 9110: a 405 carries Allow.
      return new HttpError(405, `method ${method.slice(0, 20)} not allowed here; use ${allowed}`, { Allow: allowed });
    }
    return new HttpError(404, `no such resource: ${path}`);
  }
}

function matchParts(parts: readonly string[], segs: readonly string[]): Record<string, string> | undefined {
  if (parts.length !== segs.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    let s: string;
    try {
      s = decodeURIComponent(segs[i]!);
    } catch {
      return undefined;
    }
    if (p.startsWith(":")) params[p.slice(1)] = s;
    else if (p !== s) return undefined;
  }
  return params;
}

/** Reads a body of at most `limit` bytes; larger → 413 without reading the rest. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) throw new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `request body exceeds the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Which Content-Types a JSON endpoint takes. */
export interface JsonMediaTypes {
  /** Media types accepted besides application/json. */
  readonly also?: readonly string[];
  /** Whether a request without Content-Type is read as JSON. */
  readonly allowMissing?: boolean;
}

/**
 * fleet requires exactly one Content-Type: application/json on unit bodies (else 415).
 * Its PATCH /machines checks none, so that route also takes JSON-Patch's own type and none.
 */
export function requireJsonContentType(req: IncomingMessage, accept: JsonMediaTypes = {}): void {
  const ct = req.headers["content-type"];
  if (ct === undefined && accept.allowMissing) return;
  const value = (Array.isArray(ct) ? ct.join(",") : ct ?? "").split(";")[0]!.trim().toLowerCase();
  const types = ["application/json", ...(accept.also ?? [])];
  if (!types.includes(value)) {
    const got = ct === undefined ? "none" : JSON.stringify(String(ct).slice(0, 100));
    throw new HttpError(415, `Content-Type must be ${types.join(" or ")}, got ${got}`);
  }
}

export async function readJson(req: IncomingMessage, limit: number, accept: JsonMediaTypes = {}): Promise<unknown> {
  requireJsonContentType(req, accept);
  const body = await readBody(req, limit);
  if (body.length === 0) throw new HttpError(400, "request body is empty; expected a JSON document");
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new HttpError(400, `request body is not valid JSON: ${(err as Error).message}`);
  }
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  switch (reply.kind) {
    case "json": {
      const body = Buffer.from(JSON.stringify(reply.body));
      res.writeHead(reply.status, { ...reply.headers, "Content-Type": "application/json", "Content-Length": body.length });
      res.end(body);
      return;
    }
    case "empty":
      res.writeHead(reply.status);
      res.end();
      return;
    case "text": {
      const body = Buffer.from(reply.body);
      res.writeHead(reply.status, { "Content-Type": reply.contentType ?? "text/plain; charset=utf-8", "Content-Length": body.length });
      res.end(body);
      return;
    }
    case "streamed":
      return;
    default: {
      const never: never = reply;
      throw new Error(`unhandled reply ${JSON.stringify(never)}`);
    }
  }
}

export function errorReply(err: HttpError): Reply {
  const body = { error: { code: err.status, message: err.message } };
  return err.headers ? { kind: "json", status: err.status, body, headers: err.headers } : json(err.status, body);
}
