// Hafen's own endpoints under /hafen/v1: what agents need (register, heartbeat, their
// assignments as a long-poll, state reports), richer read views for the CLI, health,
// and unit journals relayed from the machine that runs the unit. fleet's v1 stays untouched.
import { sha256Hex, newToken } from "./auth";
import { HttpError, empty, json, readJson, showValue, type Principal, type Reply, type RequestContext, type Router } from "./http";
import type { Registry } from "../cluster/registry";
import type { Membership, MachineEntry } from "../cluster/membership";
import { isStringMap, type UnitStateRecord } from "../cluster/records";
import type { AssignmentHub } from "../server/assignment-hub";
import { send } from "../client/transport";
import { csrNames } from "../tls/certs";
import { parseUnitPut, type UnitRules } from "./fleet-routes";
import { applyMany, check, type UnitWrite, type WriteResult } from "./unit-writes";

export interface HafenRoutesDeps {
  readonly registry: Registry;
  readonly rules: UnitRules;
  readonly membership: Membership;
  readonly hub: AssignmentHub;
  readonly bodyLimit: number;
  /** Machine lease TTL handed to agents. */
  readonly leaseTtlSeconds: number;
  /** Longest an assignments long-poll is held open. */
  readonly maxWaitMs: number;
  readonly version: string;
  readonly now: () => number;
  health(): { leader?: string; store: string; isLeader: boolean };
  /** Signs a machine's CSR with the cluster CA; absent when this server holds no CA key. */
  readonly signCsr?: (csrPem: string) => string;
  /** The cluster CA certificate: verifies agents' journal ports, returned with signed certificates. */
  readonly caPem?: string;
}

const MACHINE_ID = /^[0-9a-f]{32}$/;
const METADATA_KEY = /^[A-Za-z0-9_.-]{1,63}$/;

export function addHafenRoutes(router: Router, deps: HafenRoutesDeps): void {
  router
    .add("GET", "/hafen/v1/health", ["admin", "machine", "bootstrap", "anonymous"], () => health(deps))
    .add("GET", "/hafen/v1/machines", ["admin"], async () => json(200, { machines: await deps.registry.listMachines() }))
    .add("GET", "/hafen/v1/units", ["admin"], async () => json(200, { units: await deps.registry.listUnits() }))
    .add("POST", "/hafen/v1/units", ["admin"], (ctx) => writeUnits(deps, ctx))
    // fleet's /state pages re-read every state per page; a client that wants them all
    // (the CLI waiting on thousands of units) takes them in one answer.
    .add("GET", "/hafen/v1/states", ["admin"], async () => json(200, { states: await deps.registry.listStates() }))
    .add("GET", "/hafen/v1/units/:name/journal", ["admin"], (ctx) => journal(deps, ctx))
    .add("POST", "/hafen/v1/machines/register", ["bootstrap", "machine", "admin"], (ctx) => register(deps, ctx))
    .add("POST", "/hafen/v1/machines/:id/heartbeat", ["machine"], (ctx) => heartbeat(deps, ctx))
    .add("GET", "/hafen/v1/machines/:id/assignments", ["machine"], (ctx) => assignments(deps, ctx))
    .add("PUT", "/hafen/v1/machines/:id/states", ["machine"], (ctx) => states(deps, ctx))
    .add("POST", "/hafen/v1/certificates", ["bootstrap", "machine"], (ctx) => certificate(deps, ctx));
}

/** Most units one POST /hafen/v1/units may carry (clients split larger sets). */
export const MAX_BATCH_UNITS = 2000;

/**
 * Parses {"units": [{name, options?, desiredState?}, ...]}. A malformed request (wrong
 * types, a unit without a name, a name given twice) is refused whole (400) and nothing
 * is written; a well-formed unit that breaks the rules fails alone (see writeUnits).
 */
