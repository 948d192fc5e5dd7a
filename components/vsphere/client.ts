// A small vSphere (vCenter) SOAP client: enough of vim25 to clone VMs from a template,
// set guestinfo/extraConfig, reconfigure CPU and memory, power VMs on and off, read
// their guest IP and destroy them. No Pulumi here; the dynamic provider builds on it.
//
// Every failure is thrown as a VsphereError carrying a VsphereProblem (see types.ts).
// The client never logs and never puts credentials or request bodies into errors; the
// password is not kept after Login, and the session cookie is hidden from util.inspect
// and JSON. The module must stay serialisable by Pulumi's closure serialiser (the
// dynamic provider ships it): no symbol-keyed members, no use-before-declaration.
import { el, elementsOf, firstElement, textOf, type XmlChild, type XmlElement } from "./xml";
import { moref, propSetOf, readMoRef } from "./soap";
import { checkClone, checkHardware, cloneSpec, configSpec, propertyQuery, type CloneOptions, type HardwareChange } from "./specs";
import { readServiceContent, readTask, readVmInfo, VM_PATHS, type Read, type ServiceContent, type TaskSnapshot } from "./readers";
import { openSession, soapCall, type ClientDeps, type ConnectOptions, type Session } from "./session";
import { VsphereError, isFault, type InventoryKind, type MoRef, type VmInfo, type VsphereProblem } from "./types";

export { endpointOf, type ClientDeps, type ConnectOptions } from "./session";

export interface WaitOptions {
  /** Give up after this long; default 10 minutes for tasks, 5 minutes for guest IPs. */
  readonly timeoutMs?: number;
  /** Longest pause between polls (they start at 50 ms and grow by half); default 2000 ms. */
  readonly maxIntervalMs?: number;
}

const SERVICE_INSTANCE: MoRef = { type: "ServiceInstance", value: "ServiceInstance" };

export class VsphereClient {
  private constructor(
    private readonly session: Session,
    /** Root references and product facts read at connect. */
    readonly content: ServiceContent,
  ) {}

  /** RetrieveServiceContent, then Login; the session lasts until `logout()`. */
  static async connect(options: ConnectOptions, deps: ClientDeps = {}): Promise<VsphereClient> {
    const session = openSession(options, deps);
    const content = unwrap("RetrieveServiceContent", readServiceContent(await soapCall(session, "RetrieveServiceContent", SERVICE_INSTANCE)));
    await soapCall(session, "Login", content.sessionManager, el("userName", null, options.username), el("password", null, String(options.password ?? "")));
    if (!session.cookie.get()) throw new VsphereError({ kind: "response", method: "Login", message: "login succeeded but no vmware_soap_session cookie came back" });
    return new VsphereClient(session, content);
  }

  /** Ends the session; safe to call twice. */
  async logout(): Promise<void> {
    if (!this.session.cookie.get()) return;
    try {
      await this.call("Logout", this.content.sessionManager);
    } finally {
      this.session.cookie.set(undefined);
    }
  }

  /** One SOAP call with this session; resolves with the `<method>Response` element. */
  call(method: string, target: MoRef, ...params: XmlChild[]): Promise<XmlElement> {
    return soapCall(this.session, method, target, ...params);
  }

  /** FindByInventoryPath: e.g. "DC0/vm/templates/flatcar"; undefined when nothing is there. */
  async findByInventoryPath(path: string): Promise<MoRef | undefined> {
    const res = await this.call("FindByInventoryPath", this.content.searchIndex, el("inventoryPath", null, path));
    return readMoRef(firstElement(res, "returnval"));
  }

  /**
   * The object of `kind` at `path`; throws "not-found" naming the path, or "wrong-type".
   * For "ResourcePool", a cluster or host path resolves to its root pool.
   */
  async find(kind: InventoryKind, path: string): Promise<MoRef> {
    if (typeof path !== "string" || path.trim() === "" || path.length > 2048) {
      throw new VsphereError({ kind: "invalid-input", field: `${kind} path`, value: String(path), accepted: "an inventory path such as DC1/vm/templates/flatcar" });
    }
    const ref = await this.findByInventoryPath(path);
    if (!ref) throw new VsphereError({ kind: "not-found", what: kind, path });
    if (ref.type === kind) return ref;
    if (kind === "ResourcePool" && (ref.type === "ClusterComputeResource" || ref.type === "ComputeResource")) {
      const pool = readMoRef((await this.properties(ref, ["resourcePool"])).get("resourcePool"));
      if (pool) return pool;
    }
    throw new VsphereError({ kind: "wrong-type", path, expected: kind, actual: ref.type });
  }

  /** Properties of one object (RetrievePropertiesEx): path → `<val>`; unset ones are absent. */
  async properties(ref: MoRef, paths: readonly string[]): Promise<Map<string, XmlElement>> {
    const res = await this.call("RetrievePropertiesEx", this.content.propertyCollector, ...propertyQuery(ref, paths));
    const objects = elementsOf(firstElement(res, "returnval") ?? res, "objects");
    return objects[0] ? propSetOf(objects[0]) : new Map();
  }

  async vmInfo(vm: MoRef): Promise<VmInfo> {
    return unwrap("RetrievePropertiesEx", readVmInfo(vm, await this.properties(vm, VM_PATHS)));
  }

  /** False when the object is gone (ManagedObjectNotFound); other failures throw. */
  async exists(ref: MoRef): Promise<boolean> {
    try {
      await this.properties(ref, ["name"]);
      return true;
    } catch (e) {
      if (isFault(e, "ManagedObjectNotFound")) return false;
      throw e;
    }
  }

