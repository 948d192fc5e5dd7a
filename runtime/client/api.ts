// A typed client for the fleet v1 API and Hafen's own /hafen/v1 endpoints. Used by the
// CLI, the agent, Pulumi's Unit resource and the tests. Errors are ApiError (the
// server's message) or TransportError (could not talk to it).
import type { UnitOption } from "../executor/types";
import type { JobState } from "../cluster/records";
import type { UnitWrite, WriteResult } from "../api/unit-writes";
import { errorFrom, parseJsonBody, send, type Credentials, type HttpResponse, type RequestOptions } from "./transport";

export interface FleetUnit {
  readonly name: string;
  readonly options: readonly UnitOption[];
  readonly desiredState: JobState;
  readonly currentState?: JobState;
  readonly machineID?: string;
}

/** One unit of POST /hafen/v1/units, and its result: the server's own types. */
export type UnitWriteRequest = UnitWrite;
export type UnitWriteResult = WriteResult;

export interface FleetUnitState {
  readonly name: string;
  readonly hash: string;
  readonly machineID: string;
  readonly systemdLoadState: string;
  readonly systemdActiveState: string;
  readonly systemdSubState: string;
}

export interface FleetMachine {
  readonly id: string;
  readonly primaryIP: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Hafen's richer views (GET /hafen/v1/units, /hafen/v1/machines). */
export interface HafenUnit extends FleetUnit {
  readonly hash: string;
  readonly machineIDs: readonly string[];
  readonly reason?: string;
}

export interface HafenMachine extends FleetMachine {
  readonly name: string;
  readonly role: "control" | "worker" | "both";
  readonly version: string;
}

export interface ClientConfig extends Credentials {
  /** Base URL of one API server, e.g. https://10.0.0.5:7480 (no path). */
  readonly endpoint: string;
  readonly timeoutMs?: number;
}

export class ApiClient {
  constructor(readonly config: ClientConfig) {}

  private url(path: string): string {
    return this.config.endpoint.replace(/\/+$/, "") + path;
  }

  async call(path: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    return send(this.url(path), this.config, { timeoutMs: this.config.timeoutMs, ...opts });
  }

  private async getJson<T>(path: string, what: string): Promise<T> {
    const res = await this.call(path);
    if (res.status !== 200) throw errorFrom(res, what);
    return parseJsonBody<T>(res, what);
  }

  private async putJson(path: string, body: unknown, what: string, ok: readonly number[]): Promise<number> {
    const res = await this.call(path, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!ok.includes(res.status)) throw errorFrom(res, what);
    return res.status;
  }

  /** Follows nextPageToken until the collection is exhausted (bounded by `maxPages`). */
  private async collect<T>(path: string, field: string, what: string, maxPages = 10_000): Promise<T[]> {
    const out: T[] = [];
    let token: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const sep = path.includes("?") ? "&" : "?";
      const body = await this.getJson<Record<string, unknown>>(token ? `${path}${sep}nextPageToken=${encodeURIComponent(token)}` : path, what);
      const items = body[field];
      if (Array.isArray(items)) out.push(...(items as T[]));
      token = typeof body.nextPageToken === "string" && body.nextPageToken ? body.nextPageToken : undefined;
      if (!token) return out;
    }
    throw new Error(`${what}: more than ${maxPages} pages`);
  }

  listMachines(): Promise<FleetMachine[]> {
    return this.collect<FleetMachine>("/fleet/v1/machines", "machines", "list machines");
  }

  listUnits(): Promise<FleetUnit[]> {
    return this.collect<FleetUnit>("/fleet/v1/units", "units", "list units");
  }

