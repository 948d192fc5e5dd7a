// The API server's socket: HTTP on 127.0.0.1 for local clusters, HTTPS with optional
// client certificates otherwise. Authenticates every request, routes it, and turns any
// failure into fleet's error entity. Unexpected errors are logged and answered 500
// without internals.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { authenticate, type AuthConfig } from "../api/auth";
import { HttpError, errorReply, sendReply, type Router } from "../api/http";
import { StoreError } from "../store/types";

export interface TlsFiles {
  /** PEM texts. With `ca`, clients may authenticate with a certificate signed by it. */
  readonly cert: string;
  readonly key: string;
  readonly ca?: string;
}

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly tls?: TlsFiles;
  readonly auth: AuthConfig;
  readonly router: Router;
  readonly log: (line: string) => void;
}

export interface RunningHttpServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  const handler = (req: IncomingMessage, res: ServerResponse) => void handle(req, res, opts);
  const server: Server = opts.tls
    ? createHttpsServer(
        { cert: opts.tls.cert, key: opts.tls.key, ...(opts.tls.ca ? { ca: opts.tls.ca, requestCert: true, rejectUnauthorized: false } : {}) },
        handler,
      )
    : createHttpServer(handler);
  server.headersTimeout = 10_000;
  server.requestTimeout = 0; // long-polls hold requests open; each has its own bound
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  const url = `${opts.tls ? "https" : "http"}://${host}:${addr.port}`;
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: HttpServerOptions): Promise<void> {
  const started = Date.now();
  res.setHeader("Server", "hafen");
  const closed = new Promise<void>((resolve) => res.once("close", () => resolve()));
  let status = 500;
  try {
    const url = new URL(req.url ?? "/", "http://localhost");
    const found = opts.router.match(req.method ?? "GET", url.pathname);
    if (found instanceof HttpError) throw found;
    const principal = await authenticate(req, opts.auth);
    if (!found.route.allow.includes(principal.kind)) {
      if (principal.kind === "anonymous") {
        res.setHeader("WWW-Authenticate", 'Bearer realm="hafen"');
        throw new HttpError(401, "authentication required: send a bearer token or a client certificate signed by the cluster CA");
      }
      throw new HttpError(403, `a ${principal.kind} credential may not ${req.method} ${url.pathname}`);
    }
    const reply = await found.route.handler({ req, res, url, params: found.params, principal, closed });
    status = reply.kind === "streamed" ? res.statusCode : reply.status;
    if (!res.headersSent) sendReply(res, reply);
  } catch (err) {
    const httpErr =
      err instanceof HttpError
        ? err
        : err instanceof StoreError && err.code === "unavailable"
          ? new HttpError(503, `the cluster store is unavailable: ${err.message}`)
          : undefined;
    if (!httpErr) opts.log(`error: ${req.method} ${req.url}: ${(err as Error)?.stack ?? String(err)}`);
    const e = httpErr ?? new HttpError(500, "internal error; see the server log");
    status = e.status;
    if (!res.headersSent) sendReply(res, errorReply(e));
    else res.destroy();
  } finally {
    if (status >= 500) opts.log(`${req.method} ${req.url} → ${status} (${Date.now() - started} ms)`);
  }
}
