// The local pool's inputs, checks and diff policy. Pure.
export interface LocalInputs {
  /** Absolute directory holding the machines. */
  readonly dir: string;
  readonly machines: number;
  readonly control: number;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly leaseTtlSeconds?: number;
}

export interface LocalOutputs extends LocalInputs {
  readonly endpoint: string;
  readonly adminToken: string;
  readonly discoveryUrl: string;
  readonly clientConfigPath: string;
  readonly machineList: readonly { readonly name: string; readonly id: string; readonly role: string }[];
}

export const LOCAL_MAX_MACHINES = 20;

export function checkLocalInputs(x: unknown): { property: string; reason: string }[] {
  if (typeof x !== "object" || x === null) return [{ property: "", reason: "expected {dir, machines, control}" }];
  const i = x as Record<string, unknown>;
  const out: { property: string; reason: string }[] = [];
  if (typeof i["dir"] !== "string" || !i["dir"].startsWith("/")) out.push({ property: "dir", reason: `${JSON.stringify(i["dir"]) ?? "(missing)"} is not an absolute directory path` });
  const n = i["machines"];
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > LOCAL_MAX_MACHINES) out.push({ property: "machines", reason: `expected a whole number from 1 to ${LOCAL_MAX_MACHINES}` });
  const c = i["control"];
  if (typeof c !== "number" || !Number.isInteger(c) || c < 1 || (c > 1 && c % 2 === 0)) out.push({ property: "control", reason: "expected 1 or an odd number ≥ 3 (2 and 4 add no fault tolerance over 1 and 3)" });
  else if (typeof n === "number" && c > n) out.push({ property: "control", reason: `control (${c}) cannot exceed machines (${n})` });
  const ttl = i["leaseTtlSeconds"];
  if (ttl !== undefined && !(typeof ttl === "number" && Number.isInteger(ttl) && ttl >= 1 && ttl <= 3600)) out.push({ property: "leaseTtlSeconds", reason: "expected a whole number of seconds from 1 to 3600" });
  const m = i["metadata"];
  if (m !== undefined && (typeof m !== "object" || m === null || Object.values(m).some((v) => typeof v !== "string"))) out.push({ property: "metadata", reason: "expected a mapping of strings" });
  return out;
}

/** Every input shapes the machines at `up`, so any change replaces the cluster; in the
 *  same directory the old one must go first. */
export function diffLocal(olds: LocalInputs, news: LocalInputs): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const replaces = (["dir", "machines", "control", "metadata", "leaseTtlSeconds"] as const).filter((k) => JSON.stringify(olds[k] ?? {}) !== JSON.stringify(news[k] ?? {}));
  return { changes: replaces.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && olds.dir === news.dir };
}
