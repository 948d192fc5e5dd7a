// Shared shapes of the vSphere client: managed object references, VM facts, and the
// closed set of problems the client reports (errors as data, wrapped in VsphereError
// when thrown). No message ever contains a password or a request body.

/** A managed object reference, e.g. `{ type: "VirtualMachine", value: "vm-42" }`. */
export interface MoRef {
  readonly type: string;
  readonly value: string;
}

export type PowerState = "poweredOn" | "poweredOff" | "suspended";

/** The inventory kinds the client looks up by path. */
export type InventoryKind = "Datacenter" | "Folder" | "VirtualMachine" | "ResourcePool" | "Datastore" | "ClusterComputeResource" | "ComputeResource" | "HostSystem";

/** What `vmInfo` reads about a VM. */
export interface VmInfo {
  readonly ref: MoRef;
  readonly name: string;
  readonly powerState: PowerState;
  /** The guest's primary IP as VMware Tools reports it; absent until the guest has one. */
  readonly ipAddress: string | undefined;
  readonly numCpus: number;
  readonly memoryMb: number;
  readonly template: boolean;
  /** extraConfig as key → value; for a key set twice the last value wins. */
  readonly extraConfig: Readonly<Record<string, string>>;
}

export type VsphereProblem =
  /** The server answered with a SOAP fault (or a task ended with one). */
  | { readonly kind: "fault"; readonly method: string; readonly faultType: string; readonly message: string; readonly fields: Readonly<Record<string, string>>; readonly task?: string }
  /** A non-SOAP HTTP answer (proxy error page, 404 for a wrong path, ...). */
  | { readonly kind: "http"; readonly method: string; readonly status: number; readonly snippet: string }
  /** One request took longer than the request timeout. */
  | { readonly kind: "timeout"; readonly method: string; readonly timeoutMs: number }
  /** Connection-level failure (refused, reset, DNS). */
  | { readonly kind: "network"; readonly method: string; readonly code: string; readonly message: string }
  /** The server's certificate was not trusted (pass caPem, or insecure for a lab). */
  | { readonly kind: "tls"; readonly method: string; readonly code: string; readonly message: string }
  /** The answer was not the XML/SOAP shape expected (malformed, too large, missing parts). */
  | { readonly kind: "response"; readonly method: string; readonly message: string }
  /** An inventory path resolved to nothing. */
  | { readonly kind: "not-found"; readonly what: InventoryKind; readonly path: string }
  /** A VM of that name already exists in the target folder (checked before cloning). */
  | { readonly kind: "already-exists"; readonly name: string; readonly folder: string; readonly existing: string }
  /** An inventory path resolved to an object of another kind. */
  | { readonly kind: "wrong-type"; readonly path: string; readonly expected: InventoryKind; readonly actual: string }
  /** Waiting (for a task, or for a guest IP) exceeded its bound. */
  | { readonly kind: "wait-timeout"; readonly waitingFor: string; readonly target: string; readonly waitedMs: number; readonly polls: number }
  /** A caller-supplied value was refused before anything was sent. */
  | { readonly kind: "invalid-input"; readonly field: string; readonly value: string; readonly accepted: string };

export type VsphereProblemKind = VsphereProblem["kind"];

export function describeProblem(p: VsphereProblem): string {
  switch (p.kind) {
    case "fault": {
      const where = p.task ? `${p.method} (task ${p.task})` : p.method;
      const fields = Object.entries(p.fields).map(([k, v]) => `${k}=${v}`).join(", ");
      return `vSphere ${where} failed with ${p.faultType}: ${p.message || "(no message)"}${fields ? ` [${fields}]` : ""}`;
    }
    case "http":
      return `vSphere ${p.method}: HTTP ${p.status} without a SOAP answer${p.snippet ? `: ${p.snippet}` : ""}`;
    case "timeout":
      return `vSphere ${p.method}: no answer within ${p.timeoutMs} ms`;
    case "network":
      return `vSphere ${p.method}: cannot reach the server (${p.code}: ${p.message})`;
    case "tls":
      return `vSphere ${p.method}: server certificate not trusted (${p.code}: ${p.message}); pass caPem with the vCenter's CA, or insecure: true for a lab vCenter`;
    case "response":
      return `vSphere ${p.method}: unexpected answer: ${p.message}`;
    case "not-found":
      return `vSphere: no ${p.what} at inventory path "${p.path}"`;
    case "already-exists":
      return `vSphere: a VM named "${p.name}" already exists in folder ${p.folder} (${p.existing}); VM names are unique per folder`;
    case "wrong-type":
      return `vSphere: inventory path "${p.path}" is a ${p.actual}, expected a ${p.expected}`;
    case "wait-timeout":
      return `vSphere: ${p.waitingFor} of ${p.target} not done after ${p.waitedMs} ms (${p.polls} polls)`;
    case "invalid-input":
      return `vSphere: ${p.field} = ${JSON.stringify(p.value)} is invalid; accepted: ${p.accepted}`;
    default: {
      const never: never = p;
      return String(never);
    }
  }
}

export class VsphereError extends Error {
  /** `problem` first, then any others found in the same check (all input errors at once). */
  readonly problems: readonly VsphereProblem[];

  constructor(readonly problem: VsphereProblem, more: readonly VsphereProblem[] = []) {
    super([problem, ...more].map(describeProblem).join("\n"));
    this.name = "VsphereError";
    this.problems = [problem, ...more];
  }

  /** The SOAP fault type when this is a fault, e.g. "InvalidLogin". */
  get faultType(): string | undefined {
    return this.problem.kind === "fault" ? this.problem.faultType : undefined;
  }
}

export function isFault(e: unknown, faultType: string): boolean {
  return e instanceof VsphereError && e.faultType === faultType;
}
