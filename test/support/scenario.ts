// End-to-end scheduling scenarios that read like a script:
//
//   const c = await env.cluster({ machines: { m1: { region: "eu" }, m2: {} } });
//   await c.submit("db.service", xfleet("MachineMetadata=region=eu"));
//   await c.expectOn("db.service", "m1");
//   await c.kill("m1");
//   await c.expectUnschedulable("db.service", /no machine matches/);
//
// Everything is real but the executors: the API server and the engine over a real store
// (embedded on disk, or etcd — see scenario-env.ts), agents over HTTP on 127.0.0.1, and
// one recording executor per machine life, whose records are the evidence of where a
// unit runs. Every wait polls with a deadline; a timeout says what was last seen.
import { keyspace } from "../../runtime/cluster/keys";
import { unitRules } from "../../runtime/cluster/unit-rules";
import type { JobState } from "../../runtime/cluster/records";
import { newToken, sha256Hex } from "../../runtime/api/auth";
import { startServer, type RunningServer } from "../../runtime/server/server";
import { Engine } from "../../runtime/engine";
import { systemClock } from "../../runtime/clock";
import { ApiClient, type HafenUnit } from "../../runtime/client/api";
import { errorFrom } from "../../runtime/client/transport";
import type { UnitOption } from "../../runtime/executor/types";
import type { Store } from "../../runtime/store";
import { fromOptions, parseFleetOptions, parseUnitName } from "../../units";
import { Machines, type Metadata } from "./scenario-machines";
import { doubleRuns, startsOf, type DoubleRun, type Start } from "./scenario-records";

export { machineId, type Metadata } from "./scenario-machines";
export { unit, xfleet } from "./scenario-units";

export interface ClusterSpec {
  /** Machine name (m1, m2, …) → the metadata its agent announces. */
  readonly machines: Readonly<Record<string, Metadata>>;
  /** Machine and engine-leader lease TTL in seconds (default 2, etcd's minimum). */
  readonly leaseTtlSeconds?: number;
}

/** A store for one scenario, under a key root no other scenario uses. */
export interface ScenarioStore {
  readonly store: Store;
  readonly root: string;
}

/** How long an expectation waits (ms): long enough for a lease to expire and a reconcile to run. */
export const EXPECT_TIMEOUT_MS = 10_000;
const POLL_MS = 25;

export class Scenario {
  readonly client: ApiClient;
  private readonly machines: Machines;
  private readonly submitted = new Map<string, readonly UnitOption[]>();

  private constructor(
    private readonly s: ScenarioStore,
    private readonly server: RunningServer,
    bootstrapToken: string,
    adminToken: string,
    ttlSeconds: number,
    /** Server, engine and agent log lines, oldest first (quoted when a wait times out). */
    readonly logs: string[],
  ) {
    this.client = new ApiClient({ endpoint: server.url, token: adminToken, timeoutMs: 5000 });
    this.machines = new Machines({ serverUrl: server.url, bootstrapToken, ttlSeconds, log: (l) => logs.push(l) });
  }

  static async start(s: ScenarioStore, spec: ClusterSpec): Promise<Scenario> {
    const ttl = spec.leaseTtlSeconds ?? 2;
    const adminToken = newToken("admin");
    const bootstrapToken = newToken("bootstrap");
    const logs: string[] = [];
    const engine = new Engine({
      store: s.store,
      id: "scenario-engine",
      keyspace: keyspace(s.root),
      leaseTtlSeconds: ttl,
      reconcileIntervalMs: 500,
      onEvent: (e) => {
        if (e.type !== "reconciled" || e.ops > 0) logs.push(`[engine] ${JSON.stringify(e).slice(0, 300)}`);
      },
    });
    const server = await startServer({
      store: s.store,
      root: s.root,
      host: "127.0.0.1",
      port: 0,
      auth: { adminTokenHashes: [sha256Hex(adminToken)], bootstrap: { hash: sha256Hex(bootstrapToken) } },
      leaseTtlSeconds: ttl,
      version: "test",
      rules: unitRules,
      clock: systemClock,
      engine,
      maxWaitMs: 2000,
      log: (l) => logs.push(`[server] ${l}`),
    }).catch(async (err: unknown) => {
      await s.store.close();
      throw err;
    });
    const c = new Scenario(s, server, bootstrapToken, adminToken, ttl, logs);
    try {
      for (const [name, metadata] of Object.entries(spec.machines)) await c.join(name, metadata);
      await c.until("the engine to lead", async () => ({ ok: engine.isLeader(), seen: `leader: ${engine.isLeader()}` }));
    } catch (err) {
      await c.close().catch(() => undefined);
      throw err;
    }
    return c;
  }