export function parseUnitBatch(body: unknown): UnitWrite[] {
  const list = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as { units?: unknown }).units : undefined;
  if (!Array.isArray(list)) throw new HttpError(400, 'expected a JSON object like {"units":[{"name":"a.service","options":[...],"desiredState":"launched"}]}');
  if (list.length === 0) throw new HttpError(400, "field units: empty; give at least one unit");
  if (list.length > MAX_BATCH_UNITS) throw new HttpError(400, `field units: ${list.length} units; at most ${MAX_BATCH_UNITS} per request`);
  const seen = new Map<string, number>();
  return list.map((raw, i): UnitWrite => {
    let put;
    try {
      put = parseUnitPut(raw);
    } catch (e) {
      throw new HttpError(400, `units[${i}]: ${(e as Error).message}`);
    }
    if (!put.name) throw new HttpError(400, `units[${i}].name: missing; every unit of a batch names itself`);
    const first = seen.get(put.name);
    if (first !== undefined) throw new HttpError(400, `units[${i}].name: ${showValue(put.name)} also given as units[${first}]; name each unit once`);
    seen.set(put.name, i);
    return { name: put.name, ...(put.options ? { options: put.options } : {}), ...(put.desiredState ? { desiredState: put.desiredState } : {}) };
  });
}

/**
 * Many unit writes in one request, each with fleet's PUT semantics (unit-writes.ts) and
 * its own outcome, as fleetctl treats each unit of a command on its own. 200 with one
 * result per unit, in request order: {name, status: 201|204}, or {name, status:
 * 400|404|409, message} for a unit that was refused (and left unchanged). New units are
 * created 128 to a transaction, eight transactions in flight (etcd commits concurrent
 * proposals together: measured faster than four or sixteen).
 */
async function writeUnits(deps: HafenRoutesDeps, ctx: RequestContext): Promise<Reply> {
  const writes = parseUnitBatch(await readJson(ctx.req, deps.bodyLimit));
  const results: WriteResult[] = new Array(writes.length);
  const valid: number[] = [];
  writes.forEach((w, i) => {
    const problem = check(deps.rules, w);
    if (problem) results[i] = { name: w.name, status: 400, message: problem };
    else valid.push(i);
  });
  const applied = await applyMany(deps.registry, deps.rules, valid.map((i) => writes[i]!), { chunk: 128, concurrency: 8 });
  valid.forEach((i, k) => (results[i] = applied[k]!));
  return json(200, { results });
}

function health(deps: HafenRoutesDeps): Reply {
  const h = deps.health();
  return json(200, { ok: true, version: deps.version, store: h.store, isLeader: h.isLeader, ...(h.leader ? { leader: h.leader } : {}) });
}

/** A machine principal may only speak for itself. */
function ownMachine(ctx: RequestContext): string {
  const id = ctx.params.id!;
  const p: Principal = ctx.principal;
  if (p.kind !== "machine" || p.machineId !== id) throw new HttpError(403, `this credential may not act for machine ${id}`);
  return id;
}

interface RegisterBody {
  id: string;
  name: string;
  primaryIP: string;
  metadata: Record<string, string>;
  role: MachineEntry["role"];
  version: string;
  agentEndpoint?: string;
  agentKey?: string;
}

