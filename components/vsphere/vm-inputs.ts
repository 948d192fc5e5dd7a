// The inputs of one vSphere VM resource, their validation (every problem, each with its
// field path) and the diff policy. Pure: no Pulumi, no I/O.
import { endpointOf } from "./session";
import { checkHardware } from "./specs";
import { VsphereError, type PowerState, type VsphereProblem } from "./types";

export interface VsphereConnectionArgs {
  /** SDK endpoint, e.g. https://vcenter.example.com/sdk (http only for loopback simulators). */
  readonly url: string;
  readonly username: string;
  /** Keep it a Pulumi secret; the resource marks the whole connection output secret. */
  readonly password: string;
  /** Skip TLS verification. UNSAFE (lab vCenters only); conflicts with caPem. Default false. */
  readonly insecure?: boolean;
  /** PEM of the CA that signed vCenter's certificate. Default: Node's trust store. */
  readonly caPem?: string;
}

export interface VmInputs {
  readonly connection: VsphereConnectionArgs;
  /** Datacenter name; relative paths below are resolved inside it. */
  readonly datacenter: string;
  /**
   * Template VM: a path under the datacenter's VM folder ("templates/flatcar"), or an
   * absolute inventory path starting with "/" ("/DC1/vm/templates/flatcar").
   */
  readonly template: string;
  /** VM folder for the clone, relative to the datacenter's VM folder; default "" (its root). */
  readonly folder?: string;
  /** Cluster, host or resource pool under the datacenter's host folder ("Cluster1", "Cluster1/Resources/pool"). */
  readonly resourcePool: string;
  /** Datastore name under the datacenter; default: the template's datastore. */
  readonly datastore?: string;
  /** VM name, unique in its folder, 1–80 characters. */
  readonly name: string;
  readonly numCpus: number;
  /** MiB, a multiple of 4. */
  readonly memoryMb: number;
  /** guestinfo.* keys (see guestinfoFor); a change replaces the VM (configs apply at first boot). */
  readonly guestinfo?: Readonly<Record<string, string>>;
  /** Other VMX keys (e.g. "disk.EnableUUID": "TRUE"); a change replaces the VM. */
  readonly extraConfig?: Readonly<Record<string, string>>;
  /** Wait for the guest to report an IP before create/update finish; default true. */
  readonly waitForIp?: boolean;
  /** Bound on that wait; default 300 000 ms. */
  readonly ipTimeoutMs?: number;
}

export interface VmOutputs extends VmInputs {
  /** Managed object id, e.g. "vm-42" (also the resource id). */
  readonly moref: string;
  /** The guest IP, or "" when not waited for and not yet known. */
  readonly ipAddress: string;
  readonly powerState: PowerState;
}

type Invalid = Extract<VsphereProblem, { kind: "invalid-input" }>;

const MAX_IP_TIMEOUT_MS = 3_600_000;

/** Every problem with `x` as VmInputs, each naming its field path; empty when valid. */
export function checkVmInputs(x: unknown): Invalid[] {
  if (!isRecord(x)) return [invalid("", x, "an object of VM inputs")];
  const out: Invalid[] = [];
  const fail = (field: string, value: unknown, accepted: string): void => void out.push(invalid(field, value, accepted));
  out.push(...checkConnection(x["connection"]));
  for (const key of ["datacenter", "template", "resourcePool", "name"] as const) {
    const v = x[key];
    if (typeof v !== "string" || v.trim() === "") fail(key, v, "a non-empty string");
  }
  if (typeof x["datacenter"] === "string" && x["datacenter"].includes("/")) fail("datacenter", x["datacenter"], "a datacenter name without '/'");
  for (const key of ["folder", "datastore"] as const) {
    if (x[key] !== undefined && typeof x[key] !== "string") fail(key, x[key], "a string");
  }
  if (typeof x["name"] === "string" && x["name"].length > 80) fail("name", x["name"], "at most 80 characters");
  if (x["numCpus"] === undefined) fail("numCpus", undefined, "an integer from 1 to 768");
  if (x["memoryMb"] === undefined) fail("memoryMb", undefined, "a multiple of 4 (MiB)");
  for (const p of checkHardware({ numCpus: x["numCpus"] as number, memoryMb: x["memoryMb"] as number }, "vm")) {
    if (p.kind === "invalid-input") out.push({ ...p, field: p.field.replace(/^vm\./, "") });
  }
  out.push(...checkKeyMap(x["guestinfo"], "guestinfo"), ...checkKeyMap(x["extraConfig"], "extraConfig"));
  if (x["waitForIp"] !== undefined && typeof x["waitForIp"] !== "boolean") fail("waitForIp", x["waitForIp"], "true or false");
  const t = x["ipTimeoutMs"];
  if (t !== undefined && !(Number.isInteger(t) && (t as number) > 0 && (t as number) <= MAX_IP_TIMEOUT_MS)) {
    fail("ipTimeoutMs", t, `an integer from 1 to ${MAX_IP_TIMEOUT_MS}`);
  }
  return out;
}

function invalid(field: string, value: unknown, accepted: string): Invalid {
  const shown = typeof value === "string" ? value : value === undefined ? "undefined" : JSON.stringify(value) ?? String(value);
  return { kind: "invalid-input", field, value: shown.length > 80 ? `${shown.slice(0, 80)}…` : shown, accepted };
}

