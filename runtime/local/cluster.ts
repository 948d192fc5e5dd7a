// Local clusters, the I/O shell: `localUp` plans the cluster (plan.ts), renders each
// machine's cloud-config with the machine renderer, starts a discovery service and one
// `hafen local boot` process per machine (each in its own process group), waits until
// every machine is registered, and records it all in cluster.json. The other functions
// act on what that file records — by pid *and* start time, never by name.
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { spawnSync } from "node:child_process";
import { loadMachine, render, formatProblem } from "../../machine";
import { createToken, putSealed } from "../discovery";
import { newCa } from "../tls/certs";
import { seal } from "../tls/seal";
import { newToken } from "../api/auth";
import { ApiClient, type HafenMachine } from "../client/api";
import { layout, type Layout } from "./layout";
import { checkShape, planCluster, machineIdPath, type ControlCount, type MachinePorts } from "./plan";
import { readState, writeState, type LocalClusterState, type LocalMachineState } from "./state";
import { freePorts, isListening } from "./ports";
import { hafenScript } from "./hafen-script";
import { isAlive, killAll, processTree, spawnDetached, stopGroup, type ProcessRef } from "./processes";

export interface UpProgress {
  readonly phase: "discovery" | "booting" | "forming" | "formed";
  readonly registered: number;
  readonly total: number;
  readonly elapsedMs: number;
}

export interface LocalUpOptions {
  readonly dir: string;
  readonly machines: number;
  readonly control: number;
  readonly leaseTtlSeconds?: number;
  readonly metadata?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly timeoutMs?: number;
  readonly progress?: (p: UpProgress) => void;
  /** Agents record unit starts instead of spawning them (control-plane benchmarks only). */
  readonly executor?: "process" | "recording";
  /**
   * TLS everywhere (API, agents, etcd peers and clients) with a cluster CA made here;
   * machines issue their certificates at boot as cloud machines do. Default: plain HTTP
   * with tokens on 127.0.0.1.
   */
  readonly tls?: boolean;
}

export interface LocalMachineInfo {
  readonly name: string;
  readonly id: string;
  readonly role: "control" | "worker";
  readonly running: boolean;
  readonly registered: boolean;
  readonly primaryIP?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly pid?: number;
}

export interface LocalClusterInfo {
  readonly dir: string;
  readonly endpoint: string;
  readonly endpoints: readonly string[];
  readonly discoveryUrl: string;
  readonly clientConfigPath: string;
  readonly adminToken: string;
  readonly store: "embedded" | "etcd";
  readonly machines: readonly LocalMachineInfo[];
}