export function parseRegisterBody(body: unknown): RegisterBody {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new HttpError(400, "expected a JSON object");
  const b = body as Record<string, unknown>;
  const bad = (field: string, value: unknown, accepted: string) =>
    new HttpError(400, `field ${field}: ${showValue(value)} is invalid; expected ${accepted}`);
  if (typeof b.id !== "string" || !MACHINE_ID.test(b.id)) throw bad("id", b.id, "32 lowercase hex characters");
  if (typeof b.name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(b.name)) throw bad("name", b.name, "a host name");
  if (typeof b.primaryIP !== "string" || !/^[0-9a-fA-F:.]{2,45}$/.test(b.primaryIP)) throw bad("primaryIP", b.primaryIP, "an IPv4 or IPv6 address");
  if (!isStringMap(b.metadata)) throw bad("metadata", b.metadata, "an object of string values");
  for (const [k, v] of Object.entries(b.metadata)) {
    if (!METADATA_KEY.test(k)) throw bad(`metadata.${k}`, k, "a key of letters, digits, '_', '.', '-' (at most 63)");
    if (v.length === 0 || v.length > 255) throw bad(`metadata.${k}`, v, "a non-empty value of at most 255 characters");
  }
  if (b.role !== "control" && b.role !== "worker" && b.role !== "both") throw bad("role", b.role, "control, worker or both");
  if (typeof b.version !== "string" || b.version.length > 64) throw bad("version", b.version, "a version string");
  if (b.agentEndpoint !== undefined && (typeof b.agentEndpoint !== "string" || !/^https?:\/\/[^\s]+$/.test(b.agentEndpoint))) {
    throw bad("agentEndpoint", b.agentEndpoint, "an http(s) URL");
  }
  if (b.agentKey !== undefined && (typeof b.agentKey !== "string" || !/^[A-Za-z0-9_-]{32,128}$/.test(b.agentKey))) {
    throw bad("agentKey", "(hidden)", "32..128 URL-safe characters");
  }
  return b as unknown as RegisterBody;
}

async function register(deps: HafenRoutesDeps, ctx: RequestContext): Promise<Reply> {
  const body = parseRegisterBody(await readJson(ctx.req, deps.bodyLimit));
  const p = ctx.principal;
  if (p.kind === "machine" && p.machineId !== body.id) throw new HttpError(403, `this credential may not register machine ${body.id}`);
  // A bootstrap (join) token is exchanged for the machine's own long-lived token here;
  // a machine re-registering with its own token keeps it.
  const machineToken = p.kind === "machine" ? undefined : newToken("machine", body.id);
  const entry: MachineEntry = { ...body, registeredAt: deps.now() };
  const r = await deps.membership.register(entry, deps.leaseTtlSeconds, machineToken ? sha256Hex(machineToken) : undefined);
  return json(200, { leaseTtlSeconds: r.ttlSeconds, ...(machineToken ? { machineToken } : {}) });
}

async function heartbeat(deps: HafenRoutesDeps, ctx: RequestContext): Promise<Reply> {
  const id = ownMachine(ctx);
  const r = await deps.membership.heartbeat(id);
  if (r.ok) return empty(204);
  throw new HttpError(410, `machine ${id} has no live lease (${r.reason}); stop lease-bound units and register again`);
}

async function assignments(deps: HafenRoutesDeps, ctx: RequestContext): Promise<Reply> {
  const id = ownMachine(ctx);
  const afterRaw = ctx.url.searchParams.get("after");
  const waitRaw = ctx.url.searchParams.get("waitMs");
  const after = afterRaw === null ? -1 : Number(afterRaw);
  const waitMs = waitRaw === null ? 0 : Number(waitRaw);
  if (!Number.isSafeInteger(after) || after < -1) throw new HttpError(400, `query after=${afterRaw}: expected a store revision (integer ≥ 0)`);
  if (!Number.isSafeInteger(waitMs) || waitMs < 0) throw new HttpError(400, `query waitMs=${waitRaw}: expected milliseconds (integer ≥ 0)`);
  if (after >= 0 && waitMs > 0) await deps.hub.wait(id, after, Math.min(waitMs, deps.maxWaitMs), ctx.closed);
  return json(200, await deps.hub.read(id));
}

function parseStates(body: unknown, machineID: string): UnitStateRecord[] {
  const list = (body as { states?: unknown } | null)?.states;
  if (!Array.isArray(list)) throw new HttpError(400, "expected {\"states\": [...]}");
  if (list.length > 20_000) throw new HttpError(400, `too many states (${list.length}); at most 20000`);
  return list.map((s, i) => {
    const o = s as Record<string, unknown> | null;
    const fields = ["name", "hash", "systemdLoadState", "systemdActiveState", "systemdSubState"] as const;
    for (const f of fields) {
      if (!o || typeof o[f] !== "string" || (o[f] as string).length > 256) throw new HttpError(400, `states[${i}].${f}: expected a string`);
    }
    return {
      name: o!.name as string,
      hash: o!.hash as string,
      machineID,
      systemdLoadState: o!.systemdLoadState as string,
      systemdActiveState: o!.systemdActiveState as string,
      systemdSubState: o!.systemdSubState as string,
    };
  });
}