  // ---- machines -------------------------------------------------------------------

  id(name: string): string {
    return this.machines.id(name);
  }

  /** Starts a new machine and waits until the API lists it. */
  async join(name: string, metadata: Metadata = {}): Promise<void> {
    this.machines.add(name, metadata);
    await this.revive(name);
  }

  /** The machine dies: heartbeats stop, its lease is left to expire, its units die with it. */
  async kill(name: string): Promise<void> {
    await this.machines.kill(name);
  }

  /** A killed machine boots again: same id and metadata, a fresh agent and executor. */
  async revive(name: string): Promise<void> {
    const agent = await this.machines.boot(name);
    const id = this.id(name);
    await this.until(`machine ${name} to register`, async () => {
      const ids = (await this.client.listMachines()).map((x) => x.id);
      return { ok: ids.includes(id) && agent.status().registered, seen: `machines: [${ids.map((i) => this.machines.nameOf(i)).join(", ")}]` };
    });
  }

  /** fleet's PATCH /machines: `null` removes a key. */
  async patchMetadata(name: string, changes: Readonly<Record<string, string | null>>): Promise<void> {
    const id = this.id(name);
    const ops = Object.entries(changes).map(([key, value]) =>
      value === null ? { op: "remove", path: `/${id}/metadata/${key}` } : { op: "add", path: `/${id}/metadata/${key}`, value },
    );
    const res = await this.client.call("/fleet/v1/machines", { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(ops) });
    if (res.status !== 204) throw errorFrom(res, `patch metadata of ${name}`);
  }

  // ---- units ----------------------------------------------------------------------

  /** PUT /fleet/v1/units/<name> with options (a template is submitted inactive). */
  async submit(name: string, options: readonly UnitOption[], desiredState?: JobState): Promise<void> {
    const state = desiredState ?? (unitRules.isTemplate(name) ? "inactive" : "launched");
    const status = await this.client.createUnit(name, options, state);
    if (status !== 201) throw new Error(`submit ${name}: HTTP ${status}, expected 201`);
    this.submitted.set(name, options);
  }

  /** What `fleetctl start web@1.service` does: the instance gets its template's options from the cluster. */
  async startInstance(name: string): Promise<void> {
    const parsed = parseUnitName(name);
    if (!parsed.ok || parsed.value.kind !== "instance") throw new Error(`${name} is not a template instance`);
    const template = `${parsed.value.prefix}@.${parsed.value.type}`;
    const t = await this.client.getUnit(template);
    if (!t) throw new Error(`template ${template} is not in the cluster`);
    await this.submit(name, t.options, "launched");
  }

  async setState(name: string, desiredState: JobState): Promise<void> {
    await this.client.setUnitState(name, desiredState);
  }

  async destroy(name: string): Promise<void> {
    if (!(await this.client.destroyUnit(name))) throw new Error(`destroy ${name}: the unit did not exist`);
  }

  /** The API's hash of the unit's current contents. */
  async hashOf(name: string): Promise<string> {
    const u = await this.hafenUnit(name);
    if (!u) throw new Error(`unit ${name} does not exist`);
    return u.hash;
  }

