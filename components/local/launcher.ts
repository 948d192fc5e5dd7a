// What the local pool's provider needs from a local-cluster launcher. Two implement it:
// the runtime's launcher in-process (runtime/local: localUp/localDown/localStatus; the
// tests use it), and the `hafen local …` CLI (cli-launcher.ts), which the resource uses:
// Pulumi ships a dynamic provider by serialising everything it references, and the
// in-process launcher (module-level http agents, Sets, classes with field initialisers)
// does not survive that; a provider that only spawns the CLI does.

export interface LocalUpOptions {
  /** Directory holding the machines (created if absent). */
  readonly dir: string;
  /** Machines to run, named m1..mN. */
  readonly machines: number;
  /** How many of them run the API server. */
  readonly control: number;
  /** fleet metadata for every machine. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Machine lease TTL in seconds (launcher default 5). */
  readonly leaseTtlSeconds?: number;
}

export interface LocalMachine {
  readonly name: string;
  readonly id: string;
  readonly role: string;
  /** The machine's processes run (status only). */
  readonly running?: boolean;
}

export interface LocalCluster {
  /** API base URL on 127.0.0.1. */
  readonly endpoint: string;
  readonly adminToken: string;
  readonly discoveryUrl: string;
  /** Client config file the CLI reads (`hafen --config`). */
  readonly clientConfigPath: string;
  readonly machines: readonly LocalMachine[];
}

export interface LocalLauncher {
  localUp(opts: LocalUpOptions): Promise<LocalCluster>;
  /** Stops every process and removes the directory. */
  localDown(dir: string): Promise<void>;
  /** The cluster in `dir`, or undefined when there is none. */
  localStatus(dir: string): Promise<LocalCluster | undefined>;
}

/** A status that describes a running cluster: some machine's processes run. */
export function isRunning(status: LocalCluster | undefined): boolean {
  return status !== undefined && status.machines.some((m) => m.running === true);
}

/** The launcher's per-machine metadata: the same keys for m1..mN. */
export function perMachine(machines: number, metadata: Readonly<Record<string, string>> = {}): Record<string, Record<string, string>> {
  return Object.fromEntries(Array.from({ length: machines }, (_, i) => [`m${i + 1}`, { ...metadata }]));
}
