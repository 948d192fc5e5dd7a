// fleet v1 pagination: a page holds at most `limit` entities; when more remain the
// response carries `nextPageToken`, an opaque string the client passes back as the
// only query parameter. Ours encodes (limit, page) as 4 little-endian bytes in
// URL-safe base64, so tokens stay valid across servers and restarts. Collections are
// sorted by a stable key, so pages do not overlap while nothing changes.
import { HttpError } from "./http";

export const DEFAULT_PAGE_LIMIT = 100;

export interface PageToken {
  readonly limit: number;
  readonly page: number;
}

export function encodePageToken(tok: PageToken): string {
  const buf = Buffer.alloc(4);
  buf.writeUInt16LE(tok.limit, 0);
  buf.writeUInt16LE(tok.page, 2);
  return buf.toString("base64url");
}

/** Reads `nextPageToken` from the query; 400 for anything that is not one of ours. */
export function pageTokenFrom(url: URL, limit = DEFAULT_PAGE_LIMIT): PageToken {
  const values = url.searchParams.getAll("nextPageToken");
  if (values.length === 0) return { limit, page: 1 };
  if (values.length > 1) throw new HttpError(400, "invalid value of nextPageToken query parameter: given more than once");
  const raw = values[0]!;
  const buf = /^[A-Za-z0-9_-]{6}(==)?$/.test(raw) ? Buffer.from(raw, "base64url") : Buffer.alloc(0);
  if (buf.length !== 4) throw new HttpError(400, `invalid value of nextPageToken query parameter: ${JSON.stringify(raw.slice(0, 40))}`);
  const tok = { limit: buf.readUInt16LE(0), page: buf.readUInt16LE(2) };
  if (tok.limit !== limit) throw new HttpError(400, `invalid value of nextPageToken query parameter: token limit must be ${limit}`);
  if (tok.page === 0) throw new HttpError(400, "invalid value of nextPageToken query parameter: page must be greater than zero");
  return tok;
}

/** One page of `all` and the token for the next, if any. */
export function paginate<T>(all: readonly T[], tok: PageToken): { items: T[]; next?: string } {
  const start = (tok.page - 1) * tok.limit;
  const stop = start + tok.limit;
  const items = all.slice(start, stop);
  return stop < all.length && tok.page < 0xffff ? { items, next: encodePageToken({ limit: tok.limit, page: tok.page + 1 }) } : { items };
}
