// "Booting" a local machine: interpret the cloud-config the machine renderer produced
// for it, as coreos-cloudinit would on a real machine — write its files (every path must
// lie under the machine's root directory; the renderer rebased them) and start its
// coreos.units with the process executor, in the order the config lists them. The
// process running this is the machine: kill it with -9 and everything it started dies
// with it (the executor's guard sees to that).
import { mkdirSync, writeFileSync, chmodSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { parseCloudConfig, formatProblem, type Machine, type UnitSpec as MachineUnit } from "../../machine";
import { parseUnit, toOptions, hashOptions, formatProblem as formatUnitProblem } from "../../units";
import type { Executor, UnitOption } from "../executor/types";

export class BootError extends Error {}

export interface BootPlan {
  readonly machine: Machine;
  /** Units to load, in config order, with the options the executor gets. */
  readonly units: readonly { readonly name: string; readonly options: UnitOption[]; readonly start: boolean }[];
}

/** Parses the config and checks it stays inside `root`. Pure apart from nothing; throws BootError. */
export function planBoot(root: string, configText: string, configFile: string): BootPlan {
  const parsed = parseCloudConfig(configText, configFile);
  if (!parsed.ok) throw new BootError(parsed.problems.map((p) => formatProblem(p)).join("\n"));
  const machine = parsed.value;
  const base = resolve(root) + sep;
  for (const f of machine.files) {
    if (!resolve(f.path).startsWith(base)) {
      throw new BootError(`${configFile}: write_files path ${f.path} is outside the machine's root ${root}; local machines only write under their root`);
    }
    if (f.contents.source === "url") {
      throw new BootError(`${configFile}: write_files ${f.path} is fetched from ${f.contents.url}; local machines do not fetch files`);
    }
  }
  const units = machine.units.filter((u) => u.contents !== undefined && !u.mask).map((u) => ({
    name: u.name,
    options: unitOptions(u, configFile),
    start: u.command === "start" || u.command === "restart" || u.command === "reload-or-restart",
  }));
  return { machine, units };
}

/** The unit's options with its drop-ins applied after it, as systemd reads them. */
function unitOptions(u: MachineUnit, file: string): UnitOption[] {
  const texts = [u.contents!, ...u.dropIns.map((d) => d.contents)];
  const out: UnitOption[] = [];
  texts.forEach((text, i) => {
    const r = parseUnit(text, i === 0 ? `${file}:${u.name}` : `${file}:${u.name}.d/${u.dropIns[i - 1]!.name}`);
    if (!r.ok) throw new BootError(r.problems.map(formatUnitProblem).join("\n"));
    out.push(...toOptions(r.value));
  });
  return out;
}

/** Writes the machine's files (and unit files, for inspection) under its root. */
export function writeMachineFiles(root: string, plan: BootPlan): void {
  for (const f of plan.machine.files) {
    mkdirSync(dirname(f.path), { recursive: true });
    const data = f.contents.source === "text" ? f.contents.text : f.contents.source === "bytes" ? f.contents.bytes : "";
    writeFileSync(f.path, data, { mode: f.mode });
    chmodSync(f.path, f.mode);
  }
  const unitDir = join(root, "etc", "systemd", "system");
  mkdirSync(unitDir, { recursive: true });
  for (const u of plan.machine.units) {
    if (u.contents !== undefined) writeFileSync(join(unitDir, u.name), u.contents);
  }
}

/** Loads every unit, then starts those the config starts, in order. */
export async function startUnits(executor: Executor, plan: BootPlan, log: (l: string) => void): Promise<void> {
  for (const u of plan.units) await executor.load({ name: u.name, hash: hashOptions(u.options), options: u.options });
  for (const u of plan.units) {
    if (!u.start) continue;
    await executor.start(u.name);
    log(`started ${u.name}`);
  }
}

/** Stops the units in reverse order (the agent first, so it stops its own units). */
export async function stopUnits(executor: Executor, plan: BootPlan, log: (l: string) => void): Promise<void> {
  for (const u of [...plan.units].reverse()) {
    await executor.stop(u.name).catch((err: Error) => log(`stopping ${u.name}: ${err.message}`));
  }
}