  // ---- expectations ---------------------------------------------------------------

  /**
   * Waits until `name` runs (with its current contents) on exactly `machines` by their
   * executors, is loaded nowhere else, and the API agrees: placed there, with no reason,
   * and /fleet/v1/state reporting it active there with those contents.
   */
  async expectOn(name: string, ...machines: string[]): Promise<void> {
    const want = [...machines].sort();
    await this.until(`${name} to run on ${want.join(", ") || "no machine"}`, async () => {
      const v = await this.view(name);
      const launched = want.length !== 1 || v.api?.currentState === "launched";
      const agreed = same(v.running, want) && same(v.loaded, want) && same(v.placed, want) && same(v.reported, want);
      return { ok: agreed && launched && v.api?.reason === undefined, seen: v.text };
    });
  }

  /** Waits until `name` runs on exactly one machine (executors and API agree); returns it. */
  async placed(name: string, among?: readonly string[]): Promise<string> {
    let where = "";
    await this.until(`${name} to run on one machine${among ? ` of ${among.join(", ")}` : ""}`, async () => {
      const v = await this.view(name);
      where = v.running[0] ?? "";
      const agreed = v.running.length === 1 && same(v.loaded, v.running) && same(v.placed, v.running) && same(v.reported, v.running);
      const ok = agreed && v.api?.currentState === "launched" && v.api.reason === undefined;
      return { ok: ok && (!among || among.includes(where)), seen: v.text };
    });
    return where;
  }

  /**
   * Waits until `name` is loaded but not running on `machine` (any one machine when not
   * given) and on no other, and the API says so; returns the machine.
   */
  async expectLoadedOn(name: string, machine?: string): Promise<string> {
    let where = "";
    await this.until(`${name} to be loaded, not running, on ${machine ?? "one machine"}`, async () => {
      const v = await this.view(name);
      where = v.loaded[0] ?? "";
      const one = v.loaded.length === 1 && (machine === undefined || where === machine);
      return { ok: one && v.running.length === 0 && same(v.placed, v.loaded) && v.api?.currentState === "loaded" && v.api.reason === undefined, seen: v.text };
    });
    return where;
  }

  /** Waits until no executor holds `name` and the API places it nowhere (or no longer has it), with no reason given. */
  async expectNowhere(name: string): Promise<void> {
    await this.until(`${name} to be on no machine`, async () => {
      const v = await this.view(name);
      const inactive = v.api === undefined || (v.api.currentState === "inactive" && v.api.reason === undefined);
      return { ok: v.loaded.length === 0 && v.placed.length === 0 && inactive, seen: v.text };
    });
  }

  /**
   * Waits until the API gives `name` an unschedulable reason matching `reason` and no
   * executor holds it. The reason is matched with machine ids written as the scenario's
   * machine names (m1, …), so scripts read as they run; the raw reason is returned.
   */
  async expectUnschedulable(name: string, reason: RegExp): Promise<string> {
    let got = "";
    await this.until(`${name} to be unschedulable (${reason})`, async () => {
      const v = await this.view(name);
      got = this.machines.withNames(v.api?.reason ?? "");
      return { ok: reason.test(got) && v.loaded.length === 0 && v.placed.length === 0 && v.api?.currentState === "inactive", seen: v.text };
    });
    return (await this.hafenUnit(name))?.reason ?? "";
  }

  /** Expects the API to refuse the submission with a message matching `message`, and to hold nothing new. */
  async expectRefused(name: string, options: readonly UnitOption[], message: RegExp): Promise<void> {
    const before = await this.client.getUnit(name);
    let error: unknown;
    await this.client.createUnit(name, options, "launched").catch((e: unknown) => (error = e));
    if (!(error instanceof Error) || !message.test(error.message)) throw new Error(`submit ${name}: expected a refusal matching ${message}, got ${String(error ?? "success")}`);
    const after = await this.client.getUnit(name);
    if (JSON.stringify(after) !== JSON.stringify(before)) throw new Error(`refused submit of ${name} changed the unit: ${JSON.stringify(after)}`);
  }

