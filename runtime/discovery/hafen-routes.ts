// Routes of Hafen's own records, `/_hafen/<token>/…`, outside every token's etcd tree:
//   servers          GET (list)
//   servers/<id>     PUT ?ttl= (JSON announcement), DELETE
//   sealed/<name>    GET, PUT ?ttl= (sealed JSON blob), DELETE — no listing: readers know
//                    the name, and a listing would only tell a token thief what to take.
// Same order of checks as request.ts: route, record name, method, parameters, body.
import { excerpt, problem } from "./errors";
import { badMethod, checkParams, mediaType, notFound, only, parseIndex, refused, TOKEN_RE, withToken, type Query } from "./query";
import type { Parsed, RawRequest } from "./request";
import { checkSealedBlob, MAX_SEALED_TTL_SECONDS, SEALED_NAME_RE } from "./sealed";
import { parseServerInfo } from "./servers";

export const SERVER_ID_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** Server records are re-announced well within their TTL, so an hour is plenty. */
const MAX_SERVER_TTL_SECONDS = 3600;
const NAME_RULE = "expected 1 to 63 of a-z, 0-9, '.', '_', '-', starting with a letter or digit";

/** `segs` starts with `_hafen`. */
export function parseHafen(raw: RawRequest, segs: readonly string[], query: Query, path: string): Parsed {
  const token = segs[1];
  if (token === undefined || !TOKEN_RE.test(token)) return notFound(path);
  switch (segs[2]) {
    case "servers":
      return withToken(token, parseServers(raw, token, segs.slice(3), query, path));
    case "sealed":
      return withToken(token, parseSealed(raw, token, segs.slice(3), query, path));
    default:
      return notFound(path);
  }
}

function parseServers(raw: RawRequest, token: string, rest: readonly string[], query: Query, path: string): Parsed {
  if (rest.length > 1) return notFound(path);
  if (rest.length === 0) return only(raw, "GET", query, [], () => ({ kind: "server-list", token }));
  const id = rest[0]!;
  if (!SERVER_ID_RE.test(id)) return refused(problem(209, `server id ${excerpt(id)}: ${NAME_RULE}`));
  if (raw.method === "DELETE") return only(raw, "DELETE", query, [], () => ({ kind: "server-delete", token, id }));
  if (raw.method !== "PUT") return refused(badMethod(raw.method, "PUT or DELETE"));
  const ttl = parseTtl(query, MAX_SERVER_TTL_SECONDS);
  if (typeof ttl !== "number") return ttl;
  const type = mediaType(raw.contentType);
  if (type !== "application/json")
    return refused(problem(210, `Content-Type ${excerpt(raw.contentType ?? "(none)")}: send a JSON body with Content-Type application/json`));
  const info = parseServerInfo(raw.body);
  if (!info.ok) return refused(info.problem);
  return { ok: true, request: { kind: "server-put", token, id, info: info.value, ttlSeconds: ttl } };
}

function parseSealed(raw: RawRequest, token: string, rest: readonly string[], query: Query, path: string): Parsed {
  if (rest.length === 0)
    return refused(problem(100, `${excerpt(path, 80)}: sealed records are not listed; address one as /_hafen/<token>/sealed/<name>`));
  if (rest.length > 1) return notFound(path);
  const name = rest[0]!;
  if (!SEALED_NAME_RE.test(name)) return refused(problem(209, `sealed record name ${excerpt(name)}: ${NAME_RULE}`));
  switch (raw.method) {
    case "GET":
      return only(raw, "GET", query, [], () => ({ kind: "sealed-get", token, name }));
    case "DELETE":
      return only(raw, "DELETE", query, [], () => ({ kind: "sealed-delete", token, name }));
    case "PUT": {
      const ttl = parseTtl(query, MAX_SEALED_TTL_SECONDS);
      if (typeof ttl !== "number") return ttl;
      if (mediaType(raw.contentType) !== "application/json")
        return refused(problem(210, `Content-Type ${excerpt(raw.contentType ?? "(none)")}: send the sealed JSON text with Content-Type application/json`));
      const bad = checkSealedBlob(raw.body);
      return bad ? refused(bad) : { ok: true, request: { kind: "sealed-put", token, name, blob: raw.body, ttlSeconds: ttl } };
    }
    default:
      return refused(badMethod(raw.method, "GET, PUT or DELETE"));
  }
}

/** The required `ttl` parameter (whole seconds) and nothing else. */
function parseTtl(query: Query, max: number): number | Parsed {
  const bad = checkParams(query, ["ttl"]);
  if (bad) return refused(bad);
  const text = query.get("ttl");
  const ttl = text === undefined ? undefined : parseIndex(text);
  if (ttl === undefined || ttl < 1 || ttl > max)
    return refused(problem(202, `ttl=${excerpt(text ?? "(missing)")}: expected whole seconds from 1 to ${max}`));
  return ttl;
}
