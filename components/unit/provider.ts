// The Unit's dynamic provider: fleet v1 unit calls through the runtime's own API client
// (runtime/client/api.ts ApiClient, what the CLI uses). Plain async functions; Pulumi
// serialises them into its dynamic provider host and the tests run them both directly
// and serialised, against a real API server.
//   check   shapes only (the component linted the unit in the program)
//   create  PUT the unit with its options and desired state (201); id = the unit name
//   diff    see inputs.ts (name replaces; options and state update in place)
//   update  new options → PUT options + desiredState (a new version, like fleetctl
//           --replace); only the state → PUT desiredState (204)
//   read    GET the unit; gone → {} (Pulumi recreates it on the next up)
//   delete  DELETE the unit; already gone is fine
// A new cluster's API is still booting when its units are created: every call retries
// "cannot connect"/timeouts (the client's TransportError) until waitSeconds pass; any
// answer from the API (ApiError) is final.
import type * as pulumi from "@pulumi/pulumi";
import { ApiClient } from "../../runtime/client/api";
import { checkUnitInputs, diffUnit, WAIT_DEFAULT_SECONDS, type UnitCluster, type UnitInputs, type UnitOutputs } from "./inputs";

export interface UnitProviderOptions {
  /** Pause between attempts while the API is unreachable (default 2000 ms). */
  readonly retryMs?: number;
}

/** Per-request deadline; the whole wait is bounded by waitSeconds. */
const CALL_TIMEOUT_MS = 15_000;

function clientConfig(c: UnitCluster) {
  return { endpoint: c.endpoint, ...(c.token && { token: c.token }), ...(c.ca && { ca: c.ca }), ...(c.cert && { cert: c.cert }), ...(c.key && { key: c.key }) };
}

function refuse(i: unknown): UnitOutputs {
  const r = checkUnitInputs(i);
  if (!r.inputs) throw new Error(`Unit: ${r.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  return r.inputs;
}

export function unitProvider(options: UnitProviderOptions = {}): pulumi.dynamic.ResourceProvider<UnitInputs, UnitOutputs> {
  const retryMs = options.retryMs ?? 2000;
  async function reachable<T>(i: UnitInputs, what: string, call: (c: ApiClient) => Promise<T>): Promise<T> {
    const deadline = Date.now() + (i.waitSeconds ?? WAIT_DEFAULT_SECONDS) * 1000;
    const client = new ApiClient({ ...clientConfig(i.cluster), timeoutMs: CALL_TIMEOUT_MS });
    for (let attempt = 1; ; attempt++) {
      try {
        return await call(client);
      } catch (e) {
        // By name and code, not instanceof: the serialised provider has its own copy of the classes.
        const err = e as { name?: unknown; code?: unknown; message?: unknown };
        const unreachable = err?.name === "TransportError" && (err.code === "connect" || err.code === "timeout");
        if (!unreachable || Date.now() + retryMs > deadline) {
          throw new Error(`Unit ${i.name}: ${what} at ${i.cluster.endpoint} failed${unreachable ? ` after ${attempt} attempts (the API did not answer within waitSeconds)` : ""}: ${String(err?.message ?? e)}`);
        }
        await new Promise((r) => setTimeout(r, retryMs));
      }
    }
  }

  return {
    async check(_olds, news) {
      const r = checkUnitInputs(news);
      return r.inputs ? { inputs: r.inputs } : { inputs: news, failures: r.failures };
    },

    async create(raw) {
      const i = refuse(raw);
      await reachable(i, "submit", (c) => c.createUnit(i.name, i.submitted, i.desiredState));
      return { id: i.name, outs: i };
    },

    async diff(_id, olds, news) {
      const d = diffUnit(olds, refuse(news));
      return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: false };
    },

    async update(_id, olds, raw) {
      const news = refuse(raw);
      const d = diffUnit(olds, news);
      if (d.newVersion) await reachable(news, "submit a new version", (c) => c.createUnit(news.name, news.submitted, news.desiredState));
      else if (d.stateChanged) await reachable(news, `set state ${news.desiredState}`, (c) => c.setUnitState(news.name, news.desiredState));
      return { outs: news };
    },

    async read(id, props) {
      if (!props) return {};
      const unit = await reachable(props, "read", (c) => c.getUnit(id));
      if (!unit) return {};
      return { id, props: { ...props, submitted: [...unit.options], desiredState: unit.desiredState } };
    },

    async delete(id, props) {
      await reachable(props, "destroy", (c) => c.destroyUnit(id));
    },
  };
}
