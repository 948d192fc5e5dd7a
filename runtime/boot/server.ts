// The HTTP(S) shell of the boot service: routes requests to the pure machine answers,
// the assets cache and the authenticated API; reloads the data directory when its files
// change (and on reload()). Binds where it is told — tests use 127.0.0.1 only.
import { createReadStream, watch, type FSWatcher } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { BlockList, isIPv4, type AddressInfo } from "node:net";
import { join } from "node:path";
import { answerMachine, MACHINE_PATHS, type MachinePath } from "./answer";
import { handleApi, type ApiReply } from "./api";
import { AssetStore } from "./assets";
import { bearerAccepted } from "./auth";
import { DIRS } from "./model";
import { formatBootProblem } from "./problems";
import { DataStore, type ReloadStatus } from "./store";

export type Logger = (level: "info" | "warn" | "error", message: string) => void;

export interface BootServerOptions {
  readonly host: string;
  /** 0 lets the kernel choose (see `port` on the result). */
  readonly port: number;
  readonly dataDir: string;
  /** Serve /assets/ from this directory and accept uploads into it. */
  readonly assetsDir?: string;
  /** Base URL machines reach the service at; default from the bound address. */
  readonly publicUrl?: string;
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** SHA-256 digests of the accepted API tokens; none = the API answers 403. */
  readonly tokenHashes?: readonly string[];
  /** Networks allowed to fetch /config and /metadata (CIDRs); default everyone. */
  readonly configFrom?: readonly string[];
  readonly maxAssetBytes?: number;
  /** Reload when files under groups/ or profiles/ change (default true). */
  readonly watch?: boolean;
  readonly debounceMs?: number;
  readonly log?: Logger;
}

export interface BootServer {
  readonly url: string;
  readonly port: number;
  readonly store: DataStore;
  /** Re-reads the data directory now (what SIGHUP does). */
  reload(): Promise<ReloadStatus>;
  close(): Promise<void>;
}

const WILDCARDS = new Set(["0.0.0.0", "::", "[::]", ""]);

export function checkPublicUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new Error(`public URL ${JSON.stringify(text)} is not a URL; expected http(s)://host[:port]`);
  }
  if ((u.protocol !== "http:" && u.protocol !== "https:") || (u.pathname !== "/" && u.pathname !== "") || u.search || u.hash || u.username || u.password || /[$"'`\\]/.test(u.href))
    throw new Error(`public URL ${JSON.stringify(text)}: expected http(s)://host[:port] without path, query, credentials or quotes`);
  return `${u.protocol}//${u.host}`;
}

/** CIDRs → a BlockList used as an allow-list; throws naming the bad entry. */
export function allowList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const m = /^([0-9a-fA-F.:]+)\/(\d{1,3})$/.exec(c.trim());
    const type = m && isIPv4(m[1]!) ? "ipv4" : "ipv6";
    const max = type === "ipv4" ? 32 : 128;
    if (!m || Number(m[2]) > max) throw new Error(`${JSON.stringify(c)} is not a CIDR such as 10.0.0.0/24 or fd00::/64`);
    try {
      list.addSubnet(m[1]!, Number(m[2]), type);
    } catch {
      throw new Error(`${JSON.stringify(c)} is not a CIDR such as 10.0.0.0/24 or fd00::/64`);
    }
  }
  return list;
}

function allowed(list: BlockList, address: string | undefined): boolean {
  if (!address) return false;
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  return v4 ? list.check(v4, "ipv4") : list.check(address, isIPv4(address) ? "ipv4" : "ipv6");
}

function sendJson(res: ServerResponse, r: ApiReply): void {
  if (r.body === undefined) {
    res.writeHead(r.status, { "Content-Length": 0 });
    res.end();
    return;
  }
  const body = Buffer.from(`${JSON.stringify(r.body)}\n`);
  res.writeHead(r.status, { "Content-Type": "application/json", "Content-Length": body.length });
  res.end(body);
}