export class LocalClusterError extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function etcdBinary(): string | undefined {
  const r = spawnSync("sh", ["-c", "command -v etcd"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function runningState(state: LocalClusterState): boolean {
  return (state.discovery.process && isAlive(state.discovery.process)) || state.machines.some((m) => m.process && isAlive(m.process));
}

async function waitHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await sleep(25);
  }
  throw new LocalClusterError(`the discovery service at ${url} did not answer within ${timeoutMs} ms`);
}

function startDiscovery(l: Layout, node: string, script: string, port: number): ProcessRef {
  mkdirSync(l.discoveryData, { recursive: true, mode: 0o700 });
  return spawnDetached(node, {
    args: [script, "discovery", "serve", "--listen", `127.0.0.1:${port}`, "--data", l.discoveryData],
    logFile: l.discoveryLog,
  });
}

function bootMachine(l: Layout, node: string, script: string, m: LocalMachineState): ProcessRef {
  return spawnDetached(node, { args: [script, "local", "boot", "--root", m.root], logFile: l.machineLog(m.name) });
}

/** What a client of the cluster presents: the admin token, and the CA when it uses TLS. */
interface Access {
  readonly token: string;
  readonly ca?: string;
}

function accessFor(l: Layout): Access {
  const cfg = JSON.parse(readFileSync(l.client, "utf8")) as { token?: string; ca?: string };
  if (!cfg.token) throw new LocalClusterError(`${l.client} has no token`);
  return { token: cfg.token, ...(cfg.ca ? { ca: readFileSync(join(l.dir, cfg.ca), "utf8") } : {}) };
}

/** Registered machines as the servers see them; [] when no server answers. */
async function registered(endpoints: readonly string[], access: Access): Promise<HafenMachine[]> {
  for (const endpoint of endpoints) {
    try {
      return await new ApiClient({ endpoint, ...access, timeoutMs: 2000 }).hafenMachines();
    } catch {
      // try the next server
    }
  }
  return [];
}

export async function localUp(opts: LocalUpOptions): Promise<LocalClusterInfo> {
  const problems = checkShape(opts.machines, opts.control);
  if (problems.length > 0) throw new LocalClusterError(problems.map((p) => p.message).join("\n"));
  const control = opts.control as ControlCount;
  const etcd = control > 1 ? etcdBinary() : "/usr/bin/etcd";
  if (!etcd) {
    throw new LocalClusterError(
      `--control ${control} runs real etcd members, but no etcd binary is on PATH. Install it (Debian/Ubuntu: apt-get install etcd-server) or use --control 1 (embedded store).`,
    );
  }
  const l = layout(opts.dir);
  const existing = readState(l.state);
  if (existing && runningState(existing)) {
    throw new LocalClusterError(`a local cluster is already running in ${opts.dir} (API ${existing.endpoints[0]}); run \`hafen local down --dir ${opts.dir}\` first`);
  }
  if (existing) rmSync(opts.dir, { recursive: true, force: true });
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const started = Date.now();
  const progress = (phase: UpProgress["phase"], registeredCount = 0) =>
    opts.progress?.({ phase, registered: registeredCount, total: opts.machines, elapsedMs: Date.now() - started });

  const node = process.execPath;
  const script = hafenScript();
  const ports = await freePorts(1 + opts.machines * 4);
  const discoveryPort = ports[0]!;
  const machinePorts: MachinePorts[] = Array.from({ length: opts.machines }, (_, i) => ({
    api: ports[1 + i * 4]!,
    agent: ports[2 + i * 4]!,
    etcdClient: ports[3 + i * 4]!,
    etcdPeer: ports[4 + i * 4]!,
  }));
  progress("discovery");
  const discoveryProcess = startDiscovery(l, node, script, discoveryPort);
  const discoveryBase = `http://127.0.0.1:${discoveryPort}`;
  const state: LocalClusterState = {
    version: 1,
    dir: opts.dir,
    control,
    store: control === 1 ? "embedded" : "etcd",
    leaseTtlSeconds: opts.leaseTtlSeconds ?? 5,
    discovery: { port: discoveryPort, url: "", process: discoveryProcess },
    machines: [],
    endpoints: machinePorts.slice(0, control).map((p) => `${opts.tls ? "https" : "http"}://127.0.0.1:${p.api}`),
    createdAt: new Date().toISOString(),
  };
  writeState(l.state, state);
  try {
    await waitHealthy(discoveryBase, 10_000);
    const token = await createToken(discoveryBase, control);
    if (!token.ok) throw new LocalClusterError(`creating a discovery token failed: ${token.error.message}`);
    const adminToken = newToken("admin");
    const bootstrapToken = newToken("bootstrap");
    const ca = opts.tls ? await publishCa(l, token.value, bootstrapToken) : undefined;
    const access: Access = { token: adminToken, ...(ca ? { ca } : {}) };
    const names = Array.from({ length: opts.machines }, (_, i) => `m${i + 1}`);
    const planned = planCluster({
      machines: opts.machines,
      control,
      ports: machinePorts,
      ids: names.map(() => randomBytes(16).toString("hex")),
      roots: names.map((n) => l.machineRoot(n)),
      discoveryUrl: token.value,
      adminToken,
      bootstrapToken,
      ...(ca ? { caPem: ca } : {}),
      node,
      hafen: script,
      etcd,
      leaseTtlSeconds: state.leaseTtlSeconds,
      ...(opts.metadata ? { metadata: opts.metadata } : {}),
      ...(opts.executor ? { executor: opts.executor } : {}),
    });
    Object.assign(state.discovery, { url: token.value });
    writeClientConfig(l, state.endpoints[0]!, adminToken, ca !== undefined);
    progress("booting");
    for (const pm of planned) {
      const machine = loadMachine(pm.model);
      if (!machine.ok) throw new LocalClusterError(`machine ${pm.name}: ${machine.problems.map(formatProblem).join("; ")}`);
      const rendered = render(machine.value, { format: "cloud-config", provider: "local" });
      if (!rendered.ok) throw new LocalClusterError(`machine ${pm.name}: ${rendered.problems.map(formatProblem).join("; ")}`);
      mkdirSync(dirname(machineIdPath(pm.root)), { recursive: true, mode: 0o700 });
      writeFileSync(machineIdPath(pm.root), `${pm.id}\n`, { mode: 0o600 });
      writeFileSync(l.machineConfig(pm.name), rendered.value.text, { mode: 0o600 });
      const m: LocalMachineState = { name: pm.name, id: pm.id, role: pm.role, ports: pm.ports, root: pm.root };
      m.process = bootMachine(l, node, script, m);
      state.machines.push(m);
      writeState(l.state, state);
    }
    await waitFormed(state, access, opts.timeoutMs ?? 60_000, (n) => progress("forming", n));
    progress("formed", opts.machines);
    return info(state, adminToken, await registered(state.endpoints, access));
  } catch (err) {
    await stopAll(state);
    throw err;
  }
}

function writeClientConfig(l: Layout, endpoint: string, token: string, tls: boolean): void {
  writeFileSync(l.client, `${JSON.stringify({ endpoint, token, ...(tls ? { ca: "ca.pem" } : {}) }, null, 2)}\n`, { mode: 0o600 });
}

/**
 * Makes the cluster CA, keeps its certificate in DIR/ca.pem (clients verify with it) and
 * publishes its key in discovery sealed with the bootstrap token — exactly how a Pulumi
 * stack hands the CA key to cloud control machines without putting it in user data.
 */
async function publishCa(l: Layout, tokenUrl: string, bootstrapToken: string): Promise<string> {
  const ca = newCa(`hafen local ${l.dir}`.slice(0, 64));
  writeFileSync(join(l.dir, "ca.pem"), ca.certPem, { mode: 0o644 });
  const r = await putSealed(tokenUrl, "ca-key", seal(bootstrapToken, "ca-key", ca.keyPem), 86_400);
  if (!r.ok) throw new LocalClusterError(`publishing the sealed CA key failed: ${r.error.message}`);
  return ca.certPem;
}

async function waitFormed(state: LocalClusterState, access: Access, timeoutMs: number, onCount: (n: number) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  while (Date.now() < deadline) {
    const machines = await registered(state.endpoints, access);
    const ids = new Set(machines.map((m) => m.id));
    const count = state.machines.filter((m) => ids.has(m.id)).length;
    if (count !== last) onCount((last = count));
    if (count === state.machines.length) return;
    const dead = state.machines.find((m) => m.process && !isAlive(m.process));
    if (dead) throw new LocalClusterError(`machine ${dead.name} exited while booting; see ${layout(state.dir).machineLog(dead.name)}`);
    await sleep(50);
  }
  throw new LocalClusterError(
    `the cluster did not form within ${timeoutMs} ms (${Math.max(last, 0)}/${state.machines.length} machines registered); ` +
      `see the logs under ${state.dir}/machines/*/boot.log and ${state.dir}/discovery.log`,
  );
}

function info(state: LocalClusterState, adminToken: string, machines: readonly HafenMachine[]): LocalClusterInfo {
  const byId = new Map(machines.map((m) => [m.id, m]));
  return {
    dir: state.dir,
    endpoint: state.endpoints[0]!,
    endpoints: state.endpoints,
    discoveryUrl: state.discovery.url,
    clientConfigPath: layout(state.dir).client,
    adminToken,
    store: state.store,
    machines: state.machines.map((m) => {
      const reg = byId.get(m.id);
      const running = m.process !== undefined && isAlive(m.process);
      return {
        name: m.name,
        id: m.id,
        role: m.role === "both" ? "control" : "worker",
        running,
        registered: reg !== undefined,
        ...(reg ? { primaryIP: reg.primaryIP, metadata: reg.metadata } : {}),
        ...(running ? { pid: m.process!.pid } : {}),
      };
    }),
  };
}

function load(dir: string): LocalClusterState {
  const state = readState(layout(dir).state);
  if (!state) throw new LocalClusterError(`no local cluster in ${dir}: start one with \`hafen local up --dir ${dir}\``);
  return state;
}

export async function localStatus(dir: string): Promise<LocalClusterInfo & { discoveryRunning: boolean }> {
  const state = load(dir);
  const access = accessFor(layout(dir));
  const machines = runningState(state) ? await registered(state.endpoints, access) : [];
  return { ...info(state, access.token, machines), discoveryRunning: state.discovery.process !== undefined && isAlive(state.discovery.process) };
}

function findMachine(state: LocalClusterState, nameOrId: string): LocalMachineState {
  const m = state.machines.find((x) => x.name === nameOrId || x.id === nameOrId);
  if (!m) {
    throw new LocalClusterError(`no machine "${nameOrId}" in ${state.dir}; machines: ${state.machines.map((x) => `${x.name} (${x.id})`).join(", ")}`);
  }
  return m;
}

/** Simulates a dead machine: SIGKILL to its whole process tree at once. */
export async function localKill(dir: string, nameOrId: string): Promise<{ name: string; killed: number }> {
  const state = load(dir);
  const m = findMachine(state, nameOrId);
  if (!m.process || !isAlive(m.process)) throw new LocalClusterError(`machine ${m.name} is not running`);
  const tree = processTree(m.process.pid);
  try {
    process.kill(-m.process.pid, "SIGKILL");
  } catch {
    // the group may already be gone
  }
  const killed = killAll(tree);
  // Return only once the whole tree is gone, so "killed" is a fact callers can time from.
  const deadline = Date.now() + 5000;
  while (tree.some(isAlive) && Date.now() < deadline) {
    killAll(tree);
    await sleep(10);
  }
  const survivors = tree.filter(isAlive);
  if (survivors.length > 0) throw new LocalClusterError(`machine ${m.name}: processes ${survivors.map((p) => p.pid).join(", ")} survived SIGKILL`);
  return { name: m.name, killed: Math.max(killed, 1) };
}

/** Boots a stopped or killed machine again, with its old id and files. */
export async function localStart(dir: string, nameOrId: string): Promise<{ name: string; pid: number }> {
  const state = load(dir);
  const m = findMachine(state, nameOrId);
  if (m.process && isAlive(m.process)) throw new LocalClusterError(`machine ${m.name} is already running (pid ${m.process.pid})`);
  if (!state.discovery.process || !isAlive(state.discovery.process)) {
    throw new LocalClusterError(`the cluster in ${dir} is down; run \`hafen local up --dir ${dir}\``);
  }
  m.process = bootMachine(layout(dir), process.execPath, hafenScript(), m);
  writeState(layout(dir).state, state);
  return { name: m.name, pid: m.process.pid };
}

async function stopAll(state: LocalClusterState): Promise<string[]> {
  const stopped: string[] = [];
  const trees = state.machines.map((m) => (m.process && isAlive(m.process) ? processTree(m.process.pid) : []));
  await Promise.all(
    state.machines.map(async (m) => {
      if (!m.process || !isAlive(m.process)) return;
      await stopGroup(m.process, 10_000);
      stopped.push(m.name);
    }),
  );
  killAll(trees.flat());
  if (state.discovery.process && isAlive(state.discovery.process)) {
    await stopGroup(state.discovery.process, 5000);
    stopped.push("discovery");
  }
  return stopped;
}

/** Stops every process the cluster started and checks that none of its ports still listens. */
export async function localDown(dir: string, opts: { purge?: boolean } = {}): Promise<{ stopped: string[]; stillListening: number[]; purged: boolean }> {
  const state = load(dir);
  const stopped = await stopAll(state);
  const ports = [state.discovery.port, ...state.machines.flatMap((m) => Object.values(m.ports))];
  const still = (await Promise.all(ports.map(async (p) => ((await isListening(p)) ? p : undefined)))).filter((p) => p !== undefined);
  const alive = [state.discovery.process, ...state.machines.map((m) => m.process)].filter((p): p is ProcessRef => !!p && isAlive(p));
  if (alive.length > 0) {
    throw new LocalClusterError(`after stopping, recorded process(es) ${alive.map((p) => p.pid).join(", ")} still run`);
  }
  if (opts.purge && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  // A port still listening after every recorded process is gone belongs to someone else
  // now (ports are the kernel's to reuse); it is reported, not treated as ours.
  return { stopped, stillListening: still, purged: !!opts.purge };
}