  async getUnit(name: string): Promise<FleetUnit | undefined> {
    const res = await this.call(`/fleet/v1/units/${encodeURIComponent(name)}`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw errorFrom(res, `get unit ${name}`);
    return parseJsonBody<FleetUnit>(res, `get unit ${name}`);
  }

  /** Creates (201) or replaces (201 when the options differ) a unit. */
  createUnit(name: string, options: readonly UnitOption[], desiredState: JobState): Promise<number> {
    return this.putJson(`/fleet/v1/units/${encodeURIComponent(name)}`, { name, options, desiredState }, `submit ${name}`, [201, 204]);
  }

  /**
   * Many creates and desired-state changes with fleet's PUT semantics, through Hafen's
   * batch endpoint: split into requests of at most 1,000 units and about 512 KiB (the
   * servers take 1 MiB), two in flight (so a name given twice has no defined order). One result per write, in order (a unit the
   * server refuses has a status ≥ 400 and a message); a malformed request throws.
   */
  async writeUnits(writes: readonly UnitWriteRequest[]): Promise<UnitWriteResult[]> {
    if (writes.length === 0) return [];
    const batches: string[][] = [[]];
    let bytes = 0;
    for (const w of writes) {
      const text = JSON.stringify(w);
      const cur = batches[batches.length - 1]!;
      if (cur.length >= 1000 || (cur.length > 0 && bytes + text.length > 512 * 1024)) {
        batches.push([text]);
        bytes = text.length + 1;
      } else {
        cur.push(text);
        bytes += text.length + 1;
      }
    }
    const send = async (batch: string[]): Promise<UnitWriteResult[]> => {
      const res = await this.call("/hafen/v1/units", { method: "POST", headers: { "content-type": "application/json" }, body: `{"units":[${batch.join(",")}]}` });
      if (res.status !== 200) throw errorFrom(res, `write ${batch.length} unit(s)`);
      const body = parseJsonBody<{ results?: UnitWriteResult[] }>(res, "write units");
      if (!Array.isArray(body.results) || body.results.length !== batch.length) {
        throw new Error(`write units: the server answered ${body.results?.length ?? "no"} results for ${batch.length} units`);
      }
      return body.results;
    };
    // Two requests in flight: the server works on one while the other travels.
    const results: UnitWriteResult[][] = new Array(batches.length);
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const i = next++;
        results[i] = await send(batches[i]!);
      }
    };
    await Promise.all([worker(), worker()]);
    return results.flat();
  }

  setUnitState(name: string, desiredState: JobState): Promise<number> {
    return this.putJson(`/fleet/v1/units/${encodeURIComponent(name)}`, { desiredState }, `set ${name} to ${desiredState}`, [204]);
  }

  /** Deletes a unit; false when it did not exist. */
  async destroyUnit(name: string): Promise<boolean> {
    const res = await this.call(`/fleet/v1/units/${encodeURIComponent(name)}`, { method: "DELETE" });
    if (res.status === 404) return false;
    if (res.status !== 204) throw errorFrom(res, `destroy ${name}`);
    return true;
  }

  listStates(filter: { machineID?: string; unitName?: string } = {}): Promise<FleetUnitState[]> {
    const q = new URLSearchParams();
    if (filter.machineID) q.set("machineID", filter.machineID);
    if (filter.unitName) q.set("unitName", filter.unitName);
    const qs = q.toString();
    return this.collect<FleetUnitState>(`/fleet/v1/state${qs ? `?${qs}` : ""}`, "states", "list unit states");
  }

  async hafenMachines(): Promise<HafenMachine[]> {
    return (await this.getJson<{ machines: HafenMachine[] }>("/hafen/v1/machines", "list machines")).machines;
  }

  /** Every unit state reported, in one request (fleet's /state pages through them). */
  async hafenStates(): Promise<FleetUnitState[]> {
    return (await this.getJson<{ states: FleetUnitState[] }>("/hafen/v1/states", "list unit states")).states;
  }

  async hafenUnits(): Promise<HafenUnit[]> {
    return (await this.getJson<{ units: HafenUnit[] }>("/hafen/v1/units", "list units")).units;
  }

  async health(): Promise<{ ok: boolean; isLeader: boolean; store: string; version: string }> {
    return this.getJson("/hafen/v1/health", "health");
  }

  /** Last `lines` journal lines of a unit, from the machine running it. */
  async journal(unit: string, lines: number, machineID?: string): Promise<{ machineID: string; lines: string[] }> {
    const q = new URLSearchParams({ lines: String(lines) });
    if (machineID) q.set("machineID", machineID);
    return this.getJson(`/hafen/v1/units/${encodeURIComponent(unit)}/journal?${q}`, `journal of ${unit}`);
  }
}
