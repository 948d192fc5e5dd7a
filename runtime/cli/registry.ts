// Every CLI command, in the order `hafen help` lists them. Each entry names its words and
// summary and loads its module only when it runs: a machine's agent or server process
// then never loads what other commands need (the YAML parser alone is ~8 MB resident).
// Adding a command: create runtime/cli/<name>.ts exporting a Command and list it here
// (test/runtime/cli/registry.test.ts checks the words and summary match the module's).
import type { Command } from "./command";

export interface CommandEntry {
  readonly words: readonly string[];
  readonly summary: string;
  load(): Promise<Command>;
}

const entry = (words: string[], summary: string, load: () => Promise<Command>): CommandEntry => ({ words, summary, load });

export const commands: readonly CommandEntry[] = [
  entry(["local", "up"], "start a local cluster in the background", async () => (await import("./local-up")).localUpCommand),
  entry(["local", "status"], "show a local cluster's processes and machines", async () => (await import("./local-status")).localStatusCommand),
  entry(["local", "down"], "stop a local cluster", async () => (await import("./local-down")).localDownCommand),
  entry(["local", "kill"], "kill -9 a local machine's process tree", async () => (await import("./local-kill")).localKillCommand),
  entry(["local", "start"], "boot a stopped local machine again", async () => (await import("./local-start")).localStartCommand),
  entry(["local", "boot"], "run one local machine (used by local up)", async () => (await import("./local-boot")).localBoot),
  entry(["list-machines"], "list the machines in the cluster", async () => (await import("./list-machines")).listMachines),
  entry(["list-units"], "list units, where they run and their state", async () => (await import("./list-units")).listUnits),
  entry(["list-unit-files"], "list the units in the cluster and their states", async () => (await import("./list-unit-files")).listUnitFiles),
  entry(["submit"], "submit unit files to the cluster", async () => (await import("./submit")).submit),
  entry(["load"], "schedule units to machines and load them, without starting", async () => (await import("./load")).load),
  entry(["start"], "schedule and start units", async () => (await import("./start")).start),
  entry(["stop"], "stop units, keeping them loaded", async () => (await import("./stop")).stop),
  entry(["unload"], "stop units and unload them from their machines", async () => (await import("./unload")).unload),
  entry(["destroy"], "remove units from the cluster", async () => (await import("./destroy")).destroy),
  entry(["status"], "show units' states, machines and last journal lines", async () => (await import("./status")).status),
  entry(["cat"], "print units as submitted", async () => (await import("./cat")).cat),
  entry(["journal"], "print a unit's output (-f to follow)", async () => (await import("./journal")).journal),
  entry(["unit", "lint"], "check unit files (syntax, name, [X-Fleet] options)", async () => (await import("./unit-lint")).unitLint),
  entry(["config", "render"], "render a machine's cloud-config or Ignition config", async () => (await import("./config-render")).configRender),
  entry(
    ["discovery", "serve"],
    "run the discovery service (etcd v2 discovery protocol + Hafen server records)",
    async () => (await import("./discovery-serve")).discoveryServe,
  ),
  entry(["discovery", "new"], "get a new token URL from a discovery service", async () => (await import("./discovery-new")).discoveryNew),
  entry(
    ["boot", "serve"],
    "run the PXE/iPXE boot service (per-machine scripts and configs)",
    async () => (await import("./boot-serve")).bootServe,
  ),
  entry(
    ["boot", "check"],
    "validate a boot service data directory (groups and profiles)",
    async () => (await import("./boot-check")).bootCheck,
  ),
  entry(["server"], "run a control machine's API server and engine", async () => (await import("./server")).server),
  entry(["agent"], "run a machine's agent", async () => (await import("./agent")).agent),
  entry(["etcd-env"], "write the etcd member environment of a control machine", async () => (await import("./etcd-env")).etcdEnv),
];
