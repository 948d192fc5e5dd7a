// The authenticated API under /api/v1/ (JSON; errors as {"error":{code,message,problems?}}):
//   GET    status                      generation, counts, last reload and its problems
//   GET    groups | profiles           every document by name
//   GET    groups/NAME | profiles/NAME one document
//   PUT    groups/NAME | profiles/NAME put one document (validated with all the others)
//   DELETE groups/NAME | profiles/NAME
//   POST   apply                       several puts/deletes at once, all or nothing
//   GET    assets                      cached files with sha256 and size
//   PUT    assets/PATH?sha256=HEX      upload (body = the bytes); refused unless the hash matches
//   DELETE assets/PATH
// Writes change the files in the data directory, so what the service serves is always
// what an operator can read there.
import type { IncomingMessage } from "node:http";
import { HttpError, readBody } from "../api/http";
import type { AssetStore } from "./assets";
import { DIRS, type DocKind, type BootData } from "./model";
import { problemJson, formatBootProblem } from "./problems";
import type { ApplyResult, DataStore } from "./store";

export interface ApiReply {
  readonly status: number;
  readonly body?: unknown;
}

export interface ApiContext {
  readonly store: DataStore;
  readonly assets?: AssetStore;
  readonly maxJsonBytes: number;
  readonly maxAssetBytes: number;
  readonly log: (message: string) => void;
}

const err = (status: number, message: string, extra: Record<string, unknown> = {}): ApiReply => ({ status, body: { error: { code: status, message, ...extra } } });

function applied(r: ApplyResult): ApiReply {
  if (r.ok) return { status: 200, body: { generation: r.generation, changed: r.changed } };
  return err(r.status, r.problems ? `${r.message}:\n${r.problems.map(formatBootProblem).join("\n")}` : r.message, r.problems ? { problems: r.problems.map(problemJson) } : {});
}

async function jsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const ct = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (ct !== "application/json") throw new HttpError(415, `Content-Type must be application/json, got ${JSON.stringify(req.headers["content-type"] ?? "none")}`);
  const body = await readBody(req, limit);
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (e) {
    throw new HttpError(400, `body is not valid JSON: ${(e as Error).message}`);
  }
}

function docsOf(ctx: ApiContext, kind: DocKind): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of ctx.store.snapshot().docs) if (d.kind === kind) out[d.name] = d.value;
  return out;
}

function status(ctx: ApiContext): ApiReply {
  const s = ctx.store.snapshot();
  const last = ctx.store.lastReload();
  return {
    status: 200,
    body: {
      generation: s.generation,
      groups: s.data.groups.size,
      profiles: s.data.profiles.size,
      assets: ctx.assets ? ctx.assets.index().size : null,
      lastReload: { at: last.at.toISOString(), ok: last.ok, problems: last.problems.map(problemJson) },
    },
  };
}

/** Profiles whose boot images name this cached path, with the hash they expect. */
function assetUsers(data: BootData, path: string): { profile: string; sha256: string }[] {
  const out: { profile: string; sha256: string }[] = [];
  for (const p of data.profiles.values()) {
    const b = p.boot;
    const refs = [b.kernel, ...b.initrd, ...(b.os === "fedora-coreos" ? [b.rootfs] : [])];
    for (const r of refs) if (r.source === "asset" && r.path === path) out.push({ profile: p.name, sha256: r.sha256 });
  }
  return out;
}

