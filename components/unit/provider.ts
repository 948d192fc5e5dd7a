// The Unit's dynamic provider: three fleet v1 calls (fleet-client.ts). Plain async
// functions; Pulumi serialises them into its dynamic provider host and the tests run
// them both directly and serialised, against a real API server.
//   check   shapes only (the component linted the unit in the program)
//   create  PUT the unit with its options and desired state (201); id = the unit name
//   diff    see inputs.ts (name replaces; options and state update in place)
//   update  new options → PUT options + desiredState (a new version, like fleetctl
//           --replace); only the state → PUT desiredState (204)
//   read    GET the unit; gone → {} (Pulumi recreates it on the next up)
//   delete  DELETE the unit; already gone is fine
// A new cluster's API is still booting when its units are created: every call retries
// "cannot connect"/timeouts until waitSeconds pass; any answer from the API is final.
import type * as pulumi from "@pulumi/pulumi";
import { deleteUnit, getUnit, putUnit } from "./fleet-client";
import { checkUnitInputs, diffUnit, WAIT_DEFAULT_SECONDS, type UnitCluster, type UnitInputs, type UnitOutputs } from "./inputs";

export interface UnitProviderOptions {
  /** Pause between attempts while the API is unreachable (default 2000 ms). */
  readonly retryMs?: number;
}

/** Per-request deadline; the whole wait is bounded by waitSeconds. */
const CALL_TIMEOUT_MS = 15_000;

function refuse(i: unknown): UnitOutputs {
  const r = checkUnitInputs(i);
  if (!r.inputs) throw new Error(`Unit: ${r.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  return r.inputs;
}

export function unitProvider(options: UnitProviderOptions = {}): pulumi.dynamic.ResourceProvider<UnitInputs, UnitOutputs> {
  const retryMs = options.retryMs ?? 2000;
  async function reachable<T>(i: UnitInputs, what: string, call: (c: UnitCluster) => Promise<T>): Promise<T> {
    const deadline = Date.now() + (i.waitSeconds ?? WAIT_DEFAULT_SECONDS) * 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call(i.cluster);
      } catch (e) {
        const unreachable = e instanceof Error && e.name === "FleetCallError" && /^(connect|timeout)$/.test((e as Error & { code?: string }).code ?? "");
        if (!unreachable || Date.now() + retryMs > deadline) {
          throw new Error(`Unit ${i.name}: ${what} at ${i.cluster.endpoint} failed${unreachable ? ` after ${attempt} attempts (the API did not answer within waitSeconds)` : ""}: ${(e as Error).message}`);
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
      await reachable(i, "submit", (c) => putUnit(c, i.name, { options: i.submitted, desiredState: i.desiredState }, CALL_TIMEOUT_MS));
      return { id: i.name, outs: i };
    },

    async diff(_id, olds, news) {
      const d = diffUnit(olds, refuse(news));
      return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: false };
    },

    async update(_id, olds, raw) {
      const news = refuse(raw);
      const d = diffUnit(olds, news);
      if (d.newVersion) await reachable(news, "submit a new version", (c) => putUnit(c, news.name, { options: news.submitted, desiredState: news.desiredState }, CALL_TIMEOUT_MS));
      else if (d.stateChanged) await reachable(news, `set state ${news.desiredState}`, (c) => putUnit(c, news.name, { desiredState: news.desiredState }, CALL_TIMEOUT_MS));
      return { outs: news };
    },

    async read(id, props) {
      if (!props) return {};
      const unit = await reachable(props, "read", (c) => getUnit(c, id, CALL_TIMEOUT_MS));
      if (!unit) return {};
      return { id, props: { ...props, submitted: unit.options, desiredState: unit.desiredState } };
    },

    async delete(id, props) {
      await reachable(props, "destroy", (c) => deleteUnit(c, id, CALL_TIMEOUT_MS));
    },
  };
}
