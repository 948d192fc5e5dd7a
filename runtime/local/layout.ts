// Where a local cluster keeps everything, under one directory (default ~/.hafen/local):
//
//   cluster.json            state: shape, ports, machine ids, processes (pid + start time)
//   client.json             endpoint + admin token, what the CLI reads (0600)
//   discovery/              the discovery service's data; discovery.log its output
//   machines/<name>/        a machine's root: cloud-config.yaml, boot.log, and every file
//                           its config writes (etc/hafen/machine.json, var/lib/hafen/…)
import { join } from "node:path";
import { homedir } from "node:os";

export interface Layout {
  readonly dir: string;
  readonly state: string;
  readonly client: string;
  readonly discoveryData: string;
  readonly discoveryLog: string;
  machineRoot(name: string): string;
  machineConfig(name: string): string;
  machineLog(name: string): string;
}

export function defaultClusterDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.HOME || homedir(), ".hafen", "local");
}

export function layout(dir: string): Layout {
  return {
    dir,
    state: join(dir, "cluster.json"),
    client: join(dir, "client.json"),
    discoveryData: join(dir, "discovery"),
    discoveryLog: join(dir, "discovery.log"),
    machineRoot: (name) => join(dir, "machines", name),
    machineConfig: (name) => join(dir, "machines", name, "cloud-config.yaml"),
    machineLog: (name) => join(dir, "machines", name, "boot.log"),
  };
}
