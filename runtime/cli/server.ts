// `hafen server --settings FILE`: the API server and scheduling engine of a control
// machine. Opens the store the settings name (embedded in-process, or the machine's own
// etcd member), serves the API, campaigns for engine leadership and announces itself in
// the discovery service. Runs until SIGTERM/SIGINT.
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Command, CommandContext } from "./command";
import { parseFlags } from "./flags";
import { UsageError } from "./command";
import { readSettings, readSettingFile } from "../node/settings";
import { primaryAddress, hostPort } from "../node/address";
import { machineId } from "../node/identity";
import { announce } from "../node/announce";
import { logger, untilSignal } from "../node/signals";
import { openStore, type Store } from "../store";
import { Engine } from "../engine";
import { startServer } from "../server/server";
import { unitRules } from "../cluster/unit-rules";
import { systemClock, sleep } from "../clock";
import type { HafenSettings } from "../../machine";
import { VERSION } from "../version";
import { ensureTls, type TlsMaterial } from "../tls/ensure";
import { hostname } from "node:os";

const usage = `Usage: hafen server --settings FILE

Runs the API server and the scheduling engine of a control machine, as configured by
the machine's settings file (written by its cloud-config or Ignition).`;

async function connectStore(s: HafenSettings, tls: TlsMaterial | undefined, log: (l: string) => void): Promise<Store> {
  if (s.store === "embedded") return openStore({ backend: "embedded", dir: join(s.dataDir, "store") });
  const store = await openStore({
    backend: "etcd",
    endpoints: [`${tls ? "https" : "http"}://127.0.0.1:${s.ports.etcdClient}`],
    ...(tls ? { tls: { ca: tls.ca, cert: tls.cert, key: tls.key } } : {}),
  });
  // The local etcd member may still be forming its cluster: wait for it, with progress.
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      await store.get("/hafen/ping");
      if (attempt > 1) log(`etcd reachable after ${Date.now() - started} ms`);
      return store;
    } catch (err) {
      if (Date.now() - started > 300_000) {
        await store.close();
        throw new Error(`etcd at 127.0.0.1:${s.ports.etcdClient} unreachable for 300 s: ${(err as Error).message}`);
      }
      if (attempt % 20 === 1) log(`waiting for etcd at 127.0.0.1:${s.ports.etcdClient}: ${(err as Error).message}`);
      await sleep(systemClock, 100);
    }
  }
}

async function run(ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(ctx.args, { settings: { type: "string" } });
  if (!values.settings) throw new UsageError("--settings is required");
  const s = readSettings(values.settings);
  if (s.role === "worker") throw new Error(`${values.settings}: role is worker; only control or both machines run the server`);
  const log = logger("hafen-server");
  if (!s.auth?.adminTokenSha256.length && !s.tls?.caFile) {
    log("warning: no admin token hash and no CA in the settings: no client can manage this cluster");
  }
  const id = machineId(s.dataDir);
  const ip = primaryAddress(s.advertiseAddress ?? (s.bindAddress === "127.0.0.1" ? "127.0.0.1" : undefined));
  const bootstrapToken = s.bootstrapTokenFile ? readSettingFile(s.bootstrapTokenFile, "bootstrap token").trim() : undefined;
  const material = await ensureTls(s, { machineId: id, ip, name: s.name ?? hostname(), ...(bootstrapToken ? { bootstrapToken } : {}), log });
  const store = await connectStore(s, material, log);
  const engine = new Engine({
    store,
    id: `${s.name ?? id}-${randomBytes(4).toString("hex")}`,
    leaseTtlSeconds: Math.max(s.store === "etcd" ? 2 : 1, s.leaseTtlSeconds),
    onEvent: (e) => {
      // Passes that wrote nothing are the idle norm and are not logged.
      if (e.type !== "reconciled") log(`engine: ${JSON.stringify(e)}`);
      else if (e.ops > 0) {
        log(`engine: ${e.trigger} pass placed ${e.placements}, removed ${e.removals}, ${e.ops} ops in ${e.txns} txns; decide ${e.decideMs.toFixed(0)} ms, total ${e.totalMs.toFixed(0)} ms${e.interrupted ? " (interrupted)" : ""}`);
      }
    },
  });
  const tls = material ? { cert: material.cert, key: material.key, ca: material.ca } : undefined;
  const expires = s.auth?.bootstrapExpiresAt ? Date.parse(s.auth.bootstrapExpiresAt) : undefined;
  const server = await startServer({
    store,
    host: s.bindAddress,
    port: s.ports.api,
    ...(tls ? { tls } : {}),
    auth: {
      adminTokenHashes: s.auth?.adminTokenSha256 ?? [],
      ...(s.auth?.bootstrapTokenSha256 ? { bootstrap: { hash: s.auth.bootstrapTokenSha256, ...(expires ? { expiresAt: expires } : {}) } } : {}),
    },
    leaseTtlSeconds: s.leaseTtlSeconds,
    version: VERSION,
    rules: unitRules,
    clock: systemClock,
    engine,
    ...(material?.caKey ? { ca: { certPem: material.ca, keyPem: material.caKey } } : {}),
    log,
  });
  const endpoint = `${tls ? "https" : "http"}://${hostPort(ip, s.ports.api)}`;
  const announcer = announce({
    discovery: s.discovery,
    id,
    endpoint,
    ttlSeconds: 30,
    ...(tls?.ca ? { ca: tls.ca } : {}),
    clock: systemClock,
    log,
  });
  ctx.stdout.write(`hafen server: serving ${endpoint}\n`);
  const sig = await untilSignal();
  log(`${sig}: shutting down`);
  await announcer.stop();
  await server.stop();
  await store.close();
  return 0;
}

export const server: Command = { words: ["server"], summary: "run a control machine's API server and engine", usage, run };
