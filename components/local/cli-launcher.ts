// The local launcher as the `hafen local up|status|down` CLI (see launcher.ts for why the
// resource spawns the CLI instead of calling the launcher in-process). Each call runs the
// built binary with `--json`, bounded in time; the admin token, which `--json` never
// prints, is read from the client.json the launcher writes (mode 0600).
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import type { LocalCluster, LocalLauncher, LocalUpOptions } from "./launcher";

export interface CliLauncherOptions {
  /** Path of bin/hafen. */
  readonly bin: string;
  /** Node binary. Default: the one running this process. */
  readonly node?: string;
  /** Bound on `local up` (forming the cluster). Default 180 s. */
  readonly upTimeoutMs?: number;
}

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(o: CliLauncherOptions, args: readonly string[], timeoutMs: number): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(o.node ?? process.execPath, [o.bin, ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: "utf8" }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr: err && err.killed ? `${stderr}\n(killed after ${timeoutMs} ms)` : stderr });
    });
  });
}

function failed(args: readonly string[], r: Ran): Error {
  return new Error(`hafen ${args.slice(0, 2).join(" ")} exited ${r.code}: ${(r.stderr.trim() || r.stdout.trim()).slice(0, 2000)}`);
}

interface ShownCluster {
  endpoint: string;
  discoveryUrl: string;
  clientConfigPath: string;
  machines: { name: string; id: string; role: string; running?: boolean }[];
}

function parse(args: readonly string[], r: Ran): ShownCluster {
  try {
    const v = JSON.parse(r.stdout) as ShownCluster;
    if (typeof v.endpoint === "string" && Array.isArray(v.machines)) return v;
  } catch {
    // reported below
  }
  throw new Error(`hafen ${args.slice(0, 2).join(" ")} --json printed no cluster description: ${r.stdout.slice(0, 300)}`);
}

function withToken(v: ShownCluster): LocalCluster {
  const cfg = JSON.parse(readFileSync(v.clientConfigPath, "utf8")) as { token?: unknown };
  if (typeof cfg.token !== "string") throw new Error(`${v.clientConfigPath} holds no admin token`);
  return {
    endpoint: v.endpoint,
    adminToken: cfg.token,
    discoveryUrl: v.discoveryUrl,
    clientConfigPath: v.clientConfigPath,
    machines: v.machines.map((m) => ({ name: m.name, id: m.id, role: m.role, ...(m.running !== undefined && { running: m.running }) })),
  };
}

export function metadataFlags(o: LocalUpOptions): string[] {
  const out: string[] = [];
  for (let i = 1; i <= o.machines; i++) for (const [k, v] of Object.entries(o.metadata ?? {})) out.push("--metadata", `m${i}:${k}=${v}`);
  return out;
}

export function cliLauncher(o: CliLauncherOptions): LocalLauncher {
  const upTimeout = o.upTimeoutMs ?? 180_000;
  return {
    async localUp(u) {
      const args = ["local", "up", "--dir", u.dir, "--machines", String(u.machines), "--control", String(u.control), "--timeout", String(Math.ceil(upTimeout / 1000) - 5), "--json"];
      if (u.leaseTtlSeconds !== undefined) args.push("--lease-ttl", String(u.leaseTtlSeconds));
      args.push(...metadataFlags(u));
      const r = await run(o, args, upTimeout);
      if (r.code !== 0) throw failed(args, r);
      return withToken(parse(args, r));
    },
    async localStatus(dir) {
      const args = ["local", "status", "--dir", dir, "--json"];
      const r = await run(o, args, 30_000);
      if (r.code !== 0) {
        if (/no local cluster in/.test(r.stderr)) return undefined;
        throw failed(args, r);
      }
      return withToken(parse(args, r));
    },
    async localDown(dir) {
      const args = ["local", "down", "--dir", dir, "--purge", "--json"];
      const r = await run(o, args, 60_000);
      if (r.code !== 0 && !/no local cluster in/.test(r.stderr)) throw failed(args, r);
    },
  };
}
