// stop, unload and destroy: act on units already in the cluster, named or matched by
// globs, then wait. stop → desired loaded, done when each machine reports it loaded;
// unload → desired inactive, destroy → deleted, both done when no machine reports the
// unit any more (its processes are gone, not merely unscheduled).
// As fleetctl does, stopping a unit that is not loaded is refused (it would load it).
import type { CommandContext } from "../command";
import type { ApiClient, FleetUnit } from "../../client/api";
import { attempt, settle, waitSettings, type Applied, type ChangeDeps } from "./change";
import { connect, failureMessage } from "./connect";
import { mapLimit } from "./format";
import { failed, report } from "./results";
import { selectUnits } from "./unit-args";

export type ExistingVerb = "stop" | "unload" | "destroy";

const CONCURRENCY = 16;

async function applyOne(api: ApiClient, verb: ExistingVerb, unit: FleetUnit): Promise<Applied> {
  const name = unit.name;
  switch (verb) {
    case "stop":
      if (unit.desiredState === "inactive") {
        return { kind: "result", result: failed(name, "is not loaded (desired state inactive), so there is nothing to stop; `hafen load` or `hafen start` it first") };
      }
      if (unit.desiredState !== "loaded") await api.setUnitState(name, "loaded");
      return { kind: "sent", unit: name, target: "loaded", done: "loaded" };
    case "unload":
      if (unit.desiredState !== "inactive") await api.setUnitState(name, "inactive");
      return { kind: "sent", unit: name, target: "gone", done: "inactive" };
    case "destroy":
      // Already gone (another client destroyed it meanwhile) counts as done.
      await api.destroyUnit(name);
      return { kind: "sent", unit: name, target: "gone", done: "destroyed" };
    default: {
      const _never: never = verb;
      return _never;
    }
  }
}

export async function runExisting(
  ctx: CommandContext,
  verb: ExistingVerb,
  values: { endpoint?: string; config?: string; json?: boolean; "no-block"?: boolean; "block-attempts"?: string; timeout?: string },
  args: readonly string[],
  deps: ChangeDeps,
): Promise<number> {
  const w = waitSettings(values);
  const api = await connect(values, ctx.env, ctx.cwd);
  const units = await api.listUnits();
  const byName = new Map(units.map((u) => [u.name, u]));
  const { names, failures } = selectUnits(args, units.map((u) => u.name));
  const applied = await mapLimit(names, CONCURRENCY, (n) => attempt(n, () => applyOne(api, verb, byName.get(n)!), failureMessage));
  const all: Applied[] = [...failures.map((f): Applied => ({ kind: "result", result: failed(f.unit, f.message) })), ...applied];
  const { results, machines } = await settle(ctx, api, all, w, deps, verb === "stop" ? "loaded" : verb === "unload" ? "inactive" : "destroyed");
  return report(ctx, verb, results, values.json === true, machines);
}
