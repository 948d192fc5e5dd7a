// The shape of a local cluster, decided before anything starts: which machines exist,
// their roles, ports on 127.0.0.1 and ids, and each machine's model for the machine
// renderer — the same model a cloud machine gets, with `launch: host` and its paths
// rebased under the machine's own directory. Pure: ports and secrets come in as data.
import { join } from "node:path";
import { createHash } from "node:crypto";

export type ControlCount = 1 | 3 | 5;

export interface MachinePorts {
  readonly api: number;
  readonly agent: number;
  readonly etcdClient: number;
  readonly etcdPeer: number;
}

export interface PlannedMachine {
  readonly name: string;
  readonly id: string;
  readonly role: "both" | "worker";
  readonly ports: MachinePorts;
  readonly root: string;
  /** Input for machine/'s loadMachine (the machine YAML model). */
  readonly model: Record<string, unknown>;
}

export interface PlanInput {
  readonly machines: number;
  readonly control: ControlCount;
  /** One set of ports per machine, in machine order. */
  readonly ports: readonly MachinePorts[];
  readonly ids: readonly string[];
  readonly roots: readonly string[];
  readonly discoveryUrl: string;
  readonly adminToken: string;
  readonly bootstrapToken: string;
  /** The cluster CA certificate when the cluster uses TLS (machines issue their own certificates). */
  readonly caPem?: string;
  readonly node: string;
  readonly hafen: string;
  readonly etcd: string;
  readonly leaseTtlSeconds: number;
  /** Agents' executor: real processes (default) or the recording one, for benchmarks. */
  readonly executor?: "process" | "recording";
  /** Extra metadata per machine name (e.g. from --metadata m2:region=eu). */
  readonly metadata?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export type PlanProblem = { readonly field: string; readonly message: string };

export const MAX_LOCAL_MACHINES = 50;

/** Checks the requested shape; every problem names its flag. */
export function checkShape(machines: number, control: number): PlanProblem[] {
  const out: PlanProblem[] = [];
  if (!Number.isInteger(machines) || machines < 1 || machines > MAX_LOCAL_MACHINES) {
    out.push({ field: "--machines", message: `--machines ${machines}: expected a whole number from 1 to ${MAX_LOCAL_MACHINES}` });
  }
  if (control === 2 || control === 4) {
    out.push({
      field: "--control",
      message: `--control ${control}: ${control} control machines tolerate no more failures than ${control - 1}; use 1 (embedded store) or 3 or 5 (etcd)`,
    });
  } else if (control !== 1 && control !== 3 && control !== 5) {
    out.push({ field: "--control", message: `--control ${control}: expected 1 (embedded store), 3 or 5 (etcd members)` });
  }
  if (Number.isInteger(machines) && Number.isInteger(control) && control > machines) {
    out.push({ field: "--control", message: `--control ${control} is more than --machines ${machines}; every control machine is a machine` });
  }
  return out;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export function planCluster(p: PlanInput): PlannedMachine[] {
  const store = p.control === 1 ? "embedded" : "etcd";
  const out: PlannedMachine[] = [];
  for (let i = 0; i < p.machines; i++) {
    const name = `m${i + 1}`;
    const role = i < p.control ? "both" : "worker";
    const root = p.roots[i]!;
    out.push({
      name,
      id: p.ids[i]!,
      role,
      ports: p.ports[i]!,
      root,
      model: {
        hostname: name,
        root,
        files: [
          { path: "/etc/hafen/bootstrap-token", mode: 0o600, contents: { text: `${p.bootstrapToken}\n` } },
          ...(p.caPem ? [{ path: "/etc/hafen/ca.pem", mode: 0o644, contents: { text: p.caPem } }] : []),
        ],
        hafen: {
          role,
          name,
          discovery: p.discoveryUrl,
          store,
          metadata: { machine: name, role: role === "both" ? "control" : "worker", ...(p.metadata?.[name] ?? {}) },
          ports: p.ports[i]!,
          bindAddress: "127.0.0.1",
          advertiseAddress: "127.0.0.1",
          auth: { adminTokenSha256: [sha256(p.adminToken)], bootstrapTokenSha256: sha256(p.bootstrapToken) },
          bootstrapTokenFile: "/etc/hafen/bootstrap-token",
          ...(p.caPem ? { tls: { caFile: "/etc/hafen/ca.pem" } } : {}),
          dataDir: "/var/lib/hafen",
          launch: { style: "host", node: p.node, hafen: p.hafen, etcd: p.etcd, ...(p.executor ? { executor: p.executor } : {}) },
          leaseTtlSeconds: p.leaseTtlSeconds,
        },
      },
    });
  }
  return out;
}

/** Where a planned machine keeps its machine id (its data dir under its root). */
export function machineIdPath(root: string): string {
  return join(root, "var", "lib", "hafen", "machine-id");
}
