// What the route parsers share (request.ts for etcd's tree, hafen-routes.ts for Hafen's
// own records): the query string, accepted parameters and methods, whole numbers, media
// types, and the shapes of a refusal. Pure.
import { excerpt, problem, type Problem } from "./errors";
import type { DiscoveryRequest, Parsed, RawRequest } from "./request";

export type Query = ReadonlyMap<string, string>;

/** A discovery token: 128 random bits in lowercase hex. */
export const TOKEN_RE = /^[0-9a-f]{32}$/;

export function parseQuery(text: string): { ok: true; value: Query } | { ok: false; problem: Problem } {
  const out = new Map<string, string>();
  if (text === "") return { ok: true, value: out };
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = decode(eq < 0 ? "" : pair.slice(eq + 1));
    if (name === undefined || value === undefined)
      return { ok: false, problem: problem(209, `query ${excerpt(pair)}: malformed percent-encoding`) };
    if (out.has(name)) return { ok: false, problem: problem(209, `query parameter "${excerpt(name).slice(1, -1)}" given twice; give it once`) };
    out.set(name, value);
  }
  return { ok: true, value: out };
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
}

/** Refuses parameters the route does not know, naming the ones it does. */
export function checkParams(query: Query, accepted: readonly string[]): Problem | undefined {
  for (const name of query.keys()) {
    if (!accepted.includes(name)) {
      const known = accepted.length ? `accepted here: ${accepted.join(", ")}` : "this endpoint takes no parameters";
      return problem(209, `unknown query parameter ${excerpt(name)}; ${known}`);
    }
  }
  return undefined;
}

/** A route that takes one method and the listed parameters (no body). */
export function only(raw: RawRequest, method: string, query: Query, params: readonly string[], build: () => DiscoveryRequest): Parsed {
  if (raw.method !== method) return { ok: false, problem: badMethod(raw.method, method) };
  const bad = checkParams(query, params);
  return bad ? { ok: false, problem: bad } : { ok: true, request: build() };
}

export function badMethod(method: string, allowed: string): Problem {
  return problem(1004, `method ${excerpt(method, 16)} is not allowed here; use ${allowed}`);
}

/** A whole number 0..2^53-1 written in plain digits, or undefined. */
export function parseIndex(text: string): number | undefined {
  if (!/^[0-9]{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The media type of a Content-Type header, lowercased, without parameters ("" when absent). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

export function isProblem(x: unknown): x is Problem {
  return typeof x === "object" && x !== null && "code" in x && "cause" in x;
}

export function notFound(path: string): Parsed {
  return { ok: false, problem: problem(100, excerpt(path, 80)) };
}

export function refused(p: Problem): Parsed {
  return { ok: false, problem: p };
}

/** Marks a refusal as concerning `token`, so its error carries the token's index. */
export function withToken(token: string, parsed: Parsed): Parsed {
  return parsed.ok ? parsed : { ...parsed, token };
}