  /** SearchIndex.FindChild: the direct child of `parent` named `name`, if any. */
  async findChild(parent: MoRef, name: string): Promise<MoRef | undefined> {
    const res = await this.call("FindChild", this.content.searchIndex, moref("entity", parent), el("name", null, name));
    return readMoRef(firstElement(res, "returnval"));
  }

  /**
   * CloneVM_Task and wait; resolves with the new VM. Inputs are checked before sending,
   * and a VM of the same name in the folder is refused as "already-exists" (vCenter
   * answers a concurrent duplicate with a DuplicateName fault; some simulators accept it).
   */
  async cloneVm(template: MoRef, options: CloneOptions, wait: WaitOptions = {}): Promise<MoRef> {
    refuse(checkClone(options));
    const existing = await this.findChild(options.folder, options.name);
    if (existing) throw new VsphereError({ kind: "already-exists", name: options.name, folder: options.folder.value, existing: existing.value });
    const res = await this.call("CloneVM_Task", template, moref("folder", options.folder), el("name", null, options.name), cloneSpec(options));
    const done = await this.waitForTask("CloneVM_Task", taskOf(res, "CloneVM_Task"), wait);
    if (!done.result) throw new VsphereError({ kind: "response", method: "CloneVM_Task", message: "task succeeded without a VM reference" });
    return done.result;
  }

  async reconfigureVm(vm: MoRef, change: HardwareChange, wait: WaitOptions = {}): Promise<void> {
    refuse(checkHardware(change, "reconfigure"));
    const res = await this.call("ReconfigVM_Task", vm, configSpec("spec", change));
    await this.waitForTask("ReconfigVM_Task", taskOf(res, "ReconfigVM_Task"), wait);
  }

  async powerOn(vm: MoRef, wait: WaitOptions = {}): Promise<void> {
    await this.runTask("PowerOnVM_Task", vm, wait);
  }

  async powerOff(vm: MoRef, wait: WaitOptions = {}): Promise<void> {
    await this.runTask("PowerOffVM_Task", vm, wait);
  }

  /** Destroy_Task: deletes the VM and its files. */
  async destroy(vm: MoRef, wait: WaitOptions = {}): Promise<void> {
    await this.runTask("Destroy_Task", vm, wait);
  }

  /** Polls until the guest reports an IP (VMware Tools' guest.ipAddress). */
  async waitForGuestIp(vm: MoRef, wait: WaitOptions = {}): Promise<string> {
    let ip: string | undefined;
    await this.poll(`guest IP`, vm.value, wait.timeoutMs ?? 300_000, wait.maxIntervalMs ?? 2000, async () => {
      const v = (await this.properties(vm, ["guest.ipAddress"])).get("guest.ipAddress");
      ip = (v && textOf(v).trim()) || undefined;
      return ip !== undefined;
    });
    return ip!;
  }

  /**
   * Polls `info.state` of a task until success or error, bounded by time and by count
   * (the clock is injected, so the count bound is what stops a frozen clock).
   */
  async waitForTask(method: string, task: MoRef, wait: WaitOptions = {}): Promise<TaskSnapshot> {
    let snap: TaskSnapshot | undefined;
    await this.poll(method, task.value, wait.timeoutMs ?? 600_000, wait.maxIntervalMs ?? 2000, async () => {
      snap = unwrap("RetrievePropertiesEx", readTask(await this.properties(task, ["info.state", "info.error", "info.result"])));
      return snap.state === "success" || snap.state === "error";
    });
    if (snap!.state === "error") {
      const e = snap!.error ?? { faultType: "UnknownFault", message: "task failed without error details", fields: {} };
      throw new VsphereError({ kind: "fault", method, task: task.value, ...e });
    }
    return snap!;
  }

  private async runTask(method: string, vm: MoRef, wait: WaitOptions): Promise<TaskSnapshot> {
    return this.waitForTask(method, taskOf(await this.call(method, vm), method), wait);
  }

  private async poll(what: string, target: string, timeoutMs: number, maxIntervalMs: number, check: () => Promise<boolean>): Promise<void> {
    const { now, sleep } = this.session.deps;
    const start = now();
    const maxPolls = Math.ceil(timeoutMs / 50) + 2;
    let interval = 50;
    for (let polls = 1; polls <= maxPolls; polls++) {
      if (await check()) return;
      const waited = now() - start;
      if (waited >= timeoutMs || polls === maxPolls) {
        throw new VsphereError({ kind: "wait-timeout", waitingFor: what, target, waitedMs: waited, polls });
      }
      await sleep(Math.min(interval, maxIntervalMs, timeoutMs - waited));
      interval = Math.ceil(interval * 1.5);
    }
  }

  /** True between a successful connect and logout. */
  get loggedIn(): boolean {
    return this.session.cookie.get() !== undefined;
  }

  toJSON(): object {
    return { endpoint: this.session.endpoint.href, loggedIn: this.loggedIn };
  }
}

function taskOf(res: XmlElement, method: string): MoRef {
  const ref = readMoRef(firstElement(res, "returnval"));
  if (!ref || ref.type !== "Task") throw new VsphereError({ kind: "response", method, message: "answer carries no Task reference" });
  return ref;
}

function unwrap<T>(method: string, r: Read<T>): T {
  if (!r.ok) throw new VsphereError({ kind: "response", method, message: r.message });
  return r.value;
}

function refuse(problems: VsphereProblem[]): void {
  if (problems.length) throw new VsphereError(problems[0]!, problems.slice(1));
}
