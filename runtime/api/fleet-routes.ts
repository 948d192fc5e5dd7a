// fleet API v1 under /fleet/v1 (and its old /v1-alpha alias), with fleet's documented
// behaviour: units (PUT create 201 / desiredState 204, GET list+one, DELETE 204/404),
// state (machineID/unitName filters), machines (GET, PATCH JSON-Patch of metadata) and
// the discovery document. Any invalid request → 4xx with a message and nothing changed.
import type { TLSSocket } from "node:tls";
import type { Registry, MetadataOp } from "../cluster/registry";
import { isJobState, isUnitOptionList, type JobState } from "../cluster/records";
import type { UnitOption } from "../executor/types";
import { HttpError, empty, json, readJson, showValue, type Router, type RequestContext, type Reply } from "./http";
import { pageTokenFrom, paginate } from "./pagination";
import { discoveryDocument } from "./discovery-document";
import { apply, check } from "./unit-writes";

/** What the routes need to know about unit contents (kept apart from units/ for testing). */
export interface UnitRules {
  /** Problems with the name, or undefined when it is valid. */
  checkName(name: string): string | undefined;
  /** Problems with the options (X-Fleet rules, empty, too large); [] when valid. */
  checkOptions(name: string, options: readonly UnitOption[]): readonly string[];
  hash(options: readonly UnitOption[]): string;
  isTemplate(name: string): boolean;
}

export interface FleetRoutesDeps {
  readonly registry: Registry;
  readonly rules: UnitRules;
  /** Largest accepted request body. */
  readonly bodyLimit: number;
  /** Machines a unit is assigned to, from the server's in-memory schedule (faster reads). */
  readonly placedOn?: (unit: string) => readonly string[];
}

const ADMIN = ["admin"] as const;
const PREFIXES = ["/fleet/v1", "/v1-alpha"];

export function addFleetRoutes(router: Router, deps: FleetRoutesDeps): void {
  for (const p of PREFIXES) {
    router
      .add("GET", `${p}/units`, ADMIN, (ctx) => listUnits(deps, ctx))
      .add("GET", `${p}/units/:name`, ADMIN, (ctx) => getUnit(deps, ctx))
      .add("PUT", `${p}/units/:name`, ADMIN, (ctx) => putUnit(deps, ctx))
      .add("DELETE", `${p}/units/:name`, ADMIN, (ctx) => deleteUnit(deps, ctx))
      .add("GET", `${p}/state`, ADMIN, (ctx) => listState(deps, ctx))
      .add("GET", `${p}/state/:name`, ADMIN, (ctx) => getState(deps, ctx))
      .add("GET", `${p}/machines`, ADMIN, (ctx) => listMachines(deps, ctx))
      .add("PATCH", `${p}/machines`, ADMIN, (ctx) => patchMachines(deps, ctx))
      .add("GET", `${p}/discovery`, ADMIN, (ctx) => json(200, discoveryDocument(requestOrigin(ctx))))
      .add("GET", `${p}/discovery.json`, ADMIN, (ctx) => json(200, discoveryDocument(requestOrigin(ctx))));
  }
}

const HOST_HEADER = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * Where the client reached us: its Host header when that is a plain host[:port], else
 * the socket's own address. (ctx.url's origin is a placeholder; the server parses paths
 * against http://localhost.)
 */
function requestOrigin(ctx: RequestContext): URL {
  const socket = ctx.req.socket as Partial<TLSSocket>;
  const scheme = socket.encrypted ? "https" : "http";
  const host = ctx.req.headers.host;
  if (host && HOST_HEADER.test(host)) {
    try {
      return new URL(`${scheme}://${host}`);
    } catch {
      // e.g. a port above 65535: fall back to the socket's address
    }
  }
  const addr = socket.localAddress ?? "127.0.0.1";
  return new URL(`${scheme}://${addr.includes(":") ? `[${addr}]` : addr}:${socket.localPort ?? ""}`);
}

function noBody(ctx: RequestContext): void {
  const len = Number(ctx.req.headers["content-length"] ?? "0");
  if (len > 0) throw new HttpError(400, "this request must not have a body");
}

async function listUnits(deps: FleetRoutesDeps, ctx: RequestContext): Promise<Reply> {
  noBody(ctx);
  const tok = pageTokenFrom(ctx.url);
  const all = await deps.registry.listUnits();
  const page = paginate(all, tok);
  return json(200, {
    units: page.items.map((u) => fleetUnit(u)),
    ...(page.next ? { nextPageToken: page.next } : {}),
  });
}

function fleetUnit(u: { name: string; options: readonly UnitOption[]; desiredState: JobState; currentState: JobState; machineID?: string }) {
  return {
    name: u.name,
    options: u.options,
    desiredState: u.desiredState,
    currentState: u.currentState,
    ...(u.machineID ? { machineID: u.machineID } : {}),
  };
}

async function getUnit(deps: FleetRoutesDeps, ctx: RequestContext): Promise<Reply> {
  noBody(ctx);
  const u = await deps.registry.getUnit(ctx.params.name!, deps.placedOn);
  if (!u) throw new HttpError(404, `unit ${ctx.params.name} does not exist`);
  return json(200, fleetUnit(u));
}

/** The body of PUT /units/<name>, validated field by field. */
interface UnitPut {
  readonly name?: string;
  readonly options?: UnitOption[];
  readonly desiredState?: JobState;
}

