// Starts govmomi's vCenter simulator (test/support/vcsim/main.go, built on first use by
// build.sh and cached) as a child process on 127.0.0.1. Every simulator started is
// stopped by `stop()`, and on test-file teardown as a backstop; it also exits by itself
// when its stdin closes, so a crashed jest worker leaves nothing behind.
import { execFile, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

const BUILD_SH = join(__dirname, "vcsim", "build.sh");

export interface Vcsim {
  /** SDK endpoint, e.g. http://127.0.0.1:40123/sdk (https with `tls`). */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** The simulator's self-signed certificate, when started with `tls`. */
  readonly caPem?: string;
  /** Inventory paths prepared by the simulator. */
  readonly datacenter: string;
  readonly template: string;
  readonly vmFolder: string;
  readonly resourcePool: string;
  readonly datastore: string;
  /** Everything the simulator wrote to stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

export interface VcsimOptions {
  readonly tls?: boolean;
  readonly username?: string;
  readonly password?: string;
}

/** True when a Go toolchain is on PATH (CI installs it; see .ci/run). */
export function goAvailable(): boolean {
  return spawnSync("go", ["version"], { encoding: "utf8" }).status === 0;
}

let built: Promise<string> | undefined;

/** Builds (or finds the cached) simulator binary; resolves with its path. */
export function buildVcsim(timeoutMs = 300_000): Promise<string> {
  built ??= new Promise<string>((resolve, reject) => {
    execFile("bash", [BUILD_SH], { timeout: timeoutMs, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err) reject(new Error(`vcsim build failed (${err.message}):\n${stderr}`));
      else resolve(stdout.trim().split("\n").pop()!);
    });
  });
  return built;
}

const running = new Set<Vcsim>();

export async function startVcsim(opts: VcsimOptions = {}, readyTimeoutMs = 30_000): Promise<Vcsim> {
  const bin = await buildVcsim();
  const env = { ...process.env, VCSIM_USERNAME: opts.username ?? "hafen@vsphere.local", VCSIM_PASSWORD: opts.password ?? "" };
  const child = spawn(bin, opts.tls ? ["-tls"] : [], { env, stdio: ["pipe", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    running.delete(sim);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    }
    child.stdin!.destroy();
  };
  const sim: Vcsim = { ...(await readyLine(child, () => err, readyTimeoutMs, stop)), log: () => err, stop };
  running.add(sim);
  return sim;
}

type Ready = Omit<Vcsim, "log" | "stop">;

function readyLine(child: ReturnType<typeof spawn>, log: () => string, timeoutMs: number, stop: () => Promise<void>): Promise<Ready> {
  return new Promise<Ready>((resolve, reject) => {
    let out = "";
    const fail = (why: string): void => {
      clearTimeout(timer);
      void stop();
      reject(new Error(`vcsim did not start: ${why}\n${log().slice(-2000)}`));
    };
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);
    const onExit = (code: number | null): void => fail(`exited with ${code}`);
    child.on("exit", onExit);
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf("\n");
      if (nl < 0) return;
      clearTimeout(timer);
      child.off("exit", onExit);
      try {
        resolve(JSON.parse(out.slice(0, nl)) as Ready);
      } catch {
        fail(`unreadable ready line ${JSON.stringify(out.slice(0, 200))}`);
      }
    });
  });
}

if (typeof afterAll === "function") {
  afterAll(async () => {
    await Promise.all([...running].map((s) => s.stop()));
  });
}
