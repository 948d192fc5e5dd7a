// Hafen's own records in the discovery service: the API servers of a cluster announce
// themselves under `/_hafen/<token>/servers/<id>` so agents holding the same token can
// find them. They live outside `/<token>/` because etcd counts every key there (except
// `_config`) as a member. Each record carries a TTL: a server re-announces itself well
// within it (a third of the TTL is a good period), and a dead server's record vanishes.
// The token is the only credential, as with etcd's discovery: whoever holds it may read
// and write the records, so it must be handled like a secret (user data, not logs).
import { excerpt, problem, type Problem } from "./errors";

/** What a server announces. `endpoint` is the base URL agents call (http or https). */
export interface ServerInfo {
  readonly endpoint: string;
  /** Free-form labels (e.g. a CA fingerprint or a region), at most 32 short entries. */
  readonly meta: Readonly<Record<string, string>>;
}

/** A server record as listed: the announcement plus when it lapses (ms since epoch). */
export interface ServerRecord extends ServerInfo {
  readonly id: string;
  readonly expiresAt: number;
}

const MAX_META = 32;
const META_KEY_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_META_VALUE = 512;
const MAX_ENDPOINT = 2048;

export type InfoResult = { readonly ok: true; readonly value: ServerInfo } | { readonly ok: false; readonly problem: Problem };

/** Parses and checks a JSON body `{"endpoint": "...", "meta": {...}}`. */
export function parseServerInfo(text: string): InfoResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return fail(210, `body is not JSON (${(err as Error).message}); send {"endpoint":"https://host:port"}`);
  }
  return checkServerInfo(data);
}

export function checkServerInfo(data: unknown): InfoResult {
  if (typeof data !== "object" || data === null || Array.isArray(data))
    return fail(210, `body must be a JSON object like {"endpoint":"https://host:port"}`);
  const obj = data as Record<string, unknown>;
  for (const k of Object.keys(obj))
    if (k !== "endpoint" && k !== "meta") return fail(209, `body.${excerpt(k).slice(1, -1)}: unknown field; accepted: endpoint, meta`);
  const endpoint = obj["endpoint"];
  if (typeof endpoint !== "string" || !isHttpUrl(endpoint))
    return fail(209, `body.endpoint ${endpoint === undefined ? "is missing" : excerpt(String(endpoint))}: expected an http or https URL up to ${MAX_ENDPOINT} chars`);
  const meta = checkMeta(obj["meta"]);
  if (!meta.ok) return meta;
  return { ok: true, value: { endpoint, meta: meta.value } };
}

function checkMeta(meta: unknown): { ok: true; value: Record<string, string> } | { ok: false; problem: Problem } {
  if (meta === undefined) return { ok: true, value: {} };
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) return fail(209, "body.meta: expected an object of strings");
  const entries = Object.entries(meta as Record<string, unknown>);
  if (entries.length > MAX_META) return fail(209, `body.meta has ${entries.length} entries; at most ${MAX_META}`);
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (!META_KEY_RE.test(k)) return fail(209, `body.meta key ${excerpt(k)}: expected 1 to 64 of A-Z a-z 0-9 _ . -`);
    if (typeof v !== "string" || v.length > MAX_META_VALUE)
      return fail(209, `body.meta.${k}: expected a string up to ${MAX_META_VALUE} chars`);
    out[k] = v;
  }
  return { ok: true, value: out };
}

function isHttpUrl(text: string): boolean {
  if (text.length > MAX_ENDPOINT) return false;
  try {
    const u = new URL(text);
    return (u.protocol === "http:" || u.protocol === "https:") && u.host !== "";
  } catch {
    return false;
  }
}

function fail(code: Problem["code"], cause: string): { ok: false; problem: Problem } {
  return { ok: false, problem: problem(code, cause) };
}