function sendText(res: ServerResponse, status: number, contentType: string, body: string, head: boolean): void {
  const bytes = Buffer.from(body, "utf8");
  res.writeHead(status, { "Content-Type": contentType, "Content-Length": bytes.length, "Cache-Control": "no-store" });
  res.end(head ? undefined : bytes);
}

interface Shell {
  readonly base: string;
  readonly store: DataStore;
  readonly assets?: AssetStore;
  readonly opts: BootServerOptions;
  readonly configAllow?: BlockList;
  readonly log: Logger;
}

const TEXT = "text/plain; charset=utf-8";

/** What was answered, for the request log. */
interface Answered {
  readonly status: number;
  readonly note?: string;
}

function machineRequest(s: Shell, req: IncomingMessage, res: ServerResponse, path: MachinePath, query: string): Answered {
  const method = req.method ?? "GET";
  const head = method === "HEAD";
  if (method !== "GET" && !head) {
    sendText(res, 405, TEXT, `method ${method} not allowed; machines GET ${path}\n`, false);
    return { status: 405 };
  }
  if ((path === "/config" || path === "/metadata") && s.configAllow && !allowed(s.configAllow, req.socket.remoteAddress)) {
    sendText(res, 403, TEXT, `${path} is served only to the boot networks (--config-from)\n`, head);
    return { status: 403, note: ` from ${req.socket.remoteAddress}` };
  }
  const a = answerMachine(s.store.snapshot().data, s.base, path, query);
  sendText(res, a.status, a.contentType, a.body, head);
  return { status: a.status, ...(a.group && { note: ` group=${a.group}` }) };
}

async function apiRequest(s: Shell, req: IncomingMessage, res: ServerResponse, path: string, target: string): Promise<Answered> {
  const hashes = s.opts.tokenHashes ?? [];
  let r: ApiReply;
  if (hashes.length === 0) r = { status: 403, body: { error: { code: 403, message: "the API is disabled; start the service with --token-file" } } };
  else if (!bearerAccepted(req.headers.authorization, hashes)) {
    res.setHeader("WWW-Authenticate", 'Bearer realm="hafen-boot"');
    r = { status: 401, body: { error: { code: 401, message: "missing or wrong bearer token (Authorization: Bearer <token from --token-file>)" } } };
  } else {
    const ctx = { store: s.store, assets: s.assets, maxJsonBytes: 8 * 1024 * 1024, maxAssetBytes: s.opts.maxAssetBytes ?? 4 * 1024 ** 3, log: (m: string) => s.log("info", m) };
    r = await handleApi(ctx, req, path.slice("/api/v1/".length), new URL(target, "http://boot.invalid"));
    if (r.status === 422 || r.status === 409) s.log("warn", `${req.method} ${path}: ${(r.body as { error: { message: string } }).error.message}`);
  }
  sendJson(res, r);
  return { status: r.status };
}

async function route(s: Shell, req: IncomingMessage, res: ServerResponse, target: string, path: string, query: string): Promise<Answered> {
  const method = req.method ?? "GET";
  if ((MACHINE_PATHS as readonly string[]).includes(path)) return machineRequest(s, req, res, path as MachinePath, query);
  if (path === "/healthz") {
    sendJson(res, { status: 200, body: { ok: true, generation: s.store.snapshot().generation } });
    return { status: 200 };
  }
  if (path.startsWith("/assets/") && (method === "GET" || method === "HEAD")) return serveAsset(s, res, path.slice("/assets/".length), method === "HEAD");
  if (path.startsWith("/api/v1/")) return apiRequest(s, req, res, path, target);
  sendText(res, 404, TEXT, `no such endpoint ${path}; machines use /boot.ipxe, /ipxe, /config, /metadata\n`, method === "HEAD");
  return { status: 404 };
}

