// The HTTP(S) shell around the registry: reads bounded bodies, parses, executes, and
// answers only once everything the answer reflects is on disk (journal.durable). Long-
// polls are held open here and answered when the registry fires them, when their time
// is up (an empty 200, which etcd's client answers by asking again) or at shutdown.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { problem, type Problem } from "./errors";
import { Journal } from "./journal";
import { Registry, type Clock, type Fired, type Reply } from "./registry";
import { parseRequest, type DiscoveryRequest } from "./request";
import type { LogRecord } from "./records";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type Logger = (level: LogLevel, message: string) => void;

export interface DiscoveryServerOptions {
  /** Address to bind; port 0 lets the kernel choose (see `port` on the result). */
  readonly host: string;
  readonly port: number;
  /** Where tokens, registrations and sealed records are kept (created with mode 0700). */
  readonly dataDir: string;
  /** Base of the token URLs handed out, `http(s)://host[:port]` without a path. Default:
   * derived from the bound address; required when binding a wildcard address. */
  readonly publicUrl?: string;
  /** PEM certificate chain and key: serve HTTPS. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Long-poll duration before an empty 200 (default 60 s). */
  readonly pollTimeoutMs?: number;
  /** Largest request body accepted (default 8 KiB); larger gets 413. */
  readonly maxBodyBytes?: number;
  readonly historyLimit?: number;
  readonly maxWatchers?: number;
  readonly maxTokens?: number;
  readonly maxServersPerToken?: number;
  /** Sealed records a token may hold (default 16). */
  readonly maxSealedPerToken?: number;
  readonly compactMinBytes?: number;
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Called once if the disk fails; the service then answers 503 and should be restarted. */
  readonly onFatal?: (err: Error) => void;
}

export interface DiscoveryServer {
  /** The public base URL (token URLs are `${url}/<token>`). */
  readonly url: string;
  readonly port: number;
  /** Tokens replayed from disk at start. */
  readonly replayed: number;
  /** Long-polls currently waiting (tests use it to order events deterministically). */
  waiting(): number;
  /** Plain view of all state, for tests comparing before and after. */
  dump(): unknown;
  /** Stops accepting, answers waiting long-polls, flushes the log and releases the data
   * dir. Calling it again returns the same promise. */
  close(): Promise<void>;
}

interface Pending {
  readonly res: ServerResponse;
  readonly line: string;
  readonly started: number;
}

const WILDCARDS = new Set(["0.0.0.0", "::", "[::]", ""]);

export async function startDiscoveryServer(opts: DiscoveryServerOptions): Promise<DiscoveryServer> {
  const log: Logger = opts.log ?? (() => undefined);
  if (!opts.publicUrl && WILDCARDS.has(opts.host))
    throw new Error(`listening on ${opts.host || "all addresses"} needs a public URL (--public-url) to build token URLs from`);
  const fixedPublic = opts.publicUrl === undefined ? undefined : checkPublicUrl(opts.publicUrl);
  let publicUrl = fixedPublic ?? "";
  const registry = new Registry<Pending>({
    clock: opts.clock ?? { now: () => Date.now() },
    newToken: () => randomBytes(16).toString("hex"),
    tokenUrl: (token) => `${publicUrl}/${token}`,
    pollTimeoutMs: opts.pollTimeoutMs,
    historyLimit: opts.historyLimit,
    maxWatchers: opts.maxWatchers,
    maxTokens: opts.maxTokens,
    maxServersPerToken: opts.maxServersPerToken,
    maxSealedPerToken: opts.maxSealedPerToken,
  });
  const { journal, replayed } = await Journal.open({
    dir: opts.dataDir,
    replay: (r) => registry.replay(r),
    snapshot: () => registry.snapshot(),
    warn: (m) => log("warn", m),
    compactMinBytes: opts.compactMinBytes,
  });
  const shell = new Shell(registry, journal, log, opts.maxBodyBytes ?? 8192, opts.onFatal);
  const server = createServer(opts.tls, (req, res) => void shell.handle(req, res));
  try {
    await listen(server, opts.host, opts.port);
  } catch (err) {
    await journal.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(":") && !opts.host.startsWith("[") ? `[${opts.host}]` : opts.host;
  publicUrl = fixedPublic ?? `${opts.tls ? "https" : "http"}://${host}:${port}`;
  const sweepMs = Math.min(1000, Math.max(10, Math.floor((opts.pollTimeoutMs ?? 60_000) / 4)));
  const sweeper = setInterval(() => void shell.deliver(registry.sweep()), sweepMs);
  log("info", `replayed ${registry.tokenCount} tokens (${replayed} records) from ${opts.dataDir}`);
  const shutDown = async (): Promise<void> => {
    clearInterval(sweeper);
    shell.closing = true; // from here on every answer carries Connection: close
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await shell.deliver(registry.sweep(true));
    await journal.close().catch((err: Error) => log("error", err.message));
    const force = setTimeout(() => server.closeAllConnections(), 1000);
    await stopped;
    clearTimeout(force);
  };
  let closed: Promise<void> | undefined;
  return {
    url: publicUrl,
    port,
    replayed: registry.tokenCount,
    waiting: () => registry.waiting,
    dump: () => registry.dump(),
    close: () => (closed ??= shutDown()),
  };
}

function createServer(tls: DiscoveryServerOptions["tls"], handler: (req: IncomingMessage, res: ServerResponse) => void): Server {
  // Slow or stalled senders are cut off; long-polls are unaffected (these time the request, not the answer).
  const timeouts = { requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 };
  return tls ? createHttpsServer({ ...timeouts, cert: tls.cert, key: tls.key }, handler) : createHttpServer(timeouts, handler);
}

function checkPublicUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new Error(`public URL ${JSON.stringify(text)} is not a URL; expected http(s)://host[:port]`);
  }
  if ((u.protocol !== "http:" && u.protocol !== "https:") || (u.pathname !== "/" && u.pathname !== "") || u.search || u.hash || u.username)
    throw new Error(`public URL ${JSON.stringify(text)}: expected http(s)://host[:port] without path, query or credentials`);
  return `${u.protocol}//${u.host}`;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host.replace(/^\[(.*)\]$/, "$1"), () => {
      server.off("error", reject);
      resolve();
    });
  });
}

