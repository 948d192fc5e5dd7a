// Turns one HTTP request (method, target, content type, body text) into a typed
// discovery request, or a Problem naming the bad part. Pure: no I/O, no state, so the
// order of checks is fixed and testable — a query string that does not decode (→ 400),
// route (unknown path or malformed token → 404), method (→ 405, or etcd's 102/107 for
// writes to directories and `_config`), query parameters (unknown, repeated or bad
// values → 400), then the body (→ 400). Whether a token exists is the registry's
// question, asked only after all of this passed. Routes of etcd's protocol are here;
// Hafen's own records (`/_hafen/…`) are parsed in hafen-routes.ts.
import { excerpt, problem, type Problem } from "./errors";
import { parseHafen } from "./hafen-routes";
import { badMethod, checkParams, isProblem, mediaType, notFound, only, parseIndex, parseQuery, TOKEN_RE, withToken, type Query } from "./query";
import type { ServerInfo } from "./servers";

export { TOKEN_RE } from "./query";

/** A key inside a token's etcd tree: the dir itself, `_config`, `_config/size` or a member. */
export type EtcdPath =
  | { readonly kind: "dir" }
  | { readonly kind: "config" }
  | { readonly kind: "size" }
  | { readonly kind: "member"; readonly id: string };

export type DiscoveryRequest =
  | { readonly kind: "health" }
  | { readonly kind: "new"; readonly size: number }
  | { readonly kind: "get"; readonly token: string; readonly path: EtcdPath; readonly recursive: boolean; readonly sorted: boolean }
  | { readonly kind: "watch"; readonly token: string; readonly path: EtcdPath; readonly recursive: boolean; readonly waitIndex: number }
  | { readonly kind: "put"; readonly token: string; readonly id: string; readonly value: string; readonly prevExist: boolean | undefined }
  | { readonly kind: "delete"; readonly token: string; readonly id: string }
  | { readonly kind: "server-put"; readonly token: string; readonly id: string; readonly info: ServerInfo; readonly ttlSeconds: number }
  | { readonly kind: "server-list"; readonly token: string }
  | { readonly kind: "server-delete"; readonly token: string; readonly id: string }
  /** `blob` is the body exactly as sent, already checked to be a sealed blob (sealed.ts). */
  | { readonly kind: "sealed-put"; readonly token: string; readonly name: string; readonly blob: string; readonly ttlSeconds: number }
  | { readonly kind: "sealed-get"; readonly token: string; readonly name: string }
  | { readonly kind: "sealed-delete"; readonly token: string; readonly name: string };

export interface RawRequest {
  readonly method: string;
  /** The request target as sent: path plus optional query, e.g. `/abc?wait=true`. */
  readonly target: string;
  readonly contentType: string | undefined;
  /** The body decoded as UTF-8 ("" when absent). Size limits are the shell's job. */
  readonly body: string;
}

export type Parsed =
  | { readonly ok: true; readonly request: DiscoveryRequest }
  /** `token` is set when the path named a well-formed token (errors then carry its index). */
  | { readonly ok: false; readonly problem: Problem; readonly token?: string };

/** etcd member ids: types.ID printed as lowercase hex without leading zeros. */
export const MEMBER_ID_RE = /^[1-9a-f][0-9a-f]{0,15}$/;
/** The path under which Hafen's own records live, outside every token's etcd tree. */
export const HAFEN_PREFIX = "_hafen";
/** Cluster size when `GET /new` names none (as on discovery.etcd.io). */
export const DEFAULT_SIZE = 3;
/** Largest size `GET /new` accepts; Raft clusters beyond a handful of members only slow down. */
export const MAX_SIZE = 99;

export function parseRequest(raw: RawRequest): Parsed {
  const q = raw.target.indexOf("?");
  const path = q < 0 ? raw.target : raw.target.slice(0, q);
  const query = parseQuery(q < 0 ? "" : raw.target.slice(q + 1));
  if (!query.ok) return { ok: false, problem: query.problem };
  const segs = splitPath(path);
  if (segs === undefined) return notFound(path);
  if (segs.length === 1 && segs[0] === "health") return only(raw, "GET", query.value, [], () => ({ kind: "health" }));
  if (segs.length === 1 && segs[0] === "new") return parseNew(raw, query.value);
  if (segs[0] === HAFEN_PREFIX) return parseHafen(raw, segs, query.value, path);
  const token = segs[0];
  if (token === undefined || !TOKEN_RE.test(token)) return notFound(path);
  return withToken(token, parseEtcd(raw, token, segs.slice(1), query.value, path));
}

/** Path segments; one trailing slash is tolerated, empty or dot segments are not. */
function splitPath(path: string): string[] | undefined {
  if (!path.startsWith("/")) return undefined;
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(1, -1) : path.slice(1);
  const segs = trimmed.split("/");
  return segs.some((s) => s === "" || s === "." || s === "..") ? undefined : segs;
}

function parseNew(raw: RawRequest, query: Query): Parsed {
  const gate = only(raw, "GET", query, ["size"], () => ({ kind: "new", size: DEFAULT_SIZE }));
  if (!gate.ok) return gate;
  const text = query.get("size");
  if (text === undefined) return gate;
  const size = /^[1-9][0-9]{0,5}$/.test(text) ? Number(text) : 0;
  if (size < 1 || size > MAX_SIZE)
    return { ok: false, problem: problem(209, `size=${excerpt(text)}: expected a whole number from 1 to ${MAX_SIZE}`) };
  return { ok: true, request: { kind: "new", size } };
}

