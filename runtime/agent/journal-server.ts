// The agent's own port: servers relay `hafen journal` requests here (fleetctl used SSH
// for this). Only a caller presenting the key this agent gave the servers at
// registration is answered; everything else gets 401. HTTPS when the machine has a
// certificate.
import { createServer as createHttp, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import { createServer as createHttps } from "node:https";
import { timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Executor } from "../executor/types";

export interface JournalServerOptions {
  readonly host: string;
  readonly port: number;
  readonly key: string;
  readonly executor: Executor;
  readonly tls?: { readonly cert: string; readonly key: string };
}

function authorized(req: IncomingMessage, key: string): boolean {
  const h = req.headers.authorization;
  if (typeof h !== "string" || !h.startsWith("Bearer ")) return false;
  const given = Buffer.from(h.slice(7).trim());
  const want = Buffer.from(key);
  return given.length === want.length && timingSafeEqual(given, want);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: JournalServerOptions): Promise<void> {
  if (!authorized(req, opts.key)) return reply(res, 401, { error: { code: 401, message: "unknown caller" } });
  const url = new URL(req.url ?? "/", "http://agent");
  const m = /^\/journal\/([^/]+)$/.exec(url.pathname);
  if (req.method !== "GET" || !m) return reply(res, 404, { error: { code: 404, message: "only GET /journal/<unit>" } });
  const lines = Number(url.searchParams.get("lines") ?? "10");
  if (!Number.isSafeInteger(lines) || lines < 0 || lines > 10_000) return reply(res, 400, { error: { code: 400, message: "lines must be 0..10000" } });
  let unit: string;
  try {
    unit = decodeURIComponent(m[1]!);
  } catch {
    return reply(res, 400, { error: { code: 400, message: "malformed unit name" } });
  }
  const known = (await opts.executor.list()).some((s) => s.name === unit);
  if (!known) return reply(res, 404, { error: { code: 404, message: `unit ${unit} is not loaded on this machine` } });
  return reply(res, 200, { lines: await opts.executor.journal(unit, lines) });
}

export async function startJournalServer(opts: JournalServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  const handler = (req: IncomingMessage, res: ServerResponse) =>
    void handle(req, res, opts).catch((err: Error) => reply(res, 500, { error: { code: 500, message: err.message } }));
  const server: Server = opts.tls ? createHttps({ cert: opts.tls.cert, key: opts.tls.key }, handler) : createHttp(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `${opts.tls ? "https" : "http"}://${addr.address.includes(":") ? `[${addr.address}]` : addr.address}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
