// The local pool's dynamic provider over a local-cluster launcher (launcher.ts):
//   create  localUp → endpoint, admin token, discovery URL, client config path, machines
//   diff    any change replaces (deleting first when the directory stays the same)
//   read    localStatus: a cluster that is gone or no longer running reads as gone
//   delete  localDown (stops the processes, removes the directory)
import type * as pulumi from "@pulumi/pulumi";
import { isRunning, type LocalLauncher } from "./launcher";
import { checkLocalInputs, diffLocal, type LocalInputs, type LocalOutputs } from "./inputs";

export function localProvider(launcher: LocalLauncher): pulumi.dynamic.ResourceProvider<LocalInputs, LocalOutputs> {
  const refuse = (i: unknown): void => {
    const bad = checkLocalInputs(i);
    if (bad.length) throw new Error(`local NodePool: ${bad.map((b) => `${b.property}: ${b.reason}`).join("; ")}`);
  };
  return {
    async check(_olds, news) {
      const failures = checkLocalInputs(news);
      return failures.length ? { inputs: news, failures } : { inputs: news };
    },

    async create(inputs) {
      refuse(inputs);
      const c = await launcher.localUp({
        dir: inputs.dir,
        machines: inputs.machines,
        control: inputs.control,
        ...(inputs.metadata && { metadata: inputs.metadata }),
        ...(inputs.leaseTtlSeconds !== undefined && { leaseTtlSeconds: inputs.leaseTtlSeconds }),
      });
      const outs: LocalOutputs = {
        ...inputs,
        endpoint: c.endpoint,
        adminToken: c.adminToken,
        discoveryUrl: c.discoveryUrl,
        clientConfigPath: c.clientConfigPath,
        machineList: c.machines.map((m) => ({ name: m.name, id: m.id, role: m.role })),
      };
      return { id: inputs.dir, outs };
    },

    async diff(_id, olds, news) {
      return diffLocal(olds, news);
    },

    async read(id, props) {
      const status = await launcher.localStatus(id);
      return isRunning(status) && props ? { id, props } : {};
    },

    async delete(id) {
      await launcher.localDown(id);
    },
  };
}