async function states(deps: HafenRoutesDeps, ctx: RequestContext): Promise<Reply> {
  const id = ownMachine(ctx);
  const list = parseStates(await readJson(ctx.req, deps.bodyLimit), id);
  if (!(await deps.membership.reportStates(id, list))) throw new HttpError(410, `machine ${id} has no live lease; register again`);
  return empty(204);
}

/** Relays a journal request to the agent of the machine running the unit. */
async function journal(deps: HafenRoutesDeps, ctx: RequestContext): Promise<Reply> {
  const name = ctx.params.name!;
  const linesRaw = ctx.url.searchParams.get("lines") ?? "10";
  const lines = Number(linesRaw);
  if (!Number.isSafeInteger(lines) || lines < 0 || lines > 10_000) throw new HttpError(400, `query lines=${linesRaw}: expected 0..10000`);
  let machineID = ctx.url.searchParams.get("machineID") ?? undefined;
  if (!machineID) {
    const unit = await deps.registry.getUnit(name);
    if (!unit) throw new HttpError(404, `unit ${name} does not exist`);
    if (unit.machineIDs.length === 0) throw new HttpError(409, `unit ${name} is not scheduled to any machine`);
    if (unit.machineIDs.length > 1) throw new HttpError(409, `unit ${name} runs on ${unit.machineIDs.length} machines; pass machineID`);
    machineID = unit.machineIDs[0]!;
  }
  const entry = await deps.membership.entry(machineID);
  if (!entry?.agentEndpoint || !entry.agentKey) throw new HttpError(502, `machine ${machineID} is not reachable for journal requests`);
  const res = await send(
    `${entry.agentEndpoint}/journal/${encodeURIComponent(name)}?lines=${lines}`,
    { token: entry.agentKey, ...(deps.caPem ? { ca: deps.caPem } : {}) },
    { timeoutMs: 5000 },
  );
  if (res.status !== 200) throw new HttpError(502, `agent of ${machineID} answered HTTP ${res.status}: ${res.body.toString().slice(0, 200)}`);
  const body = JSON.parse(res.body.toString()) as { lines: string[] };
  return json(200, { machineID, lines: body.lines });
}

/**
 * Signs a machine's certificate request (workers get their TLS certificate this way at
 * first boot). Only CN "machine:<id>" is signed; a machine credential only for its own id.
 */
async function certificate(deps: HafenRoutesDeps, ctx: RequestContext): Promise<Reply> {
  if (!deps.signCsr || !deps.caPem) throw new HttpError(409, "this server holds no cluster CA key; it cannot sign certificates");
  const body = (await readJson(ctx.req, deps.bodyLimit)) as { csr?: unknown } | null;
  if (!body || typeof body.csr !== "string" || body.csr.length > 16_384) {
    throw new HttpError(400, 'expected {"csr": "-----BEGIN CERTIFICATE REQUEST-----..."} (at most 16 KiB)');
  }
  const p = ctx.principal;
  const expected = p.kind === "machine" ? `machine:${p.machineId}` : undefined;
  let certificate: string;
  try {
    const names = csrNames(body.csr);
    if (expected && names.commonName !== expected) {
      throw new HttpError(403, `machine ${expected.slice(8)} may only request its own certificate (asked for ${names.commonName.slice(0, 80)})`);
    }
    certificate = deps.signCsr(body.csr);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(400, `certificate request refused: ${(err as Error).message}`);
  }
  return json(200, { certificate, ca: deps.caPem });
}
