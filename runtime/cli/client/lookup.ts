// Finding the one unit or machine an argument means, for journal and status.
import type { ApiClient } from "../../client/api";
import { selectUnits } from "./unit-args";

/** The single unit in the cluster that `arg` names or matches. */
export async function resolveOneUnit(api: ApiClient, arg: string): Promise<string> {
  const units = await api.listUnits();
  const { names, failures } = selectUnits([arg], units.map((u) => u.name));
  if (failures.length > 0) throw new Error(`${failures[0]!.unit}: ${failures[0]!.message}`);
  if (names.length > 1) throw new Error(`${JSON.stringify(arg)} matches ${names.length} units (${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}); give one unit`);
  return names[0]!;
}

/** A machine given as full id, unique id prefix or name. */
export async function resolveMachine(api: ApiClient, text: string): Promise<string> {
  const machines = await api.hafenMachines();
  const exact = machines.find((m) => m.id === text || m.name === text);
  if (exact) return exact.id;
  const byPrefix = /^[0-9a-f]{1,32}$/.test(text) ? machines.filter((m) => m.id.startsWith(text)) : [];
  if (byPrefix.length === 1) return byPrefix[0]!.id;
  if (byPrefix.length > 1) throw new Error(`--machine ${JSON.stringify(text)}: the prefix matches ${byPrefix.length} machines; give more of the id`);
  throw new Error(`--machine ${JSON.stringify(text)}: no machine has this id, id prefix or name (see \`hafen list-machines\`)`);
}
