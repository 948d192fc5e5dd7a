// Per-unit results of the state-changing commands and how they are shown: one line per
// unit on stdout (fleetctl's "Unit web@1.service launched on 1a2b3c4d.../10.0.0.5"),
// failures on stderr, or one JSON array with --json. Partial success is normal: every
// unit gets its line, and the exit code is 1 if any failed.
import type { CommandContext } from "../command";
import { machineLabel, type MachineInfo } from "./format";

export interface UnitResult {
  readonly unit: string;
  readonly ok: boolean;
  /** What happened: submitted, replaced, unchanged, launched, loaded, inactive, destroyed, triggered, skipped. */
  readonly action?: string;
  /** Machines the unit ended up on (after waiting). */
  readonly machines?: readonly string[];
  /** A sentence (or FILE:LINE lines) saying what went wrong; only when !ok. */
  readonly error?: string;
  /** Non-fatal notes, e.g. lint warnings. */
  readonly warnings?: readonly string[];
}

export function failed(unit: string, error: string): UnitResult {
  return { unit, ok: false, error };
}

function okLine(r: UnitResult, machines: ReadonlyMap<string, MachineInfo>): string {
  const where = r.machines && r.machines.length > 0 ? ` on ${r.machines.map((m) => machineLabel(m, machines, false)).join(", ")}` : "";
  switch (r.action) {
    case "destroyed":
      return `Destroyed ${r.unit}`;
    case "triggered":
      return `Triggered unit ${r.unit}`;
    case "skipped":
      return `Unit ${r.unit} is already launched; not changed (stop it to keep it loaded only)`;
    default:
      return `Unit ${r.unit} ${r.action ?? "done"}${where}`;
  }
}

/** Writes the results and returns the exit code. */
export function report(ctx: CommandContext, verb: string, results: readonly UnitResult[], json: boolean, machines: ReadonlyMap<string, MachineInfo>): number {
  const failures = results.filter((r) => !r.ok);
  if (json) {
    const rows = results.map((r) => ({
      unit: r.unit,
      ok: r.ok,
      ...(r.action ? { action: r.action } : {}),
      ...(r.machines ? { machines: r.machines.map((id) => ({ id, ...(machines.get(id) ? { primaryIP: machines.get(id)!.primaryIP } : {}) })) } : {}),
      ...(r.error ? { error: r.error } : {}),
      ...(r.warnings && r.warnings.length > 0 ? { warnings: r.warnings } : {}),
    }));
    ctx.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    for (const r of results) {
      for (const w of r.warnings ?? []) ctx.stderr.write(`${w}\n`);
      if (r.ok) ctx.stdout.write(`${okLine(r, machines)}\n`);
      else ctx.stderr.write(`hafen ${verb}: ${r.unit}: ${(r.error ?? "failed").replace(/\n/g, "\n  ")}\n`);
    }
  }
  if (failures.length > 0 && (json || results.length > 1)) {
    ctx.stderr.write(`hafen ${verb}: ${failures.length} of ${results.length} unit(s) failed\n`);
  }
  return failures.length > 0 ? 1 : 0;
}
