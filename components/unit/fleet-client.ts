// The three fleet v1 unit calls the Unit provider makes (PUT, GET, DELETE
// /fleet/v1/units/<name>), one connection per request.
//
// Why not runtime/client/api.ts ApiClient: Pulumi ships a dynamic provider by serialising
// everything it references, and the runtime client keeps module-level keep-alive
// http.Agent objects, which serialise into a provider that throws on load
// (test/components/unit-provider.test.ts runs the serialised provider). Once that
// transport creates its agents lazily outside module scope, this file can go.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { UnitOption } from "../../units";
import type { UnitCluster } from "./inputs";

export type FleetCallCode =
  /** The API did not answer (worth retrying while a cluster boots). */
  | "connect"
  | "timeout"
  /** The API answered and refused. */
  | "http";

export type FleetCallError = Error & { readonly code: FleetCallCode; readonly status?: number };

/** An Error, not a subclass: Pulumi's closure serialiser rewrites classes into functions,
 *  and a rewritten Error subclass loses its message. */
export function fleetError(code: FleetCallCode, message: string, status?: number): FleetCallError {
  return Object.assign(new Error(message), { name: "FleetCallError", code, ...(status !== undefined && { status }) });
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

const MAX_BODY = 4 * 1024 * 1024;

function call(c: UnitCluster, method: string, name: string, body: unknown, timeoutMs: number): Promise<Answer> {
  const url = `${c.endpoint.replace(/\/+$/, "")}/fleet/v1/units/${encodeURIComponent(name)}`;
  const https = url.startsWith("https:");
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { ...(c.token && { authorization: `Bearer ${c.token}` }), ...(payload !== undefined && { "content-type": "application/json", "content-length": String(Buffer.byteLength(payload)) }) };
  const tls = https ? { ...(c.ca && { ca: c.ca }), ...(c.cert && { cert: c.cert }), ...(c.key && { key: c.key }) } : {};
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(url, { method, headers, agent: false, timeout: timeoutMs, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (d: Buffer) => {
        size += d.length;
        if (size > MAX_BODY) req.destroy(fleetError("http", `${method} ${name}: answer over ${MAX_BODY} bytes`));
        else chunks.push(d);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(fleetError("timeout", `${method} ${name}: no answer within ${timeoutMs} ms`)));
    req.on("error", (e) => reject((e as Partial<FleetCallError>).name === "FleetCallError" ? e : fleetError("connect", `${method} ${name}: cannot reach ${new URL(url).origin}: ${e.message}`)));
    req.end(payload);
  });
}

function refused(what: string, a: Answer): FleetCallError {
  let message = a.body.slice(0, 500);
  try {
    const m = (JSON.parse(a.body) as { error?: { message?: unknown } }).error?.message;
    if (typeof m === "string") message = m;
  } catch {
    // not JSON: keep the text
  }
  return fleetError("http", `${what}: HTTP ${a.status}${message ? `: ${message}` : ""}`, a.status);
}

export interface FleetUnitView {
  readonly name: string;
  readonly options: UnitOption[];
  readonly desiredState: "inactive" | "loaded" | "launched";
}

export async function putUnit(c: UnitCluster, name: string, body: { options?: readonly UnitOption[]; desiredState: string }, timeoutMs: number): Promise<void> {
  const a = await call(c, "PUT", name, { name, ...body }, timeoutMs);
  if (a.status !== 201 && a.status !== 204) throw refused(`submit ${name}`, a);
}

export async function getUnit(c: UnitCluster, name: string, timeoutMs: number): Promise<FleetUnitView | undefined> {
  const a = await call(c, "GET", name, undefined, timeoutMs);
  if (a.status === 404) return undefined;
  if (a.status !== 200) throw refused(`get ${name}`, a);
  try {
    return JSON.parse(a.body) as FleetUnitView;
  } catch {
    throw fleetError("http", `get ${name}: the API answered with invalid JSON`, a.status);
  }
}

/** false when the unit did not exist. */
export async function deleteUnit(c: UnitCluster, name: string, timeoutMs: number): Promise<boolean> {
  const a = await call(c, "DELETE", name, undefined, timeoutMs);
  if (a.status === 404) return false;
  if (a.status !== 204) throw refused(`destroy ${name}`, a);
  return true;
}
