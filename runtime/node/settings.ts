// Reading a machine's Hafen settings (/etc/hafen/machine.json, written by the machine
// config) in the runtime processes. Invalid settings stop the process with every problem
// named, before anything starts.
import { readFileSync } from "node:fs";
// Straight from the settings reader, not machine/index: runtime processes must not load
// the renderers and their YAML library (~8 MB resident per process).
import { parseHafenSettings } from "../../machine/hafen";
import { formatProblem } from "../../machine/problems";
import type { HafenSettings } from "../../machine/model";

export class SettingsError extends Error {}

export function readSettings(path: string): HafenSettings {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new SettingsError(`cannot read settings ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    throw new SettingsError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const r = parseHafenSettings(obj);
  if (!r.ok) throw new SettingsError(`${path}: invalid settings:\n${r.problems.map((p) => `  ${formatProblem(p)}`).join("\n")}`);
  return r.value;
}

/** Reads a file the settings point at, naming the setting when it is missing. */
export function readSettingFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new SettingsError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