class Shell {
  closing = false;
  private fatalReported = false;
  /** Sequence number of each token's last appended record. */
  private readonly tokenSeq = new Map<string, number>();

  constructor(
    private readonly registry: Registry<Pending>,
    private readonly journal: Journal,
    private readonly log: Logger,
    private readonly maxBody: number,
    private readonly onFatal: ((err: Error) => void) | undefined,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const p: Pending = { res, line: `${req.method} ${redact(req.url ?? "")}`, started: Date.now() };
    const unavailable = this.closing ? "the service is shutting down" : this.journal.failed ? "storage failed; restart the service" : undefined;
    if (unavailable) return this.send(p, this.registry.errorReply(problem(unavailable.startsWith("storage") ? 300 : 1005, unavailable), undefined));
    const body = await readBody(req, this.maxBody);
    if (typeof body !== "string") {
      res.setHeader("Connection", "close");
      return this.send(p, this.registry.errorReply(body, undefined));
    }
    const parsed = parseRequest({ method: req.method ?? "", target: req.url ?? "", contentType: req.headers["content-type"], body });
    if (!parsed.ok) return this.send(p, this.registry.errorReply(parsed.problem, parsed.token));
    if (parsed.request.kind === "health") return this.send(p, { kind: "json", status: 200, body: { health: "true" } });
    const outcome = this.registry.execute(parsed.request, p);
    if (outcome.kind === "waiting") {
      this.log("debug", `${p.line} waiting`);
      res.on("close", () => this.registry.cancel(outcome.watcherId));
      return;
    }
    await this.afterDurable(this.seqFor(parsed.request, outcome.record), [{ ctx: p, reply: outcome.reply }, ...outcome.fired]);
  }

  /** The log position an answer must wait for: its own record, or else the last record
   * of the token it reads (a read of one token need not wait for another's writes). */
  private seqFor(req: DiscoveryRequest, record: LogRecord | undefined): number {
    if (record) {
      const seq = this.journal.append(record);
      this.tokenSeq.set(record.token, seq);
      return seq;
    }
    return "token" in req ? this.tokenSeq.get(req.token) ?? 0 : 0;
  }

  /** Answers long-polls the registry fired (timeouts, shutdown). */
  async deliver(fired: readonly Fired<Pending>[]): Promise<void> {
    if (fired.length > 0) await this.afterDurable(this.journal.lastSeq, fired);
  }

  private async afterDurable(seq: number, answers: readonly Fired<Pending>[]): Promise<void> {
    try {
      await this.journal.durable(seq);
      for (const a of answers) this.send(a.ctx, a.reply);
    } catch (err) {
      this.reportFatal(err as Error);
      const reply = this.registry.errorReply(problem(300, "storage failed; restart the service"), undefined);
      for (const a of answers) this.send(a.ctx, reply);
    }
  }

  private reportFatal(err: Error): void {
    if (this.fatalReported) return;
    this.fatalReported = true;
    this.log("error", err.message);
    this.onFatal?.(err);
  }

  private send(p: Pending, reply: Reply): void {
    const { res } = p;
    if (res.writableEnded || res.destroyed) return;
    const level = reply.kind === "empty" ? "debug" : reply.status >= 500 ? "warn" : "info";
    this.log(level, `${p.line} ${reply.status} ${Date.now() - p.started}ms`);
    if (this.closing) res.setHeader("Connection", "close");
    switch (reply.kind) {
      case "json": {
        const text = JSON.stringify(reply.body) + "\n";
        if (reply.index !== undefined) res.setHeader("X-Etcd-Index", String(reply.index));
        res.writeHead(reply.status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      case "text":
        res.writeHead(reply.status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(reply.body) });
        res.end(reply.body);
        return;
      case "blob":
        // A sealed secret: no proxy or client cache should keep a copy past its TTL.
        res.writeHead(reply.status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(reply.body), "Cache-Control": "no-store" });
        res.end(reply.body);
        return;
      case "empty":
        res.writeHead(200, { "X-Etcd-Index": String(reply.index), "Content-Length": 0 });
        res.end();
        return;
      default: {
        const _never: never = reply;
        return _never;
      }
    }
  }
}

/** Reads the body as UTF-8, refusing more than `max` bytes before reading them all. */
function readBody(req: IncomingMessage, max: number): Promise<string | Problem> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > max) return Promise.resolve(problem(1002, `body of ${declared} bytes; at most ${max}`));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners("data");
        req.pause();
        resolve(problem(1002, `body over ${max} bytes`));
      } else chunks.push(c);
    });
    req.on("end", () => {
      try {
        resolve(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks)));
      } catch {
        resolve(problem(210, "body is not valid UTF-8"));
      }
    });
    req.on("error", () => resolve(problem(210, "body could not be read")));
  });
}

/** Tokens are credentials: logs show only their first 8 digits. */
export function redact(target: string): string {
  return target.replace(/[0-9a-f]{32}/g, (t) => `${t.slice(0, 8)}…`);
}