async function handle(s: Shell, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = req.url ?? "/";
  const q = target.indexOf("?");
  const path = q < 0 ? target : target.slice(0, q);
  const a = await route(s, req, res, target, path, q < 0 ? "" : target.slice(q + 1));
  s.log(a.status >= 500 ? "error" : "info", `${req.method} ${path} ${a.status}${a.note ?? ""}`);
}

function serveAsset(s: Shell, res: ServerResponse, rawPath: string, head: boolean): Answered {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    path = "";
  }
  const found = s.assets?.fileFor(path);
  if (!found) {
    sendText(res, 404, TEXT, `no cached asset ${JSON.stringify(path)}\n`, head);
    return { status: 404 };
  }
  res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": found.info.size, ETag: `"${found.info.sha256}"` });
  if (head) res.end();
  else
    createReadStream(found.file)
      .on("error", () => res.destroy())
      .pipe(res);
  return { status: 200 };
}

function watchData(dir: string, debounceMs: number, reload: () => void, log: Logger): { close(): void } {
  let timer: NodeJS.Timeout | undefined;
  const watchers: FSWatcher[] = Object.values(DIRS).map((sub) =>
    watch(join(dir, sub), () => {
      clearTimeout(timer);
      timer = setTimeout(reload, debounceMs);
    }).on("error", (e) => log("warn", `watching ${sub}/ stopped: ${e.message}; send SIGHUP to reload`)),
  );
  return {
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host.replace(/^\[(.*)\]$/, "$1"), () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function reloadLogged(store: DataStore, log: Logger): Promise<ReloadStatus> {
  const before = store.snapshot().generation;
  const r = await store.reload();
  const now = store.snapshot();
  if (!r.ok) log("warn", `data directory refused, still serving generation ${now.generation}:\n${r.problems.map(formatBootProblem).join("\n")}`);
  else if (now.generation !== before) log("info", `data reloaded: generation ${now.generation}, ${now.data.groups.size} groups, ${now.data.profiles.size} profiles`);
  return r;
}

export async function startBootServer(opts: BootServerOptions): Promise<BootServer> {
  const log: Logger = opts.log ?? (() => undefined);
  if (!opts.publicUrl && WILDCARDS.has(opts.host)) throw new Error(`listening on ${opts.host || "all addresses"} needs --public-url: machines must be told where to fetch their configs`);
  const fixed = opts.publicUrl === undefined ? undefined : checkPublicUrl(opts.publicUrl);
  const configAllow = opts.configFrom?.length ? allowList(opts.configFrom) : undefined;
  const assets = opts.assetsDir ? await AssetStore.open(opts.assetsDir) : undefined;
  const store = await DataStore.open(opts.dataDir, () => assets?.index());
  const shell: { s?: Shell } = {};
  const handler = (req: IncomingMessage, res: ServerResponse) =>
    void handle(shell.s!, req, res).catch((e: Error) => {
      log("error", `${req.method} ${req.url}: ${e.stack ?? e.message}`);
      if (!res.headersSent) sendJson(res, { status: 500, body: { error: { code: 500, message: "internal error; see the service log" } } });
      else res.destroy();
    });
  const timeouts = { requestTimeout: 600_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 };
  const server: Server = opts.tls ? createHttpsServer({ ...timeouts, cert: opts.tls.cert, key: opts.tls.key }, handler) : createHttpServer(timeouts, handler);
  const port = await listen(server, opts.host, opts.port);
  const host = opts.host.includes(":") && !opts.host.startsWith("[") ? `[${opts.host}]` : opts.host;
  const base = fixed ?? `${opts.tls ? "https" : "http"}://${host}:${port}`;
  shell.s = { base, store, ...(assets && { assets }), opts, ...(configAllow && { configAllow }), log };
  const reload = () => reloadLogged(store, log);
  const watcher = opts.watch === false ? undefined : watchData(opts.dataDir, opts.debounceMs ?? 100, () => void reload(), log);
  return {
    url: base,
    port,
    store,
    reload,
    async close() {
      watcher?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 1000);
      await closed;
      clearTimeout(force);
      await store.idle();
    },
  };
}
