// Starts real etcd members (Debian's etcd-server) for tests: on 127.0.0.1, fresh data
// directory, ports chosen by the kernel, always stopped by `stop()` (and on test-file
// teardown as a backstop).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { freePorts } from "./ports";
import { tempDir } from "./tmp";

export function etcdAvailable(): boolean {
  return spawnSync("etcd", ["--version"], { encoding: "utf8" }).status === 0;
}

export interface EtcdMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  readonly process: ChildProcess;
  /** Everything the member printed so far (stderr and stdout). */
  log(): string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface EtcdMemberOptions {
  name?: string;
  /** `--discovery URL`; when absent and no initialCluster is given, a 1-member cluster. */
  discovery?: string;
  /** `--initial-cluster` value for static bootstrap. */
  initialCluster?: string;
  clientPort?: number;
  peerPort?: number;
  dataDir?: string;
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

const running = new Set<EtcdMember>();
let counter = 0;

export async function startEtcd(opts: EtcdMemberOptions = {}): Promise<EtcdMember> {
  const name = opts.name ?? `m${++counter}`;
  const [clientPort, peerPort] =
    opts.clientPort && opts.peerPort ? [opts.clientPort, opts.peerPort] : await freePorts(2);
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const dataDir = opts.dataDir ?? join(tempDir("hafen-etcd-"), name);
  const args = [
    "--name", name,
    "--data-dir", dataDir,
    "--listen-client-urls", clientUrl,
    "--advertise-client-urls", clientUrl,
    "--listen-peer-urls", peerUrl,
    "--initial-advertise-peer-urls", peerUrl,
    "--heartbeat-interval", "50",
    "--election-timeout", "500",
    "--log-level", "warn",
    "--logger", "zap",
  ];
  if (opts.discovery) args.push("--discovery", opts.discovery);
  else args.push("--initial-cluster", opts.initialCluster ?? `${name}=${peerUrl}`);
  args.push(...(opts.extraArgs ?? []));
  const child = spawn("etcd", args, { env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const member: EtcdMember = {
    name,
    clientUrl,
    peerUrl,
    dataDir,
    process: child,
    log: () => out,
    exited,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      running.delete(member);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const t = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(t);
      }
    },
  };
  running.add(member);
  return member;
}

/** Polls `GET /health` until the member reports healthy, or throws after `timeoutMs`. */
export async function waitHealthy(member: EtcdMember, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (member.process.exitCode !== null) throw new Error(`etcd ${member.name} exited: ${member.log().slice(-2000)}`);
    try {
      const res = await fetch(`${member.clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
      last = await res.text();
      if (res.ok && /"health":\s*"true"/.test(last)) return;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`etcd ${member.name} not healthy after ${timeoutMs} ms (last: ${last})`);
}

if (typeof afterAll === "function") {
  afterAll(async () => {
    await Promise.all([...running].map((m) => m.stop("SIGKILL")));
  });
}