export function parseUnitPut(body: unknown): UnitPut {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, "unable to decode body: expected a JSON object like {\"desiredState\":\"launched\",\"options\":[...]}");
  }
  const b = body as Record<string, unknown>;
  if (b.name !== undefined && typeof b.name !== "string") throw new HttpError(400, "field name: expected a string");
  if (b.options !== undefined && b.options !== null && !isUnitOptionList(b.options)) {
    throw new HttpError(400, "field options: expected a list of {\"section\",\"name\",\"value\"} string objects");
  }
  if (b.desiredState !== undefined && b.desiredState !== "" && !isJobState(b.desiredState)) {
    throw new HttpError(400, `field desiredState: ${showValue(b.desiredState)} is not one of inactive, loaded, launched`);
  }
  return {
    ...(typeof b.name === "string" ? { name: b.name } : {}),
    ...(Array.isArray(b.options) ? { options: b.options as UnitOption[] } : {}),
    ...(isJobState(b.desiredState) ? { desiredState: b.desiredState } : {}),
  };
}

async function putUnit(deps: FleetRoutesDeps, ctx: RequestContext): Promise<Reply> {
  const item = ctx.params.name!;
  const body = parseUnitPut(await readJson(ctx.req, deps.bodyLimit));
  const name = body.name || item;
  if (name !== item) throw new HttpError(400, `name in URL "${item}" differs from unit name in request body "${name}"`);

  const write = { name, ...(body.options ? { options: body.options } : {}), ...(body.desiredState ? { desiredState: body.desiredState } : {}) };
  const problem = check(deps.rules, write);
  if (problem) throw new HttpError(400, problem);
  const r = await apply(deps.registry, deps.rules, write);
  if ("message" in r) throw new HttpError(r.status, r.message);
  return empty(r.status);
}

async function deleteUnit(deps: FleetRoutesDeps, ctx: RequestContext): Promise<Reply> {
  const deleted = await deps.registry.deleteUnit(ctx.params.name!);
  if (!deleted) throw new HttpError(404, "unit does not exist");
  return empty(204);
}

async function listState(deps: FleetRoutesDeps, ctx: RequestContext): Promise<Reply> {
  noBody(ctx);
  const tok = pageTokenFrom(ctx.url);
  const machineID = ctx.url.searchParams.getAll("machineID").pop();
  const unitName = ctx.url.searchParams.getAll("unitName").pop();
  const all = await deps.registry.listStates({ ...(machineID ? { machineID } : {}), ...(unitName ? { unitName } : {}) });
  all.sort((a, b) => (a.name === b.name ? cmp(a.machineID, b.machineID) : cmp(a.name, b.name)));
  const page = paginate(all, tok);
  return json(200, { states: page.items, ...(page.next ? { nextPageToken: page.next } : {}) });
}

/**
 * fleet's UnitState.Get (in its discovery document; `fleetctl start` polls it until the
 * unit is active). A global unit has one state per machine: the lowest machine id wins.
 */
async function getState(deps: FleetRoutesDeps, ctx: RequestContext): Promise<Reply> {
  noBody(ctx);
  const name = ctx.params.name!;
  const states = await deps.registry.listStates({ unitName: name });
  states.sort((a, b) => cmp(a.machineID, b.machineID));
  if (states.length === 0) throw new HttpError(404, `unit state of ${showValue(name)} does not exist`);
  return json(200, states[0]);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function listMachines(deps: FleetRoutesDeps, ctx: RequestContext): Promise<Reply> {
  noBody(ctx);
  const tok = pageTokenFrom(ctx.url);
  const all = await deps.registry.listMachines();
  const page = paginate(all, tok);
  return json(200, {
    machines: page.items.map((m) => ({ id: m.id, primaryIP: m.primaryIP, metadata: m.metadata })),
    ...(page.next ? { nextPageToken: page.next } : {}),
  });
}

const METADATA_PATH = /^\/([^/]+)\/metadata\/([A-Za-z0-9_.-]+)$/;

/**
 * fleet's PATCH /machines: a JSON-Patch list whose paths are /<machineID>/metadata/<key>.
 * All ops are validated before any is applied. fleet's own server reads the value as
 * {"value": "..."}; its documentation shows a plain string — both are accepted.
 */
export function parseMetadataPatch(body: unknown): MetadataOp[] {
  if (!Array.isArray(body)) throw new HttpError(400, "expected a JSON-Patch array of {op, path, value} operations");
  if (body.length > 1000) throw new HttpError(400, `too many operations (${body.length}); at most 1000 per request`);
  return body.map((raw, i): MetadataOp => {
    const at = `operation ${i}`;
    if (raw === null || typeof raw !== "object") throw new HttpError(400, `${at}: expected an object`);
    const { op, path, value } = raw as Record<string, unknown>;
    if (op !== "add" && op !== "remove" && op !== "replace") {
      throw new HttpError(400, `${at}: invalid op ${showValue(op)}: expect add, remove, or replace`);
    }
    const m = typeof path === "string" ? METADATA_PATH.exec(path) : null;
    if (!m) throw new HttpError(400, `${at}: machine metadata path ${showValue(path)} invalid; expected /<machineID>/metadata/<key>`);
    const [, machineId, key] = m as unknown as [string, string, string];
    if (op === "remove") return { op, machineId, key };
    const v = typeof value === "string" ? value : value && typeof value === "object" ? (value as Record<string, unknown>).value : undefined;
    if (typeof v !== "string" || v.length === 0) throw new HttpError(400, `${at}: invalid value: add and replace require a non-empty string value`);
    return { op, machineId, key, value: v };
  });
}

async function patchMachines(deps: FleetRoutesDeps, ctx: RequestContext): Promise<Reply> {
  const ops = parseMetadataPatch(await readJson(ctx.req, deps.bodyLimit, { also: ["application/json-patch+json"], allowMissing: true }));
  await deps.registry.patchMetadata(ops);
  return empty(204);
}
