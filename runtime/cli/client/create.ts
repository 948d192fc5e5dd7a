// submit, load and start: resolve each argument to contents (plan.ts), create or replace
// the unit with the command's desired state in one PUT, or set the state of a unit the
// cluster already holds; then wait (change.ts). Desired states follow fleet:
// submit → inactive (a replaced unit keeps its state, so a running one restarts with the
// new contents), load → loaded, start → launched. Templates can only be submitted.
import type { CommandContext } from "../command";
import type { ApiClient, FleetUnit } from "../../client/api";
import type { JobState } from "../../cluster/records";
import { attempt, settle, waitSettings, type Applied, type ChangeDeps } from "./change";
import { connect, failureMessage } from "./connect";
import { mapLimit } from "./format";
import { readLocalUnit } from "./local-units";
import { isTemplateName, planUnit, templateName, type Plan } from "./plan";
import { failed, report } from "./results";
import { parseUnitArg } from "./unit-args";

export type CreateVerb = "submit" | "load" | "start";

/** Requests in flight at once when many units are given. */
const CONCURRENCY = 16;

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

async function applyOne(api: ApiClient, verb: CreateVerb, p: Planned): Promise<Applied> {
  const { plan } = p;
  const warnings = p.warnings.length > 0 ? { warnings: p.warnings } : {};
  if (plan.kind === "fail") return { kind: "result", result: failed(plan.name, plan.message) };
  const name = plan.name;
  if (verb !== "submit" && isTemplateName(name)) {
    return { kind: "result", result: failed(name, `is a template; ${verb} instances such as ${name.replace("@.", "@1.")} (submit the template itself with \`hafen submit\`)`) };
  }
  const target = TARGET[verb];
  if (plan.kind === "create") {
    const desired = verb === "submit" ? plan.previous?.desiredState ?? "inactive" : target;
    await api.createUnit(name, plan.options, desired);
    if (verb === "submit") return { kind: "result", result: { unit: name, ok: true, action: plan.previous ? "replaced" : "submitted", ...warnings } };
    return { kind: "sent", unit: name, target: target === "launched" ? "launched" : "loaded", done: target, ...warnings };
  }
  if (verb === "submit") return { kind: "result", result: { unit: name, ok: true, action: "unchanged" } };
  if (verb === "load" && plan.unit.desiredState === "launched") return { kind: "result", result: { unit: name, ok: true, action: "skipped" } };
  if (plan.unit.desiredState !== target) await api.setUnitState(name, target);
  return { kind: "sent", unit: name, target: target === "launched" ? "launched" : "loaded", done: target };
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
  const applied = await mapLimit(planned, CONCURRENCY, (p) => attempt(p.plan.name, () => applyOne(api, verb, p), failureMessage));
  const { results, machines } = await settle(ctx, api, applied, w, deps, verb === "start" ? "launched" : "loaded");
  return report(ctx, verb, results, values.json === true, machines);
}
