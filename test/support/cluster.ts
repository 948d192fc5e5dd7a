// In-process control plane for tests: an API server on 127.0.0.1 over an in-memory
// store, admin and bootstrap tokens, and helpers to start agents with a recording
// executor. Everything started here is stopped by `stop()`.
import { openStore, type Store } from "../../runtime/store";
import { startServer, type EngineHandle, type RunningServer } from "../../runtime/server/server";
import { newToken, sha256Hex } from "../../runtime/api/auth";
import { unitRules } from "../../runtime/cluster/unit-rules";
import { systemClock } from "../../runtime/clock";
import { ApiClient } from "../../runtime/client/api";
import { Agent } from "../../runtime/agent/agent";
import { AgentApi, type TokenStore } from "../../runtime/agent/api";
import { RecordingExecutor } from "../../runtime/executor/recording";
import type { Executor } from "../../runtime/executor/types";

export interface TestControlPlane {
  readonly store: Store;
  readonly server: RunningServer;
  readonly adminToken: string;
  readonly bootstrapToken: string;
  readonly client: ApiClient;
  readonly logs: string[];
  startAgent(opts: { id: string; name: string; metadata?: Record<string, string>; executor?: Executor; ttlSeconds?: number }): Promise<{
    agent: Agent;
    executor: Executor;
  }>;
  stop(): Promise<void>;
}

export function memoryTokens(): TokenStore {
  let token: string | undefined;
  return {
    load: async () => token,
    save: async (t) => {
      token = t;
    },
    clear: async () => {
      token = undefined;
    },
  };
}

export async function startControlPlane(opts: { leaseTtlSeconds?: number; engine?: (store: Store) => EngineHandle; store?: Store } = {}): Promise<TestControlPlane> {
  const store = opts.store ?? (await openStore({ backend: "memory" }));
  const adminToken = newToken("admin");
  const bootstrapToken = newToken("bootstrap");
  const logs: string[] = [];
  const log = (l: string) => logs.push(l);
  const server = await startServer({
    store,
    host: "127.0.0.1",
    port: 0,
    auth: { adminTokenHashes: [sha256Hex(adminToken)], bootstrap: { hash: sha256Hex(bootstrapToken) } },
    leaseTtlSeconds: opts.leaseTtlSeconds ?? 2,
    version: "test",
    rules: unitRules,
    clock: systemClock,
    ...(opts.engine ? { engine: opts.engine(store) } : {}),
    maxWaitMs: 2000,
    log,
  });
  const client = new ApiClient({ endpoint: server.url, token: adminToken });
  const agents: Agent[] = [];
  return {
    store,
    server,
    adminToken,
    bootstrapToken,
    client,
    logs,
    async startAgent(a) {
      const executor = a.executor ?? new RecordingExecutor();
      const api = new AgentApi({ findServers: async () => [server.url], bootstrapToken, tokens: memoryTokens() });
      const agent = new Agent({
        info: { id: a.id, name: a.name, primaryIP: "127.0.0.1", metadata: a.metadata ?? {}, role: "worker", version: "test" },
        api,
        executor,
        clock: systemClock,
        leaseTtlSeconds: a.ttlSeconds ?? opts.leaseTtlSeconds ?? 2,
        reconcileIntervalMs: 1000,
        pollWaitMs: 1000,
        log: (l) => logs.push(`[${a.name}] ${l}`),
      });
      agents.push(agent);
      await agent.start();
      return { agent, executor };
    },
    async stop() {
      await Promise.all(agents.map((a) => a.stop(true)));
      await server.stop();
      await store.close();
    },
  };
}

/** Polls `check` until it returns a truthy value, or throws after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
