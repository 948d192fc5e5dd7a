// What a write of one unit means — fleet's PUT /units/<name> — shared by that endpoint
// and Hafen's batch (POST /hafen/v1/units), so both follow one rule:
//   options + absent unit        → created (201)
//   options differing from it    → a new version replaces it (201; it keeps its desired
//                                  state unless one is given)
//   options equal / no options   → only the desired state is set (204); 409 without one
//   no options and absent        → 409
// check() is the store-free part (400s: name, options, templates). apply() does the rest
// against the registry; applyMany() first tries to create whole chunks with one
// create-if-absent transaction each — the common case of new units — and takes the
// per-unit path only for chunks where some unit already existed.
import type { Registry } from "../cluster/registry";
import type { JobState, UnitRecord } from "../cluster/records";
import type { UnitOption } from "../executor/types";
import type { UnitRules } from "./fleet-routes";

export interface UnitWrite {
  readonly name: string;
  /** Absent or empty: only the desired state changes. */
  readonly options?: readonly UnitOption[];
  readonly desiredState?: JobState;
}

export type WriteResult =
  | { readonly name: string; readonly status: 201 | 204 }
  | { readonly name: string; readonly status: 400 | 404 | 409; readonly message: string };

export type Failure = Extract<WriteResult, { message: string }>;

/** Problems found without the store (→ 400), or undefined. */
export function check(rules: UnitRules, w: UnitWrite): string | undefined {
  const nameProblem = rules.checkName(w.name);
  if (nameProblem) return nameProblem;
  if (w.options && w.options.length > 0) {
    const problems = rules.checkOptions(w.name, w.options);
    if (problems.length > 0) return problems.join("; ");
  }
  if (rules.isTemplate(w.name) && w.desiredState !== undefined && w.desiredState !== "inactive") {
    return `cannot activate template "${w.name}": submit an instance such as ${w.name.replace("@.", "@1.")}`;
  }
  return undefined;
}

const fail = (name: string, status: Failure["status"], message: string): Failure => ({ name, status, message });

/** One write, after check() passed. */
export async function apply(registry: Registry, rules: UnitRules, w: UnitWrite): Promise<WriteResult> {
  const { name } = w;
  const options = w.options ?? [];
  if (options.length > 0 && w.desiredState) {
    // The common case, a new unit: one store round trip.
    if (await registry.createUnit(recordOf(rules, w, w.desiredState))) return { name, status: 201 };
  }
  const existing = await registry.getUnitRecord(name);
  if (!existing && options.length === 0) return fail(name, 409, "unit does not exist and options field empty");
  if (options.length > 0 && (!existing || rules.hash(options) !== existing.hash)) {
    await registry.putUnit(recordOf(rules, w, w.desiredState ?? existing?.desiredState ?? "inactive"));
    return { name, status: 201 };
  }
  if (!w.desiredState) return fail(name, 409, "must provide desiredState to update existing unit");
  if (!(await registry.setDesiredState(name, w.desiredState))) return fail(name, 404, `unit ${name} does not exist`);
  return { name, status: 204 };
}

function recordOf(rules: UnitRules, w: UnitWrite, desiredState: JobState): UnitRecord {
  const options = w.options ?? [];
  return { name: w.name, options, hash: rules.hash(options), desiredState };
}

export interface ManyLimits {
  /** Units per create-if-absent transaction (etcd's --max-txn-ops: ≤ 128). */
  readonly chunk: number;
  /** Transactions or per-unit writes in flight at once. */
  readonly concurrency: number;
}

/**
 * Every write of a batch, results in input order. Writes run concurrently, so a batch
 * naming one unit twice has no defined order between the two (callers refuse that).
 */
export async function applyMany(registry: Registry, rules: UnitRules, writes: readonly UnitWrite[], limits: ManyLimits): Promise<WriteResult[]> {
  const results: WriteResult[] = new Array(writes.length);
  const slow: number[] = [];
  const fast: number[] = [];
  writes.forEach((w, i) => (w.options && w.options.length > 0 && w.desiredState ? fast : slow).push(i));
  const groups: number[][] = [];
  for (let i = 0; i < fast.length; i += limits.chunk) groups.push(fast.slice(i, i + limits.chunk));
  await runLimited(groups, limits.concurrency, async (group) => {
    const created = await registry.createUnits(group.map((i) => recordOf(rules, writes[i]!, writes[i]!.desiredState!)));
    if (created) for (const i of group) results[i] = { name: writes[i]!.name, status: 201 };
    else slow.push(...group);
  });
  await runLimited(slow, limits.concurrency, async (i) => {
    results[i] = await apply(registry, rules, writes[i]!);
  });
  return results;
}

async function runLimited<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
