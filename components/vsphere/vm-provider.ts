// Pulumi dynamic provider for one vSphere VM cloned from a template.
//
// create: clone (guestinfo + extraConfig in the clone spec) → reconfigure CPU/memory
//   (simulators and some vCenters ignore them in clone specs) → power on → wait for the
//   guest IP (bounded). It is all or nothing: if a step after the clone fails, the new
//   VM is powered off and destroyed before the error is reported, so nothing leaks.
// diff: see diffVm (replace on placement/name/boot config, update CPU/memory in place).
// update: CPU/memory changes power the VM off (hard power-off, no guest shutdown:
//   Flatcar/FCOS machines are cattle and the cluster reschedules), reconfigure, power on.
// delete: power off if on, then Destroy_Task; a VM already gone counts as deleted.
// read: refreshes power state, IP, CPU and memory; a VM that is gone reads as deleted.
import type * as pulumi from "@pulumi/pulumi";
import { VsphereClient, type ClientDeps } from "./client";
import { diffVm, checkVmInputs, inventoryPaths, type VmInputs, type VmOutputs } from "./vm-inputs";
import { VsphereError, describeProblem, isFault, type MoRef } from "./types";

const VM = (id: string): MoRef => ({ type: "VirtualMachine", value: id });

/** Test hook: client dependencies (transport, clock) used by every operation. */
export interface VmProviderOptions {
  readonly clientDeps?: ClientDeps;
}

export function vmProvider(options: VmProviderOptions = {}): pulumi.dynamic.ResourceProvider<VmInputs, VmOutputs> {
  const session = async <T>(i: VmInputs, body: (c: VsphereClient) => Promise<T>): Promise<T> => {
    const c = await VsphereClient.connect(i.connection, options.clientDeps);
    try {
      return await body(c);
    } finally {
      await c.logout().catch(() => undefined);
    }
  };

  return {
    async check(_olds, news) {
      const failures = checkVmInputs(news).map((p) => ({ property: p.field, reason: describeProblem(p) }));
      return failures.length ? { inputs: news, failures } : { inputs: news };
    },

    async diff(_id, olds, news) {
      const d = diffVm(olds, news);
      return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: d.deleteBeforeReplace };
    },

    async create(inputs) {
      refuseInvalid(inputs);
      return session(inputs, async (c) => {
        const paths = inventoryPaths(inputs);
        const [template, folder, pool, datastore] = await Promise.all([
          c.find("VirtualMachine", paths.template),
          c.find("Folder", paths.folder),
          c.find("ResourcePool", paths.resourcePool),
          paths.datastore ? c.find("Datastore", paths.datastore) : Promise.resolve(undefined),
        ]);
        const extraConfig = { ...(inputs.extraConfig ?? {}), ...(inputs.guestinfo ?? {}) };
        const hw = { numCpus: inputs.numCpus, memoryMb: inputs.memoryMb };
        const vm = await c.cloneVm(template, { name: inputs.name, folder, pool, ...(datastore ? { datastore } : {}), extraConfig, ...hw });
        try {
          await c.reconfigureVm(vm, hw);
          await c.powerOn(vm);
          return { id: vm.value, outs: await outputs(c, vm, inputs) };
        } catch (e) {
          await removeVm(c, vm).catch(() => undefined);
          throw e;
        }
      });
    },

    async update(id, olds, news) {
      refuseInvalid(news);
      return session(news, async (c) => {
        const vm = VM(id);
        if (diffVm(olds, news).hardware) {
          const before = await c.vmInfo(vm);
          if (before.powerState !== "poweredOff") await c.powerOff(vm);
          await c.reconfigureVm(vm, { numCpus: news.numCpus, memoryMb: news.memoryMb });
          await c.powerOn(vm);
        }
        return { outs: await outputs(c, vm, news) };
      });
    },

    async delete(id, props) {
      await session(props, (c) => removeVm(c, VM(id)));
    },

    async read(id, props) {
      if (!props) throw new VsphereError({ kind: "invalid-input", field: "props", value: "undefined", accepted: "the resource's last outputs (they hold the connection)" });
      return session(props, async (c) => {
        const vm = VM(id);
        if (!(await c.exists(vm))) return {};
        const info = await c.vmInfo(vm);
        const props2: VmOutputs = { ...props, name: info.name, numCpus: info.numCpus, memoryMb: info.memoryMb, moref: id, ipAddress: info.ipAddress ?? "", powerState: info.powerState };
        return { id, props: props2 };
      });
    },
  };
}

async function outputs(c: VsphereClient, vm: MoRef, inputs: VmInputs): Promise<VmOutputs> {
  const ip = inputs.waitForIp === false ? undefined : await c.waitForGuestIp(vm, { timeoutMs: inputs.ipTimeoutMs ?? 300_000 });
  const info = await c.vmInfo(vm);
  return { ...inputs, moref: vm.value, ipAddress: ip ?? info.ipAddress ?? "", powerState: info.powerState };
}

/** Power off (if on) and destroy; a VM that is already gone is not an error. */
async function removeVm(c: VsphereClient, vm: MoRef): Promise<void> {
  try {
    if (!(await c.exists(vm))) return;
    const info = await c.vmInfo(vm);
    if (info.powerState !== "poweredOff") await c.powerOff(vm);
    await c.destroy(vm);
  } catch (e) {
    if (!isFault(e, "ManagedObjectNotFound")) throw e;
  }
}

function refuseInvalid(inputs: VmInputs): void {
  const [first, ...rest] = checkVmInputs(inputs);
  if (first) throw new VsphereError(first, rest);
}
