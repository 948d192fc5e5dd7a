// `hafen agent --settings FILE`: the agent of every machine. Finds the API servers
// through the discovery token, registers the machine (bootstrap token the first time,
// its own token afterwards), and runs its assigned units — as processes on local
// machines, through systemd on real ones. Runs until SIGTERM/SIGINT, then stops its units.
import { join } from "node:path";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Command, CommandContext } from "./command";
import { UsageError } from "./command";
import { parseFlags } from "./flags";
import { readSettings, readSettingFile } from "../node/settings";
import { primaryAddress, hostPort } from "../node/address";
import { machineId, fileTokenStore } from "../node/identity";
import { logger, untilSignal } from "../node/signals";
import { listServers } from "../discovery";
import { Agent } from "../agent/agent";
import { AgentApi } from "../agent/api";
import { startJournalServer } from "../agent/journal-server";
import { ProcessExecutor } from "../executor/process/executor";
import { SystemdExecutor } from "../executor/systemd";
import { RecordingExecutor } from "../executor/recording";
import type { Executor } from "../executor/types";
import { systemClock } from "../clock";
import type { HafenSettings } from "../../machine";
import { VERSION } from "../version";
import { ensureTls, type TlsMaterial } from "../tls/ensure";

const usage = `Usage: hafen agent --settings FILE

Runs the agent of a machine, as configured by its settings file.`;

function executorFor(s: HafenSettings): Executor {
  switch (s.launch.style) {
    case "host":
      return s.launch.executor === "recording"
        ? new RecordingExecutor({ eventLog: join(s.dataDir, "executor-events.jsonl") })
        : new ProcessExecutor({ journalDir: join(s.dataDir, "journal"), eventLog: join(s.dataDir, "executor-events.jsonl") });
    case "container":
      return new SystemdExecutor({});
    default: {
      const never: never = s.launch;
      throw new Error(`unknown launch style ${JSON.stringify(never)}`);
    }
  }
}

/** Issues the machine's certificate, retrying while the servers are not up yet. */
async function ensureTlsWithRetry(
  s: HafenSettings,
  machineId: string,
  ip: string,
  bootstrapToken: string | undefined,
  log: (l: string) => void,
  requestCertificate: (csr: string) => Promise<string>,
): Promise<TlsMaterial | undefined> {
  let delay = 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return await ensureTls(s, { machineId, ip, name: s.name ?? hostname(), ...(bootstrapToken ? { bootstrapToken } : {}), requestCertificate, log });
    } catch (err) {
      if (attempt % 10 === 1) log(`TLS setup (attempt ${attempt}): ${(err as Error).message}; retrying`);
      if (attempt >= 600) throw err;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 2000);
    }
  }
}

async function run(ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(ctx.args, { settings: { type: "string" } });
  if (!values.settings) throw new UsageError("--settings is required");
  const s = readSettings(values.settings);
  const log = logger("hafen-agent");
  const id = machineId(s.dataDir);
  const ip = primaryAddress(s.advertiseAddress ?? (s.bindAddress === "127.0.0.1" ? "127.0.0.1" : undefined));
  const bootstrapToken = s.bootstrapTokenFile ? readSettingFile(s.bootstrapTokenFile, "bootstrap token").trim() : undefined;
  const findServers = async () => {
    const r = await listServers(s.discovery, s.tls ? { ca: readSettingFile(s.tls.caFile, "TLS CA") } : {});
    if (!r.ok) throw new Error(`discovery: ${r.error.message}`);
    return r.value.map((srv) => srv.endpoint);
  };
  const apiOptions = { findServers, ...(bootstrapToken ? { bootstrapToken } : {}), tokens: fileTokenStore(s.dataDir) };
  // A worker's certificate is signed by the servers; until it has one it talks to them
  // with the CA alone (server authentication) and its bootstrap or machine token.
  const material = await ensureTlsWithRetry(s, id, ip, bootstrapToken, log, (csr) =>
    new AgentApi({ ...apiOptions, tls: { ca: readSettingFile(s.tls!.caFile, "TLS CA") } }).requestCertificate(csr),
  );
  const certs = material ? { cert: material.cert, key: material.key } : undefined;
  const executor = executorFor(s);
  const agentKey = randomBytes(32).toString("base64url");
  const journal = await startJournalServer({ host: s.bindAddress, port: s.ports.agent, key: agentKey, executor, ...(certs ? { tls: certs } : {}) });
  const agentEndpoint = `${certs ? "https" : "http"}://${hostPort(ip, Number(new URL(journal.url).port))}`;
  const api = new AgentApi({ ...apiOptions, ...(material ? { tls: { ca: material.ca, ...certs } } : {}) });
  const agent = new Agent({
    info: {
      id,
      name: s.name ?? hostname(),
      primaryIP: ip,
      metadata: s.metadata,
      role: s.role,
      version: VERSION,
      agentEndpoint,
      agentKey,
    },
    api,
    executor,
    clock: systemClock,
    leaseTtlSeconds: s.leaseTtlSeconds,
    log,
  });
  await agent.start();
  ctx.stdout.write(`hafen agent: machine ${id} (${s.name ?? hostname()}) started\n`);
  const sig = await untilSignal();
  log(`${sig}: stopping units and shutting down`);
  await agent.stop(true);
  await journal.close();
  return 0;
}

export const agent: Command = { words: ["agent"], summary: "run a machine's agent", usage, run };
