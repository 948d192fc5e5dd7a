// Reading the executors' own records, pure: which machine started which unit with which
// contents, and whether a non-global unit ever ran on two machines at once. The evidence
// is what each machine's executor did, never what the API says about it.
import type { ExecutorEvent } from "../../runtime/executor/types";
import type { RecordedCall } from "../../runtime/executor/recording";

/** One executor's record, labelled with the machine it ran on (a machine killed and brought back has several). */
export interface MachineLog {
  readonly machine: string;
  readonly calls: readonly RecordedCall[];
  readonly events: readonly ExecutorEvent[];
}

export interface Start {
  readonly machine: string;
  /** The hash of the contents the executor had loaded for the unit when it was started. */
  readonly hash: string | undefined;
}

/**
 * Every start call the unit received, oldest first. Calls are ordered by their `at`,
 * which must come from one strictly increasing clock shared by all the logs' executors.
 */
export function startsOf(logs: readonly MachineLog[], unit: string): Start[] {
  const out: (Start & { at: number })[] = [];
  for (const log of logs) {
    let loaded: string | undefined;
    for (const c of log.calls) {
      if (c.unit !== unit) continue;
      if (c.op === "load") loaded = c.hash;
      else if (c.op === "unload") loaded = undefined;
      else if (c.op === "start") out.push({ machine: log.machine, hash: loaded, at: c.at });
    }
  }
  return out.sort((a, b) => a.at - b.at).map(({ machine, hash }) => ({ machine, hash }));
}

export interface DoubleRun {
  readonly unit: string;
  /** Machines running the unit at the same moment, ascending. */
  readonly machines: readonly string[];
  /** The `mono` stamp of the start that made it two. */
  readonly mono: number;
}

/**
 * Replays all logs' started/stopped/exited events in `mono` order (the scenario stamps
 * them from one strictly increasing clock, so the order across machines is exact) and reports every
 * moment a unit `isGlobal` rejects was running on more than one machine.
 */
export function doubleRuns(logs: readonly MachineLog[], isGlobal: (unit: string) => boolean): DoubleRun[] {
  const events = logs.flatMap((l) => l.events.map((e) => ({ machine: l.machine, e })));
  const unstamped = events.find((x) => x.e.mono === undefined);
  if (unstamped) throw new Error(`executor event without a mono stamp on ${unstamped.machine}: ${JSON.stringify(unstamped.e)}`);
  events.sort((a, b) => a.e.mono! - b.e.mono!);
  const running = new Map<string, Map<string, number>>(); // unit → machine → open runs
  const out: DoubleRun[] = [];
  for (const { machine, e } of events) {
    let on = running.get(e.unit);
    if (!on) running.set(e.unit, (on = new Map()));
    switch (e.event) {
      case "started":
        on.set(machine, (on.get(machine) ?? 0) + 1);
        if (on.size > 1 && !isGlobal(e.unit)) out.push({ unit: e.unit, machines: [...on.keys()].sort(), mono: e.mono! });
        break;
      case "stopped":
      case "exited": {
        const n = (on.get(machine) ?? 0) - 1;
        if (n > 0) on.set(machine, n);
        else on.delete(machine);
        break;
      }
      case "restarting":
        break;
      default: {
        const _never: never = e.event;
        throw new Error(`unknown executor event ${String(_never)}`);
      }
    }
  }
  return out;
}
