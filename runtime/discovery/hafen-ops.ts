// The registry's operations on Hafen's own records (server announcements, sealed blobs).
// Each decides from the token's state and the time, changes nothing, and returns the
// answer with the record to persist; the registry applies the record (state.ts, the same
// function replay uses) and the shell answers only once it is on disk. None of these
// records is part of the etcd tree: they produce no event and leave the index alone.
import { problem, type Problem } from "./errors";
import type { LogRecord } from "./records";
import type { Reply } from "./registry";
import type { SealedEntry } from "./sealed";
import type { ServerInfo, ServerRecord } from "./servers";
import { liveSealed, liveServers, type TokenState } from "./state";

export type Step =
  | { readonly ok: true; readonly reply: Reply; readonly record?: LogRecord }
  | { readonly ok: false; readonly problem: Problem };

const json = (status: number, body: unknown): Reply => ({ kind: "json", status, body });
const fail = (p: Problem): Step => ({ ok: false, problem: p });
export const serverKey = (token: string, id: string): string => `/_hafen/${token}/servers/${id}`;
export const sealedKey = (token: string, name: string): string => `/_hafen/${token}/sealed/${name}`;

export function putServer(t: TokenState, id: string, info: ServerInfo, ttlSeconds: number, now: number, limit: number): Step {
  const live = liveServers(t, now);
  const existing = t.servers.has(id);
  if (!existing && live.length >= limit) return fail(problem(1001, `token has ${live.length} servers, the most it accepts`));
  const entry: ServerRecord = { id, endpoint: info.endpoint, meta: info.meta, expiresAt: now + ttlSeconds * 1000 };
  return { ok: true, reply: json(existing ? 200 : 201, { server: entry }), record: { t: "server", token: t.token, ...entry } };
}

export function listServers(t: TokenState, now: number): Step {
  return { ok: true, reply: json(200, { servers: liveServers(t, now) }) };
}

export function deleteServer(t: TokenState, id: string, now: number): Step {
  const existing = liveServers(t, now).find((s) => s.id === id);
  if (!existing) return fail(problem(100, serverKey(t.token, id)));
  return { ok: true, reply: json(200, { server: existing }), record: { t: "server-delete", token: t.token, id } };
}

/** Creates (201) or replaces (200) a sealed record; the answer never carries the blob. */
export function putSealed(t: TokenState, name: string, blob: string, ttlSeconds: number, now: number, limit: number): Step {
  const live = liveSealed(t, now);
  const existing = t.sealed.has(name);
  if (!existing && live.length >= limit)
    return fail(problem(1001, `token holds ${live.length} sealed records, the most it accepts; delete one or let it expire`));
  const entry: SealedEntry = { name, blob, expiresAt: now + ttlSeconds * 1000 };
  return { ok: true, reply: json(existing ? 200 : 201, { sealed: { name, expiresAt: entry.expiresAt } }), record: { t: "sealed", token: t.token, ...entry } };
}

/** The blob exactly as it was put, or 404 once deleted or expired. */
export function getSealed(t: TokenState, name: string, now: number): Step {
  const entry = liveSealed(t, now).find((s) => s.name === name);
  return entry ? { ok: true, reply: { kind: "blob", status: 200, body: entry.blob } } : fail(problem(100, sealedKey(t.token, name)));
}

export function deleteSealed(t: TokenState, name: string, now: number): Step {
  const entry = liveSealed(t, now).find((s) => s.name === name);
  if (!entry) return fail(problem(100, sealedKey(t.token, name)));
  return { ok: true, reply: json(200, { sealed: { name, expiresAt: entry.expiresAt } }), record: { t: "sealed-delete", token: t.token, name } };
}
