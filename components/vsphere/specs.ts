// Builders for the vim25 data objects the client sends, and validation of their inputs.
// Element order follows the WSDL sequences (vCenter rejects out-of-order fields):
// VirtualMachineConfigSpec: name … numCPUs, memoryMB … extraConfig;
// VirtualMachineCloneSpec: location, template, config, customization, powerOn;
// VirtualMachineRelocateSpec: service, folder, datastore, diskMoveType, pool, host.
import { el, type Xml } from "./xml";
import { moref, typed } from "./soap";
import type { MoRef, VsphereProblem } from "./types";

export interface HardwareChange {
  /** Virtual CPUs, 1–768. */
  readonly numCpus?: number;
  /** Memory in MiB, a multiple of 4, 4–24 TiB. */
  readonly memoryMb?: number;
  /**
   * Advanced settings (VMX keys) to set. vCenter adds or replaces each key; an empty
   * value removes the key.
   */
  readonly extraConfig?: Readonly<Record<string, string>>;
}

export interface CloneOptions extends HardwareChange {
  /** Name of the new VM, 1–80 characters, unique in its folder. */
  readonly name: string;
  /** VM folder the clone goes into (CloneVM_Task's own `folder` parameter). */
  readonly folder: MoRef;
  readonly pool: MoRef;
  /** Datastore for the clone's disks; default: the template's. */
  readonly datastore?: MoRef;
  /** Power the clone on as part of the clone task; default false. */
  readonly powerOn?: boolean;
}

const MAX_CPUS = 768;
const MAX_MEMORY_MB = 24 * 1024 * 1024;
// VMX keys: dotted identifiers such as guestinfo.ignition.config.data.
const EXTRA_CONFIG_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.:\-]{0,254}$/;
// Characters XML 1.0 cannot carry at all, even escaped.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Every problem with a hardware change, each naming its field (`<prefix>.numCpus` …). */
export function checkHardware(c: HardwareChange, prefix: string): VsphereProblem[] {
  const out: VsphereProblem[] = [];
  const bad = (field: string, value: unknown, accepted: string): void => {
    out.push({ kind: "invalid-input", field: `${prefix}.${field}`, value: String(value), accepted });
  };
  if (c.numCpus !== undefined && !(Number.isInteger(c.numCpus) && c.numCpus >= 1 && c.numCpus <= MAX_CPUS)) {
    bad("numCpus", c.numCpus, `an integer from 1 to ${MAX_CPUS}`);
  }
  if (c.memoryMb !== undefined && !(Number.isInteger(c.memoryMb) && c.memoryMb >= 4 && c.memoryMb <= MAX_MEMORY_MB && c.memoryMb % 4 === 0)) {
    bad("memoryMb", c.memoryMb, `a multiple of 4 from 4 to ${MAX_MEMORY_MB} (MiB)`);
  }
  for (const [k, v] of Object.entries(c.extraConfig ?? {})) {
    if (!EXTRA_CONFIG_KEY.test(k)) bad(`extraConfig[${JSON.stringify(k)}]`, k, "a key of letters, digits, '_', '.', ':', '-' (at most 255 characters)");
    else if (typeof v !== "string") bad(`extraConfig[${JSON.stringify(k)}]`, v, "a string value");
    else if (NOT_XML_CHAR.test(v)) bad(`extraConfig[${JSON.stringify(k)}]`, v.slice(0, 40), "text without control characters other than tab, CR and LF");
  }
  return out;
}

export function checkClone(o: CloneOptions): VsphereProblem[] {
  const out = checkHardware(o, "clone");
  if (typeof o.name !== "string" || o.name.length < 1 || o.name.length > 80 || NOT_XML_CHAR.test(o.name)) {
    out.unshift({ kind: "invalid-input", field: "clone.name", value: String(o.name), accepted: "a VM name of 1 to 80 printable characters" });
  }
  return out;
}

export function configSpec(tag: string, c: HardwareChange): Xml {
  const extra = Object.entries(c.extraConfig ?? {}).map(([key, value]) =>
    typed("extraConfig", "OptionValue", el("key", null, key), typed("value", "xsd:string", value)),
  );
  return typed(tag, "VirtualMachineConfigSpec", optional("numCPUs", c.numCpus), optional("memoryMB", c.memoryMb), extra);
}

export function cloneSpec(o: CloneOptions): Xml {
  const hasConfig = o.numCpus !== undefined || o.memoryMb !== undefined || Object.keys(o.extraConfig ?? {}).length > 0;
  return typed(
    "spec",
    "VirtualMachineCloneSpec",
    typed("location", "VirtualMachineRelocateSpec", o.datastore && moref("datastore", o.datastore), moref("pool", o.pool)),
    el("template", null, false),
    hasConfig ? configSpec("config", o) : undefined,
    el("powerOn", null, o.powerOn ?? false),
  );
}

/** RetrievePropertiesEx parameters for some properties of one object. */
export function propertyQuery(ref: MoRef, paths: readonly string[]): Xml[] {
  return [
    typed(
      "specSet",
      "PropertyFilterSpec",
      typed("propSet", "PropertySpec", el("type", null, ref.type), paths.map((p) => el("pathSet", null, p))),
      typed("objectSet", "ObjectSpec", moref("obj", ref), el("skip", null, false)),
    ),
    typed("options", "RetrieveOptions"),
  ];
}

function optional(tag: string, v: number | undefined): Xml | undefined {
  return v === undefined ? undefined : el(tag, null, v);
}
