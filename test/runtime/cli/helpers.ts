// A small real cluster for CLI tests: the in-process API server over the in-memory
// store, the real scheduling engine, and real agents (recording executors) talking HTTP.
// Agents can serve the journal endpoint servers relay `hafen journal` to; the agent does
// not serve one yet, so a tiny HTTP server here plays that part with lines the test sets.
// The CLI runs in-process with HAFEN_CONFIG pointing at a client.json for this cluster
// and HOME at an empty directory, so nothing outside the test is read.
import { createServer, type Server } from "node:http";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startControlPlane, memoryTokens, type TestControlPlane } from "../../support/cluster";
import { runCli, type CliResult } from "../../support/cli";
import { tempDir } from "../../support/tmp";
import { Engine } from "../../../runtime/engine";
import { Agent } from "../../../runtime/agent/agent";
import { AgentApi } from "../../../runtime/agent/api";
import { RecordingExecutor } from "../../../runtime/executor/recording";
import { systemClock } from "../../../runtime/clock";
import type { Command } from "../../../runtime/cli/command";
import { PassThrough } from "node:stream";

export const M1 = "11111111111111111111111111111111";
export const M2 = "22222222222222222222222222222222";

export interface CliCluster {
  readonly cp: TestControlPlane;
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly executors: Map<string, RecordingExecutor>;
  /** Journal lines the stand-in agent endpoint serves, by machine then unit. */
  readonly journals: Map<string, Map<string, string[]>>;
  hafen(args: string[], opts?: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<CliResult>;
  stop(): Promise<void>;
}

/** Serves GET /journal/<unit>?lines=N with the agent key, from `journals`. */
async function journalServer(key: string, lines: Map<string, string[]>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const m = /^\/journal\/([^/]+)$/.exec(url.pathname);
    if (req.headers.authorization !== `Bearer ${key}`) return void res.writeHead(401).end();
    if (!m) return void res.writeHead(404).end();
    const n = Number(url.searchParams.get("lines") ?? "10");
    const all = lines.get(decodeURIComponent(m[1]!)) ?? [];
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ lines: n === 0 ? [] : all.slice(-n) }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${addr.port}` };
}

export async function startCliCluster(machines: { id: string; name: string; metadata?: Record<string, string> }[] = []): Promise<CliCluster> {
  const cp = await startControlPlane({
    leaseTtlSeconds: 3,
    engine: (store) => new Engine({ store, id: `engine-${randomBytes(4).toString("hex")}`, leaseTtlSeconds: 2, reconcileIntervalMs: 500, debounceMs: 5 }),
  });
  const dir = tempDir("hafen-cli-");
  writeFileSync(join(dir, "client.json"), JSON.stringify({ endpoint: cp.server.url, token: cp.adminToken }));
  const home = tempDir("hafen-home-");
  const env = { HAFEN_CONFIG: join(dir, "client.json"), HOME: home };
  const executors = new Map<string, RecordingExecutor>();
  const journals = new Map<string, Map<string, string[]>>();
  const agents: Agent[] = [];
  const servers: Server[] = [];
  for (const m of machines) {
    const key = randomBytes(24).toString("hex");
    const lines = new Map<string, string[]>();
    const js = await journalServer(key, lines);
    servers.push(js.server);
    journals.set(m.id, lines);
    const executor = new RecordingExecutor();
    executors.set(m.id, executor);
    const api = new AgentApi({ findServers: async () => [cp.server.url], bootstrapToken: cp.bootstrapToken, tokens: memoryTokens() });
    const agent = new Agent({
      info: { id: m.id, name: m.name, primaryIP: "127.0.0.1", metadata: m.metadata ?? {}, role: "worker", version: "test", agentEndpoint: js.url, agentKey: key },
      api,
      executor,
      clock: systemClock,
      leaseTtlSeconds: 3,
      reconcileIntervalMs: 1000,
      pollWaitMs: 1000,
      log: () => undefined,
    });
    agents.push(agent);
    await agent.start();
  }
  return {
    cp,
    dir,
    env,
    executors,
    journals,
    hafen: (args, opts = {}) => runCli(args, { cwd: opts.cwd ?? dir, env: { ...env, ...opts.env } }),
    async stop() {
      await Promise.all(agents.map((a) => a.stop(true)));
      await cp.stop();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}

/** Runs one command object directly (for commands built with injected deps). */
export async function runCommand(command: Command, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on("data", (c: Buffer) => chunks.out.push(c));
  err.on("data", (c: Buffer) => chunks.err.push(c));
  const code = await command.run({ args, stdout: out, stderr: err, env: { ...process.env, ...opts.env }, cwd: opts.cwd });
  return { code, stdout: Buffer.concat(chunks.out).toString(), stderr: Buffer.concat(chunks.err).toString() };
}


/** Writes unit files into `dir`; returns their paths relative to it. */
export function writeUnits(dir: string, files: Record<string, string>): string[] {
  return Object.entries(files).map(([name, text]) => {
    writeFileSync(join(dir, name), text);
    return name;
  });
}

export const HELLO = "[Unit]\nDescription=Hello\n\n[Service]\nExecStart=/bin/sh -c 'echo hi; sleep 100'\n";
