// Readers from answer elements to typed values. Each returns the value or a sentence
// saying what was missing or malformed (the client turns it into a "response" problem).
import { elementsOf, firstElement, textOf, type XmlElement } from "./xml";
import { faultFields, faultTypeOf, readMoRef } from "./soap";
import type { MoRef, PowerState, VmInfo } from "./types";

export interface ServiceContent {
  readonly rootFolder: MoRef;
  readonly propertyCollector: MoRef;
  readonly searchIndex: MoRef;
  readonly sessionManager: MoRef;
  readonly about: { readonly fullName: string; readonly apiType: string; readonly apiVersion: string };
}

export type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const fail = <T>(message: string): Read<T> => ({ ok: false, message });

export function readServiceContent(resp: XmlElement): Read<ServiceContent> {
  const rv = firstElement(resp, "returnval");
  if (!rv) return fail("RetrieveServiceContentResponse has no returnval");
  const refs: Partial<Record<"rootFolder" | "propertyCollector" | "searchIndex" | "sessionManager", MoRef>> = {};
  for (const key of ["rootFolder", "propertyCollector", "searchIndex", "sessionManager"] as const) {
    const ref = readMoRef(firstElement(rv, key));
    if (!ref) return fail(`service content has no ${key} reference`);
    refs[key] = ref;
  }
  const about = firstElement(rv, "about");
  const text = (name: string): string => (about ? textOf(firstElement(about, name) ?? about).trim() : "");
  return ok({
    rootFolder: refs.rootFolder!,
    propertyCollector: refs.propertyCollector!,
    searchIndex: refs.searchIndex!,
    sessionManager: refs.sessionManager!,
    about: { fullName: text("fullName"), apiType: text("apiType"), apiVersion: text("apiVersion") },
  });
}

/** Reads a cookie pair (`name=value`) from Set-Cookie headers; vCenter names it vmware_soap_session. */
export function sessionCookie(setCookie: readonly string[]): string | undefined {
  for (const h of setCookie) {
    const pair = h.split(";")[0]!.trim();
    if (/^vmware_soap_session=./.test(pair)) return pair;
  }
  return undefined;
}

export type TaskState = "queued" | "running" | "success" | "error";

export interface TaskSnapshot {
  readonly state: TaskState;
  readonly error?: { readonly faultType: string; readonly message: string; readonly fields: Readonly<Record<string, string>> };
  readonly result?: MoRef;
}

const TASK_STATES: readonly string[] = ["queued", "running", "success", "error"];

/** From RetrievePropertiesEx of `info.state`, `info.error`, `info.result`. */
export function readTask(props: ReadonlyMap<string, XmlElement>): Read<TaskSnapshot> {
  const stateEl = props.get("info.state");
  const state = stateEl ? textOf(stateEl).trim() : "";
  if (!TASK_STATES.includes(state)) return fail(`task info.state is ${JSON.stringify(state)}; expected one of ${TASK_STATES.join(", ")}`);
  const errEl = props.get("info.error");
  const fault = errEl ? firstElement(errEl, "fault") : undefined;
  const error = fault
    ? { faultType: faultTypeOf(fault), message: textOf(firstElement(errEl!, "localizedMessage") ?? fault).trim(), fields: faultFields(fault) }
    : undefined;
  const result = readMoRef(props.get("info.result"));
  return ok({ state: state as TaskState, ...(error ? { error } : {}), ...(result ? { result } : {}) });
}

export const VM_PATHS = [
  "name",
  "runtime.powerState",
  "guest.ipAddress",
  "config.hardware.numCPU",
  "config.hardware.memoryMB",
  "config.template",
  "config.extraConfig",
] as const;

const POWER_STATES: readonly string[] = ["poweredOn", "poweredOff", "suspended"];

export function readVmInfo(ref: MoRef, props: ReadonlyMap<string, XmlElement>): Read<VmInfo> {
  const text = (p: string): string | undefined => {
    const v = props.get(p);
    return v ? textOf(v).trim() : undefined;
  };
  const name = text("name");
  if (name === undefined) return fail(`${ref.type} ${ref.value} has no name property`);
  const power = text("runtime.powerState") ?? "";
  if (!POWER_STATES.includes(power)) return fail(`${ref.value} runtime.powerState is ${JSON.stringify(power)}; expected one of ${POWER_STATES.join(", ")}`);
  const numCpus = Number(text("config.hardware.numCPU"));
  const memoryMb = Number(text("config.hardware.memoryMB"));
  if (!Number.isInteger(numCpus) || !Number.isInteger(memoryMb)) return fail(`${ref.value} config.hardware numCPU/memoryMB are not integers`);
  const ip = text("guest.ipAddress");
  const extra = props.get("config.extraConfig");
  return ok({
    ref,
    name,
    powerState: power as PowerState,
    ipAddress: ip ? ip : undefined,
    numCpus,
    memoryMb,
    template: text("config.template") === "true",
    extraConfig: extra ? readOptionValues(extra) : {},
  });
}

/** ArrayOfOptionValue → key/value; a repeated key keeps its last value. */
export function readOptionValues(val: XmlElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ov of elementsOf(val)) {
    const k = firstElement(ov, "key");
    const v = firstElement(ov, "value");
    if (k) out[textOf(k).trim()] = v ? textOf(v) : "";
  }
  return out;
}