async function assetRoute(ctx: ApiContext, req: IncomingMessage, path: string, url: URL): Promise<ApiReply> {
  const assets = ctx.assets;
  if (!assets) return err(404, "this service has no assets cache; start it with --assets DIR");
  const users = assetUsers(ctx.store.snapshot().data, path);
  if (req.method === "DELETE") {
    if (users.length) return err(409, `${path} is used by profile(s) ${users.map((u) => u.profile).join(", ")}; change them first`);
    return (await assets.remove(path)) ? { status: 204 } : err(404, `no cached asset ${path}`);
  }
  if (req.method !== "PUT") return err(405, `method ${req.method} not allowed on assets/PATH; use PUT or DELETE`);
  const sha = url.searchParams.get("sha256") ?? "";
  if (!/^[0-9a-fA-F]{64}$/.test(sha)) return err(400, "give the file's SHA-256 as ?sha256=<64 hex digits>; the upload is refused unless it matches");
  const clash = users.find((u) => u.sha256 !== sha.toLowerCase());
  if (clash) return err(409, `profile ${clash.profile} expects ${path} to have sha256 ${clash.sha256}; replacing it would break that profile`);
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > ctx.maxAssetBytes) return err(413, `upload of ${declared} bytes exceeds ${ctx.maxAssetBytes} bytes (--max-asset-bytes)`);
  const r = await assets.put(path, req, sha, ctx.maxAssetBytes);
  if (!r.ok) return err(r.code === "checksum-mismatch" ? 422 : r.code === "too-large" ? 413 : r.code === "invalid-path" ? 400 : 500, r.message);
  ctx.log(`asset ${path} stored (${r.size} bytes, sha256 ${r.sha256})`);
  await ctx.store.reload(); // profiles waiting for this asset may load now
  return { status: 201, body: { path, sha256: r.sha256, size: r.size } };
}

async function docRoute(ctx: ApiContext, req: IncomingMessage, kind: DocKind, name: string | undefined): Promise<ApiReply> {
  const key = DIRS[kind];
  if (name === undefined) return req.method === "GET" ? { status: 200, body: { [key]: docsOf(ctx, kind) } } : err(405, `method ${req.method} not allowed on ${key}; use GET`);
  const doc = ctx.store.snapshot().docs.find((d) => d.kind === kind && d.name === name);
  switch (req.method) {
    case "GET":
      return doc ? { status: 200, body: doc.value } : err(404, `no ${kind} named ${name}`);
    case "PUT":
      return applied(await ctx.store.apply({ [key]: { [name]: await jsonBody(req, ctx.maxJsonBytes) } }));
    case "DELETE":
      if (!doc) return err(404, `no ${kind} named ${name}`);
      return applied(await ctx.store.apply({ [key]: { [name]: null } }));
    default:
      return err(405, `method ${req.method} not allowed on ${key}/NAME; use GET, PUT or DELETE`);
  }
}

/** `rest` is the path after /api/v1/. */
export async function handleApi(ctx: ApiContext, req: IncomingMessage, rest: string, url: URL): Promise<ApiReply> {
  try {
    const [head, ...tail] = rest.split("/");
    const name = tail.length ? decodeURIComponent(tail.join("/")) : undefined;
    switch (head) {
      case "status":
        if (tail.length) return err(404, `no such resource: /api/v1/${rest}`);
        return req.method === "GET" ? status(ctx) : err(405, "use GET /api/v1/status");
      case "apply":
        if (tail.length || req.method !== "POST") return err(405, "use POST /api/v1/apply");
        return applied(await ctx.store.apply(await jsonBody(req, ctx.maxJsonBytes)));
      case "groups":
      case "profiles":
        if (tail.length > 1) return err(404, `no such resource: /api/v1/${rest}`);
        return await docRoute(ctx, req, head === "groups" ? "group" : "profile", name);
      case "assets":
        if (name === undefined) return req.method === "GET" ? { status: 200, body: { assets: Object.fromEntries(ctx.assets?.index() ?? []) } } : err(405, "use GET /api/v1/assets");
        return await assetRoute(ctx, req, name, url);
      default:
        return err(404, `no such resource: /api/v1/${rest}; see GET /api/v1/status, groups, profiles, apply, assets`);
    }
  } catch (e) {
    if (e instanceof HttpError) return err(e.status, e.message);
    if (e instanceof URIError) return err(400, "the path has a malformed percent-encoding");
    throw e;
  }
}
