// The shape checks every executor applies at load(), before anything is stored.
import { parseUnitName } from "../../units/names";
import { ExecutorError } from "./errors";
import type { UnitSpec } from "./types";

/** Refuses what cannot even be stored: a bad name (it becomes a file name) or non-text options. */
export function checkSpec(unit: UnitSpec): void {
  const name = parseUnitName(typeof unit?.name === "string" ? unit.name : "");
  if (!name.ok) throw new ExecutorError("invalid-unit", String(unit?.name), name.problems[0]!.message);
  if (!Array.isArray(unit.options) || unit.options.some((o) => typeof o?.section !== "string" || typeof o.name !== "string" || typeof o.value !== "string")) {
    throw new ExecutorError("invalid-unit", unit.name, `unit ${unit.name}: options must be a list of {section, name, value} strings`);
  }
  if (typeof unit.hash !== "string") throw new ExecutorError("invalid-unit", unit.name, `unit ${unit.name}: hash must be a string`);
}

/** A journal line count from any caller: whole, not negative; NaN and ±Infinity become 0. */
export function lineCount(n: number): number {
  return Number.isFinite(n) ? Math.max(0, Math.floor(n)) : 0;
}
