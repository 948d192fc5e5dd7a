// submit, load and start: resolve each argument to contents (plan.ts), create or replace
// the units with the command's desired state, or set the state of units the cluster
// already holds — all through the batch endpoint, a few requests for any number of
// units; then wait (change.ts). Desired states follow fleet:
// submit → inactive (a replaced unit keeps its state, so a running one restarts with the
// new contents), load → loaded, start → launched. Templates can only be submitted.
import type { CommandContext } from "../command";
import type { ApiClient, FleetUnit, UnitWriteRequest, UnitWriteResult } from "../../client/api";
import type { JobState } from "../../cluster/records";
import { settle, waitSettings, type Applied, type ChangeDeps } from "./change";
import { connect, failureMessage } from "./connect";
import { readLocalUnit } from "./local-units";
import { isTemplateName, planUnit, templateName, type Plan } from "./plan";
import { failed, report } from "./results";
import { parseUnitArg } from "./unit-args";

export type CreateVerb = "submit" | "load" | "start";

interface Planned {
  readonly plan: Plan;
  readonly warnings: readonly string[];
}

/** Plans every argument in order; a name given twice is planned once. */
async function planAll(ctx: CommandContext, args: readonly string[], cluster: ReadonlyMap<string, FleetUnit>, replace: boolean): Promise<Planned[]> {
  const seen = new Set<string>();
  const out: Planned[] = [];
  for (const arg of args) {
    const a = parseUnitArg(arg, { globs: false });
    if (a.kind === "invalid") {
      out.push({ plan: { kind: "fail", name: arg, message: a.message }, warnings: [] });
      continue;
    }
    if (a.kind !== "name" || seen.has(a.name)) continue;
    seen.add(a.name);
    const local = await readLocalUnit(ctx.cwd, a.name, a.path);
    if (local.kind === "bad") {
      out.push({ plan: { kind: "fail", name: a.name, message: `the unit file has errors:\n${local.lines.join("\n")}` }, warnings: [] });
      continue;
    }
    const t = templateName(a.name);
    const plan = planUnit({
      name: a.name,
      path: a.path,
      replace,
      ...(cluster.get(a.name) ? { existing: cluster.get(a.name) } : {}),
      ...(local.kind === "unit" ? { local: local.unit } : {}),
      ...(t && cluster.get(t) ? { clusterTemplate: cluster.get(t) } : {}),
    });
    out.push({ plan, warnings: local.kind === "unit" && plan.kind === "create" ? local.warnings : [] });
  }
  return out;
}

const TARGET: Record<CreateVerb, JobState> = { submit: "inactive", load: "loaded", start: "launched" };

/** What one planned unit needs: nothing more (its result is known), or a write. */
type Step =
  | { readonly kind: "known"; readonly applied: Applied }
  | { readonly kind: "write"; readonly write: UnitWriteRequest; readonly then: Applied };

function stepOf(verb: CreateVerb, p: Planned): Step {
  const { plan } = p;
  const known = (applied: Applied): Step => ({ kind: "known", applied });
  const warnings = p.warnings.length > 0 ? { warnings: p.warnings } : {};
  if (plan.kind === "fail") return known({ kind: "result", result: failed(plan.name, plan.message) });
  const name = plan.name;
  if (verb !== "submit" && isTemplateName(name)) {
    return known({ kind: "result", result: failed(name, `is a template; ${verb} instances such as ${name.replace("@.", "@1.")} (submit the template itself with \`hafen submit\`)`) });
  }
  const target = TARGET[verb];
  const sent: Applied = { kind: "sent", unit: name, target: target === "launched" ? "launched" : "loaded", done: target };
  if (plan.kind === "create") {
    const desiredState = verb === "submit" ? plan.previous?.desiredState ?? "inactive" : target;
    const then: Applied =
      verb === "submit" ? { kind: "result", result: { unit: name, ok: true, action: plan.previous ? "replaced" : "submitted", ...warnings } } : { ...sent, ...warnings };
    return { kind: "write", write: { name, options: plan.options, desiredState }, then };
  }
  if (verb === "submit") return known({ kind: "result", result: { unit: name, ok: true, action: "unchanged" } });
  if (verb === "load" && plan.unit.desiredState === "launched") return known({ kind: "result", result: { unit: name, ok: true, action: "skipped" } });
  if (plan.unit.desiredState !== target) return { kind: "write", write: { name, desiredState: target }, then: sent };
  return known(sent);
}

/**
 * Sends every write in as few requests as the batch endpoint allows (one per 1,000
 * units), so starting thousands of units costs a few round trips, not thousands.
 */
async function applyAll(api: ApiClient, verb: CreateVerb, planned: readonly Planned[]): Promise<Applied[]> {
  const steps = planned.map((p) => stepOf(verb, p));
  const writes = steps.flatMap((s) => (s.kind === "write" ? [s.write] : []));
  let results: Map<string, UnitWriteResult> | { error: string } = new Map();
  if (writes.length > 0) {
    try {
      results = new Map((await api.writeUnits(writes)).map((r) => [r.name, r]));
    } catch (err) {
      results = { error: failureMessage(err) };
    }
  }
  return steps.map((s): Applied => {
    if (s.kind === "known") return s.applied;
    const name = s.write.name;
    if (!(results instanceof Map)) return { kind: "result", result: failed(name, results.error) };
    const r = results.get(name);
    if (!r) return { kind: "result", result: failed(name, "the server sent no result for this unit") };
    if ("message" in r) return { kind: "result", result: failed(name, r.message) };
    return s.then;
  });
}

export async function runCreate(
  ctx: CommandContext,
  verb: CreateVerb,
  values: { endpoint?: string; config?: string; json?: boolean; replace?: boolean; "no-block"?: boolean; "block-attempts"?: string; timeout?: string },
  args: readonly string[],
  deps: ChangeDeps,
): Promise<number> {
  const w = waitSettings(values);
  const api = await connect(values, ctx.env, ctx.cwd);
  const cluster = new Map((await api.listUnits()).map((u) => [u.name, u]));
  const planned = await planAll(ctx, args, cluster, values.replace === true);
  const applied = await applyAll(api, verb, planned);
  const { results, machines } = await settle(ctx, api, applied, w, deps, verb === "start" ? "launched" : "loaded");
  return report(ctx, verb, results, values.json === true, machines);
}