  // ---- records --------------------------------------------------------------------

  /** Every start the unit got, oldest first, from the executors' own call logs. */
  starts(name: string): Start[] {
    return startsOf(this.machines.logs(), name);
  }

  /** What the executors of `machine` (all its lives) recorded for `unit`: "started", "stopped", "exited", in order. */
  history(machine: string, unit: string): string[] {
    return this.machines.history(machine, unit);
  }

  /** Moments a non-global unit ran on two machines at once (should always be []). */
  doubleRuns(): DoubleRun[] {
    return doubleRuns(this.machines.logs(), (u) => this.isGlobal(u));
  }

  /** Stops everything this scenario started; fails if any unit ever ran twice. */
  async close(): Promise<void> {
    const doubled = this.doubleRuns();
    await this.machines.stopAll();
    await this.server.stop();
    await this.s.store.close();
    if (doubled.length > 0) throw new Error(`non-global units ran on two machines at once: ${JSON.stringify(doubled)}`);
  }

  // ---- internals ------------------------------------------------------------------

  private isGlobal(unit: string): boolean {
    const options = this.submitted.get(unit);
    const file = options && fromOptions(options, unit);
    const fleet = file?.ok ? parseFleetOptions(file.value, unit) : undefined;
    return fleet?.ok === true && fleet.value.global;
  }

  private async hafenUnit(name: string): Promise<HafenUnit | undefined> {
    return (await this.client.hafenUnits()).find((u) => u.name === name);
  }

  /** Where `name` is, by each live executor and by the API, with a line for error messages. */
  private async view(name: string): Promise<View> {
    const [api, states] = await Promise.all([this.hafenUnit(name), this.client.listStates({ unitName: name })]);
    const nameOf = (id: string) => this.machines.nameOf(id);
    const reported = states.filter((s) => s.systemdActiveState === "active" && s.hash === api?.hash).map((s) => nameOf(s.machineID)).sort();
    const running: string[] = [];
    const loaded: string[] = [];
    for (const { machine, executor } of this.machines.executors()) {
      const st = (await executor.list()).find((s) => s.name === name);
      if (!st) continue;
      loaded.push(machine);
      if (st.activeState === "active" && st.hash === api?.hash) running.push(machine);
    }
    const placed = (api?.machineIDs ?? []).map(nameOf).sort();
    const text =
      `executors: running on [${running.sort().join(", ")}], loaded on [${loaded.sort().join(", ")}]; ` +
      (api
        ? `API: placed on [${placed.join(", ")}], reported active on [${reported.join(", ")}], current ${api.currentState}, desired ${api.desiredState}` +
          (api.reason ? `, reason "${this.machines.withNames(api.reason)}"` : "")
        : "API: no such unit");
    return { running, loaded, placed, reported, api, text };
  }

  private async until(what: string, probe: () => Promise<{ ok: boolean; seen: string }>, timeoutMs = EXPECT_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = "";
    for (;;) {
      try {
        const r = await probe();
        if (r.ok) return;
        seen = r.seen;
      } catch (err) {
        seen = `error: ${(err as Error).message}`;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nlast seen: ${seen}\nrecent log:\n  ${this.logs.slice(-15).join("\n  ")}`);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}

/** Where one unit is, by the live executors and by the API (machine names, ascending). */
interface View {
  readonly running: string[];
  readonly loaded: string[];
  readonly placed: string[];
  /** Machines whose reported state (GET /fleet/v1/state) is active with the unit's current hash. */
  readonly reported: string[];
  readonly api: HafenUnit | undefined;
  /** All of the above in one line, for timeout messages. */
  readonly text: string;
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
}
