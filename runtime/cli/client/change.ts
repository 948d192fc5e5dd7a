// What submit/load/start/stop/unload/destroy share: their flags, the wait that follows
// the change (unless --no-block), and turning per-unit outcomes into results.
import { UsageError, type CommandContext } from "../command";
import type { ApiClient } from "../../client/api";
import { CLIENT_FLAGS } from "./connect";
import { byId, type MachineInfo } from "./format";
import { progressLine } from "./progress";
import { failed, type UnitResult } from "./results";
import { waitFor, type Observation, type Outcome, type WaitTarget } from "./wait";

export const CHANGE_FLAGS = {
  ...CLIENT_FLAGS,
  "no-block": { type: "boolean" },
  "block-attempts": { type: "string" },
  timeout: { type: "string" },
} as const;

export const CHANGE_USAGE = `  --no-block          do not wait for the units to reach their state
  --block-attempts N  poll at most N times while waiting (default 0: until --timeout)
  --timeout SECONDS   longest wait (default 60)`;

export interface WaitSettings {
  readonly block: boolean;
  readonly attempts: number;
  readonly timeoutMs: number;
}

export function waitSettings(values: { "no-block"?: boolean; "block-attempts"?: string; timeout?: string }): WaitSettings {
  const attemptsText = values["block-attempts"] ?? "0";
  if (!/^[0-9]{1,6}$/.test(attemptsText)) throw new UsageError(`--block-attempts ${JSON.stringify(attemptsText)}: expected a whole number from 0 to 999999`);
  const timeoutText = values.timeout ?? "60";
  const seconds = /^[0-9]{1,5}(\.[0-9]{1,3})?$/.test(timeoutText) ? Number(timeoutText) : NaN;
  if (!(seconds > 0 && seconds <= 86400)) throw new UsageError(`--timeout ${JSON.stringify(timeoutText)}: expected seconds, more than 0 and at most 86400`);
  return { block: !values["no-block"], attempts: Number(attemptsText), timeoutMs: Math.round(seconds * 1000) };
}

/** Time and the give-up delay for blocked units, injectable for tests. */
export interface ChangeDeps {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly stuckMs: number;
}

export const realDeps: ChangeDeps = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  stuckMs: 2000,
};

/** A unit whose change was sent; the result depends on waiting. `done` names the reached state. */
export interface Sent {
  readonly unit: string;
  readonly target: WaitTarget;
  readonly done: string;
  readonly warnings?: readonly string[];
}

export type Applied = { readonly kind: "result"; readonly result: UnitResult } | ({ readonly kind: "sent" } & Sent);

function waitedResult(s: Sent, o: Outcome | undefined, w: WaitSettings): UnitResult {
  const base = { unit: s.unit, ...(s.warnings ? { warnings: s.warnings } : {}) };
  if (!o) return { ...base, ok: false, error: "no outcome" };
  switch (o.kind) {
    case "done":
      return { ...base, ok: true, action: s.done, ...(o.machines.length > 0 ? { machines: o.machines } : {}) };
    case "stuck":
      return { ...base, ok: false, error: o.why };
    case "timeout": {
      const limit = w.attempts > 0 ? `${w.attempts} attempt(s)` : `${w.timeoutMs / 1000} s`;
      return { ...base, ok: false, error: `not ${s.done} after ${limit}: ${o.why}` };
    }
    default: {
      const _never: never = o;
      return _never;
    }
  }
}

async function observe(api: ApiClient): Promise<Observation> {
  const [units, states] = await Promise.all([api.hafenUnits(), api.hafenStates()]);
  return { units: new Map(units.map((u) => [u.name, u])), states };
}

/**
 * Waits for every sent change (unless --no-block) and returns the results in the order
 * of `applied`, plus the machines to label them with.
 */
export async function settle(
  ctx: CommandContext,
  api: ApiClient,
  applied: readonly Applied[],
  w: WaitSettings,
  deps: ChangeDeps,
  what: string,
): Promise<{ results: UnitResult[]; machines: ReadonlyMap<string, MachineInfo> }> {
  const sent = applied.filter((a): a is { kind: "sent" } & Sent => a.kind === "sent");
  let outcomes = new Map<string, Outcome>();
  if (w.block && sent.length > 0) {
    const line = progressLine(ctx.stderr, what, deps.now);
    try {
      outcomes = await waitFor(new Map(sent.map((s) => [s.unit, s.target])), () => observe(api), {
        attempts: w.attempts,
        timeoutMs: w.timeoutMs,
        stuckMs: deps.stuckMs,
        now: deps.now,
        sleep: deps.sleep,
        progress: (n, total, sample) => line.update(n, total, sample),
      });
    } finally {
      line.done();
    }
  }
  const results = applied.map((a) => {
    if (a.kind === "result") return a.result;
    if (!w.block) return { unit: a.unit, ok: true, action: "triggered", ...(a.warnings ? { warnings: a.warnings } : {}) };
    return waitedResult(a, outcomes.get(a.unit), w);
  });
  const placed = results.some((r) => r.machines && r.machines.length > 0);
  const machines = placed ? byId(await api.hafenMachines()) : new Map<string, MachineInfo>();
  return { results, machines };
}

/** Runs one unit's API call, turning a thrown error into that unit's failure. */
export async function attempt(unit: string, fn: () => Promise<Applied>, describe: (err: unknown) => string): Promise<Applied> {
  try {
    return await fn();
  } catch (err) {
    return { kind: "result", result: failed(unit, describe(err)) };
  }
}
