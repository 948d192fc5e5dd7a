// `hafen server` as a library: the API (fleet v1 + /hafen/v1) over a store, the
// assignment hub for agents' long-polls, and the engine campaigning for leadership.
// The process shell (runtime/cli/server.ts) reads settings, opens the store and calls
// startServer; tests call it directly with an in-memory store.
import type { Store } from "../store/types";
import type { Clock } from "../clock";
import { Router } from "../api/http";
import type { AuthConfig } from "../api/auth";
import { addFleetRoutes, type UnitRules } from "../api/fleet-routes";
import { addHafenRoutes } from "../api/hafen-routes";
import { Registry } from "../cluster/registry";
import { Membership } from "../cluster/membership";
import { AssignmentHub } from "./assignment-hub";
import { startHttpServer, type TlsFiles } from "./http-server";
import { signMachineCsr } from "../tls/certs";

/** What the server needs of the engine (runtime/engine). */
export interface EngineHandle {
  start(): Promise<void>;
  stop(): Promise<void>;
  isLeader(): boolean;
}

export interface ServerConfig {
  readonly store: Store;
  readonly host: string;
  readonly port: number;
  readonly tls?: TlsFiles;
  readonly auth: Omit<AuthConfig, "machineTokenMatches" | "now">;
  readonly leaseTtlSeconds: number;
  readonly version: string;
  readonly rules: UnitRules;
  readonly clock: Clock;
  readonly root?: string;
  readonly engine?: EngineHandle;
  /** Largest request body (default 1 MiB). */
  readonly bodyLimit?: number;
  /** Longest assignments long-poll (default 30 s). */
  readonly maxWaitMs?: number;
  /** The cluster CA (certificate and key) when this server signs machines' certificates. */
  readonly ca?: { readonly certPem: string; readonly keyPem: string };
  readonly log: (line: string) => void;
}

export interface RunningServer {
  readonly url: string;
  readonly registry: Registry;
  stop(): Promise<void>;
}

export async function startServer(cfg: ServerConfig): Promise<RunningServer> {
  const registry = new Registry(cfg.store, cfg.root);
  const membership = new Membership(cfg.store, registry.keys);
  const hub = new AssignmentHub(cfg.store, registry.keys, cfg.log);
  await hub.start();
  const router = new Router();
  const bodyLimit = cfg.bodyLimit ?? 1024 * 1024;
  addFleetRoutes(router, { registry, rules: cfg.rules, bodyLimit, placedOn: (unit) => hub.machinesOf(unit) });
  addHafenRoutes(router, {
    registry,
    rules: cfg.rules,
    membership,
    hub,
    bodyLimit,
    leaseTtlSeconds: cfg.leaseTtlSeconds,
    maxWaitMs: cfg.maxWaitMs ?? 30_000,
    version: cfg.version,
    now: () => cfg.clock.now(),
    health: () => ({ store: cfg.store.backend, isLeader: cfg.engine?.isLeader() ?? false }),
    ...(cfg.ca ? { signCsr: (csr: string) => signMachineCsr(cfg.ca!, csr) } : {}),
    ...(cfg.tls?.ca ? { caPem: cfg.tls.ca } : {}),
  });
  const http = await startHttpServer({
    host: cfg.host,
    port: cfg.port,
    ...(cfg.tls ? { tls: cfg.tls } : {}),
    auth: { ...cfg.auth, machineTokenMatches: (id, hash) => membership.tokenMatches(id, hash), now: () => Date.now() },
    router,
    log: cfg.log,
  });
  await cfg.engine?.start();
  cfg.log(`API listening on ${http.url} (store: ${cfg.store.backend})`);
  return {
    url: http.url,
    registry,
    async stop() {
      await cfg.engine?.stop();
      await hub.stop();
      await http.close();
    },
  };
}