function parseBool(query: Query, name: string): boolean | Problem {
  const v = query.get(name);
  if (v === undefined || v === "false") return false;
  if (v === "true") return true;
  return problem(209, `${name}=${excerpt(v)}: expected true or false`);
}

function etcdPath(rest: readonly string[]): EtcdPath | undefined {
  if (rest.length === 0) return { kind: "dir" };
  if (rest[0] === "_config") {
    if (rest.length === 1) return { kind: "config" };
    if (rest.length === 2 && rest[1] === "size") return { kind: "size" };
    return undefined;
  }
  if (rest.length === 1 && MEMBER_ID_RE.test(rest[0]!)) return { kind: "member", id: rest[0]! };
  return undefined;
}

function parseEtcd(raw: RawRequest, token: string, rest: readonly string[], query: Query, path: string): Parsed {
  const target = etcdPath(rest);
  switch (raw.method) {
    case "GET":
      return target ? parseGet(token, target, query) : notFound(path);
    case "PUT":
      if (!target) return { ok: false, problem: problem(209, `key ${excerpt("/" + rest.join("/"))}: members register as /<token>/<id>, the id in lowercase hex without leading zeros (1 to 16 digits)`) };
      return target.kind === "member" ? parsePut(raw, token, target.id, query) : { ok: false, problem: readOnly(target) };
    case "DELETE":
      if (!target) return notFound(path);
      if (target.kind !== "member") return { ok: false, problem: readOnly(target) };
      return only(raw, "DELETE", query, [], () => ({ kind: "delete", token, id: target.id }));
    case "POST":
      return { ok: false, problem: problem(1004, "POST (in-order keys) is not supported; register with PUT /<token>/<memberIdHex>") };
    default:
      return { ok: false, problem: badMethod(raw.method, target?.kind === "member" ? "GET, PUT or DELETE" : "GET") };
  }
}

function readOnly(target: EtcdPath): Problem {
  return target.kind === "size"
    ? problem(107, "_config/size is set when the token is made (GET /new?size=N) and cannot change")
    : problem(102, `${target.kind === "dir" ? "the token" : "_config"} is a directory; write members as /<token>/<memberIdHex>`);
}

function parseGet(token: string, path: EtcdPath, query: Query): Parsed {
  const bad = checkParams(query, ["recursive", "sorted", "quorum", "wait", "waitIndex"]);
  if (bad) return { ok: false, problem: bad };
  const recursive = parseBool(query, "recursive");
  const sorted = parseBool(query, "sorted");
  const quorum = parseBool(query, "quorum");
  const wait = parseBool(query, "wait");
  for (const b of [recursive, sorted, quorum, wait]) if (isProblem(b)) return { ok: false, problem: b };
  const waitText = query.get("waitIndex");
  if (wait !== true) {
    if (waitText !== undefined) return { ok: false, problem: problem(209, "waitIndex is only meaningful with wait=true") };
    return { ok: true, request: { kind: "get", token, path, recursive: recursive === true, sorted: sorted === true } };
  }
  const waitIndex = waitText === undefined ? 0 : parseIndex(waitText);
  if (waitIndex === undefined)
    return { ok: false, problem: problem(203, `waitIndex=${excerpt(waitText!)}: expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`) };
  return { ok: true, request: { kind: "watch", token, path, recursive: recursive === true, waitIndex } };
}

function parsePut(raw: RawRequest, token: string, id: string, query: Query): Parsed {
  const bad = checkParams(query, ["prevExist"]);
  if (bad) return { ok: false, problem: bad };
  const pe = query.get("prevExist");
  if (pe !== undefined && pe !== "true" && pe !== "false")
    return { ok: false, problem: problem(209, `prevExist=${excerpt(pe)}: expected true or false`) };
  const form = parseForm(raw);
  if (isProblem(form)) return { ok: false, problem: form };
  const valueProblem = checkMemberValue(form);
  if (valueProblem) return { ok: false, problem: valueProblem };
  const prevExist = pe === undefined ? undefined : pe === "true";
  return { ok: true, request: { kind: "put", token, id, value: form, prevExist } };
}

/** The form body etcd sends: exactly `value=<urlencoded>`. Returns the value. */
function parseForm(raw: RawRequest): string | Problem {
  if (mediaType(raw.contentType) !== "application/x-www-form-urlencoded")
    return problem(210, `Content-Type ${excerpt(raw.contentType ?? "(none)")}: send the value as an application/x-www-form-urlencoded body "value=..."`);
  const fields = parseQuery(raw.body);
  if (!fields.ok) return problem(210, `body: ${fields.problem.cause}`);
  for (const name of fields.value.keys())
    if (name !== "value") return problem(210, `body field ${excerpt(name)} is not accepted; the body is "value=..." only`);
  const value = fields.value.get("value");
  if (value === undefined || value === "") return problem(200, "body: value=... is required");
  return value;
}

/** etcd reads a member's value as `name=peerURL[,name=peerURL…]`; anything else would
 * break formation for every member of the token, so it is refused at the door. */
export function checkMemberValue(value: string): Problem | undefined {
  for (const pair of value.split(",")) {
    const eq = pair.indexOf("=");
    const name = eq < 0 ? "" : pair.slice(0, eq);
    const url = eq < 0 ? "" : pair.slice(eq + 1);
    if (name === "" || /[\s=]/.test(name) || !isPeerUrl(url))
      return problem(209, `value ${excerpt(value)}: expected name=peerURL[,name=peerURL…] with http, https, unix or unixs URLs`);
  }
  return undefined;
}

function isPeerUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return ["http:", "https:", "unix:", "unixs:"].includes(u.protocol) && u.host !== "";
  } catch {
    return false;
  }
}