function checkConnection(c: unknown): Invalid[] {
  if (!isRecord(c)) return [invalid("connection", c, "an object with url, username and password")];
  const out: Invalid[] = [];
  try {
    endpointOf(c["url"] as string);
  } catch (e) {
    if (e instanceof VsphereError && e.problem.kind === "invalid-input") out.push({ ...e.problem, field: "connection.url" });
    else throw e;
  }
  if (typeof c["username"] !== "string" || c["username"] === "") out.push(invalid("connection.username", c["username"], "a non-empty string"));
  // The password's value is never echoed, only its type.
  if (typeof c["password"] !== "string" || c["password"] === "") out.push(invalid("connection.password", typeof c["password"], "a non-empty string (a Pulumi secret)"));
  if (c["insecure"] !== undefined && typeof c["insecure"] !== "boolean") out.push(invalid("connection.insecure", c["insecure"], "true or false"));
  if (c["caPem"] !== undefined && (typeof c["caPem"] !== "string" || !c["caPem"].includes("-----BEGIN CERTIFICATE-----"))) {
    out.push(invalid("connection.caPem", typeof c["caPem"] === "string" ? c["caPem"].slice(0, 30) : c["caPem"], "PEM text with at least one -----BEGIN CERTIFICATE----- block"));
  }
  if (c["insecure"] === true && c["caPem"] !== undefined) out.push(invalid("connection.insecure", true, "false when caPem is given (they conflict; give one)"));
  return out;
}

function checkKeyMap(m: unknown, field: "guestinfo" | "extraConfig"): Invalid[] {
  if (m === undefined) return [];
  if (!isRecord(m)) return [invalid(field, m, "a map of string keys to string values")];
  const out: Invalid[] = [];
  for (const k of Object.keys(m)) {
    if (field === "guestinfo" && !k.startsWith("guestinfo.")) out.push(invalid(`guestinfo["${k}"]`, k, 'a key starting with "guestinfo."'));
    if (field === "extraConfig" && k.startsWith("guestinfo.")) out.push(invalid(`extraConfig["${k}"]`, k, 'a key not starting with "guestinfo." (those belong in guestinfo)'));
  }
  for (const p of checkHardware({ extraConfig: m as Record<string, string> }, field)) {
    if (p.kind === "invalid-input") out.push({ ...p, field: p.field.replace(/^\w+\.extraConfig/, field) });
  }
  return out;
}

/** The FindByInventoryPath paths of the resource's placement objects. */
export function inventoryPaths(i: VmInputs): { template: string; folder: string; resourcePool: string; datastore?: string } {
  const under = (sub: string, p: string): string => (p.startsWith("/") ? p.slice(1) : p === "" ? `${i.datacenter}/${sub}` : `${i.datacenter}/${sub}/${p}`);
  return {
    template: under("vm", i.template),
    folder: under("vm", i.folder ?? ""),
    resourcePool: under("host", i.resourcePool),
    ...(i.datastore ? { datastore: under("datastore", i.datastore) } : {}),
  };
}

/** Inputs whose change replaces the VM; the rest update in place. */
export const REPLACE_ON = ["connection.url", "datacenter", "template", "folder", "resourcePool", "datastore", "name", "guestinfo", "extraConfig"] as const;

export interface VmDiff {
  readonly changes: boolean;
  readonly replaces: string[];
  /** True when the replacement would collide with the old VM's name in the same folder. */
  readonly deleteBeforeReplace: boolean;
  /** CPU or memory changed: update power-cycles the VM. */
  readonly hardware: boolean;
}

/**
 * Diff policy: placement, name and boot config (guestinfo/extraConfig, read only at
 * first boot by Ignition) replace the VM; CPU and memory update in place with a power
 * cycle; credentials and wait settings update without touching the VM.
 */
export function diffVm(olds: VmInputs, news: VmInputs): VmDiff {
  const value = (i: VmInputs, key: (typeof REPLACE_ON)[number]): unknown =>
    key === "connection.url" ? i.connection?.url : key === "folder" ? i.folder ?? "" : key === "guestinfo" || key === "extraConfig" ? i[key] ?? {} : i[key];
  const replaces = REPLACE_ON.filter((k) => !same(value(olds, k), value(news, k)));
  const hardware = olds.numCpus !== news.numCpus || olds.memoryMb !== news.memoryMb;
  const soft = (["waitForIp", "ipTimeoutMs"] as const).some((k) => olds[k] !== news[k]) || !same(olds.connection, news.connection);
  const sameSlot = olds.name === news.name && (olds.folder ?? "") === (news.folder ?? "") && olds.datacenter === news.datacenter;
  return { changes: replaces.length > 0 || hardware || soft, replaces, deleteBeforeReplace: replaces.length > 0 && sameSlot, hardware };
}

/** Structural equality for JSON-like values, ignoring key order. */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, n) => same(v, b[n]));
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined).sort();
  const kb = Object.keys(b).filter((k) => b[k] !== undefined).sort();
  return ka.length === kb.length && ka.every((k, n) => k === kb[n] && same(a[k], b[k]));
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
