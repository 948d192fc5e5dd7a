// Small renderings shared by the listing commands, in fleetctl's forms: machine ids cut
// to 8 characters with "..." (whole with --full/-l), `ID.../IP` for where a unit runs,
// metadata as sorted `k=v,k=v`, "-" for nothing.
import type { UnitOption } from "../../executor/types";

export interface MachineInfo {
  readonly id: string;
  readonly primaryIP: string;
  readonly name?: string;
}

export function shortId(id: string, full: boolean): string {
  return full || id.length <= 8 ? id : `${id.slice(0, 8)}...`;
}

/** fleetctl's MACHINE cell: `148a18ff.../10.10.1.1`, or just the id when the machine is gone. */
export function machineLabel(id: string, machines: ReadonlyMap<string, MachineInfo>, full: boolean): string {
  const m = machines.get(id);
  return m ? `${shortId(id, full)}/${m.primaryIP}` : shortId(id, full);
}

export function metadataText(md: Readonly<Record<string, string>>): string {
  const keys = Object.keys(md).sort();
  return keys.length === 0 ? "-" : keys.map((k) => `${k}=${md[k]}`).join(",");
}

export function byId<M extends MachineInfo>(machines: readonly M[]): Map<string, M> {
  return new Map(machines.map((m) => [m.id, m]));
}

/** systemd's parse_boolean() true words, as fleet reads `Global=`. */
const TRUE_WORDS = ["1", "yes", "y", "true", "t", "on"];

function lastOption(options: readonly UnitOption[], section: string, name: string): string | undefined {
  let v: string | undefined;
  for (const o of options) if (o.section === section && o.name === name) v = o.value;
  return v;
}

export function isGlobalUnit(options: readonly UnitOption[]): boolean {
  return TRUE_WORDS.includes((lastOption(options, "X-Fleet", "Global") ?? "").trim().toLowerCase());
}

export function descriptionOf(options: readonly UnitOption[]): string | undefined {
  return lastOption(options, "Unit", "Description");
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
