// `hafen:local:NodePool`: a cluster of machines on this computer (directories plus
// process trees, on 127.0.0.1) through the runtime's launcher, driven as the `hafen
// local` CLI (launcher.ts says why), so a stack runs with no cloud account. The launcher
// makes the tokens, discovery service and machine configs itself.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { NodePoolHandle, PeerRule } from "../common/context";
import { Problems, refuse } from "../common/problems";
import { validatePool } from "../common/validate-pool";
import type { LocalPoolSettings, MachineInfo, PoolRole } from "../common/types";
import { cliLauncher } from "./cli-launcher";
import { localProvider } from "./provider";
import type { LocalInputs } from "./inputs";

export interface LocalNodePoolArgs {
  /** Cluster name (names the default directory). */
  clusterName: string;
  pool: LocalPoolSettings;
  /** Cluster-wide fleet metadata, under the pool's own. Default none. */
  metadata?: Record<string, string>;
  /** Machine lease TTL in seconds. Default: the launcher's (5). */
  leaseTtlSeconds?: number;
}

/** The package root: the nearest directory above this module holding bin/hafen (this
 *  file runs from components/local in the sources and from dist/lib/components/local
 *  in the library build). */
function packageRoot(from: string): string {
  for (let dir = from, i = 0; i < 8; i++, dir = dirname(dir)) if (existsSync(join(dir, "bin", "hafen"))) return dir;
  return resolve(from, "..", "..");
}

/** This package's `hafen` command (bin/hafen, which runs the built dist/hafen.js). */
export const HAFEN_BIN = join(packageRoot(__dirname), "bin", "hafen");

/** Default directory: one per project, stack and cluster, under ~/.hafen/pulumi. */
export function defaultLocalDir(cluster: string): string {
  return join(homedir(), ".hafen", "pulumi", `${pulumi.getProject()}-${pulumi.getStack()}-${cluster}`);
}

// One provider object: Pulumi serialises a provider once per object.
const provider = localProvider(cliLauncher({ bin: HAFEN_BIN }));

class LocalCluster extends pulumi.dynamic.Resource {
  declare public readonly endpoint: pulumi.Output<string>;
  declare public readonly adminToken: pulumi.Output<string>;
  declare public readonly discoveryUrl: pulumi.Output<string>;
  declare public readonly clientConfigPath: pulumi.Output<string>;
  declare public readonly machineList: pulumi.Output<{ name: string; id: string; role: string }[]>;

  constructor(name: string, inputs: LocalInputs, provider: pulumi.dynamic.ResourceProvider, opts: pulumi.CustomResourceOptions) {
    const outs = { endpoint: undefined, adminToken: undefined, discoveryUrl: undefined, clientConfigPath: undefined, machineList: undefined };
    super(provider, name, { ...inputs, ...outs }, { ...opts, additionalSecretOutputs: ["adminToken", "discoveryUrl"] }, "hafen", "LocalCluster");
  }
}

export class NodePool extends pulumi.ComponentResource implements NodePoolHandle {
  declare public readonly machines: pulumi.Output<MachineInfo[]>;
  declare public readonly publicIps: pulumi.Output<string>[];
  declare public readonly privateIps: pulumi.Output<string>[];
  /** API base URL on 127.0.0.1 (plain http: local clusters never leave loopback). */
  declare public readonly endpoint: pulumi.Output<string>;
  /** Admin token (secret). */
  declare public readonly adminToken: pulumi.Output<string>;
  /** Discovery token URL (secret). */
  declare public readonly discoveryUrl: pulumi.Output<string>;
  /** The client config file the launcher wrote. */
  declare public readonly clientConfigPath: pulumi.Output<string>;
  readonly provider = "local" as const;
  readonly poolName: string;
  readonly role: PoolRole = "both";

  constructor(name: string, args: LocalNodePoolArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const p = new Problems();
    validatePool(p, { ...(args?.pool ?? {}), provider: "local" }, ["pool"], false);
    if (!existsSync(HAFEN_BIN)) p.add("invalid-value", ["pool", "provider"], "local", `the local pool runs the hafen command, which is not at ${HAFEN_BIN}`);
    refuse("hafen:local:NodePool", p.list);
    super("hafen:local:NodePool", name, { cluster: args.clusterName, provider: "local", name: args.pool.name, count: args.pool.count, control: args.pool.control ?? 1 }, opts);
    const pool = args.pool;
    this.poolName = pool.name;
    const inputs: LocalInputs = {
      dir: pool.dir ?? defaultLocalDir(args.clusterName),
      machines: pool.count,
      control: pool.control ?? 1,
      metadata: { ...(args.metadata ?? {}), ...(pool.metadata ?? {}), provider: "local", pool: pool.name },
      ...(args.leaseTtlSeconds !== undefined && { leaseTtlSeconds: args.leaseTtlSeconds }),
    };
    const c = new LocalCluster(name, inputs, provider, { parent: this });
    const machines = c.machineList.apply((list) => (list ?? []).map((m) => ({ name: m.name, provider: "local", pool: pool.name, role: m.role, publicIp: "127.0.0.1", privateIp: "127.0.0.1" })));
    const loopback = Array.from({ length: pool.count }, () => pulumi.output("127.0.0.1"));
    Object.assign(this, { machines, publicIps: loopback, privateIps: loopback });
    this.endpoint = c.endpoint;
    this.adminToken = pulumi.secret(c.adminToken);
    this.discoveryUrl = pulumi.secret(c.discoveryUrl);
    this.clientConfigPath = c.clientConfigPath;
    this.registerOutputs({ machines, endpoint: this.endpoint, clientConfigPath: this.clientConfigPath });
  }

  /** Local machines listen on 127.0.0.1 only; there is no firewall to manage. */
  allowPeers(_rules: readonly PeerRule[]): void {}
}

