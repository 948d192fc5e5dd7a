// `hafen local up`: a whole cluster on this computer, formed and running in the background.
import { resolve } from "node:path";
import type { Command, CommandContext } from "./command";
import { UsageError } from "./command";
import { parseFlags } from "./flags";
import { localUp, defaultClusterDir, type UpProgress } from "../local";

const usage = `Usage: hafen local up [--machines N] [--control C] [--dir DIR] [--lease-ttl S]
                       [--metadata NAME:KEY=VALUE]... [--timeout S] [--tls] [--json]

Starts a local cluster: a discovery service and N machines on 127.0.0.1, each booted
from the cloud-config the machine renderer makes for it. --control 1 (default) keeps
state in the embedded store; --control 3 or 5 runs real etcd members (needs etcd).
Writes DIR/client.json (endpoint and admin token) for the other commands.

  --machines N     machines in the cluster (default 3)
  --control C      control machines: 1, 3 or 5 (default 1)
  --dir DIR        where the cluster lives (default ~/.hafen/local)
  --lease-ttl S    machine lease TTL in seconds (default 5)
  --metadata M:K=V extra machine metadata, e.g. m2:region=eu (repeatable)
  --timeout S      how long to wait for the cluster to form (default 60)
  --tls            TLS on every port (a cluster CA in DIR/ca.pem; machines issue
                   their certificates at boot) instead of plain HTTP on 127.0.0.1
  --json           print the endpoint and machines as JSON`;

function intFlag(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} ${JSON.stringify(v)}: expected a whole number`);
  return Number(v);
}

export function parseMetadataFlags(values: readonly string[]): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const v of values) {
    const m = /^(m\d+):([A-Za-z0-9_-]+)=([^\s,="]+)$/.exec(v);
    if (!m) throw new UsageError(`--metadata ${JSON.stringify(v)}: expected MACHINE:KEY=VALUE, e.g. m2:region=eu`);
    (out[m[1]!] ??= {})[m[2]!] = m[3]!;
  }
  return out;
}

function showProgress(ctx: CommandContext, json: boolean): (p: UpProgress) => void {
  return (p) => {
    if (json) return;
    const secs = (p.elapsedMs / 1000).toFixed(1);
    const line =
      p.phase === "discovery"
        ? "starting the discovery service"
        : p.phase === "booting"
          ? `booting ${p.total} machines`
          : p.phase === "forming"
            ? `waiting for machines to register: ${p.registered}/${p.total}`
            : `formed: ${p.total}/${p.total} machines registered`;
    ctx.stderr.write(`[${secs}s] ${line}\n`);
  };
}

async function run(ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(ctx.args, {
    machines: { type: "string" },
    control: { type: "string" },
    dir: { type: "string" },
    "lease-ttl": { type: "string" },
    metadata: { type: "string", multiple: true },
    timeout: { type: "string" },
    json: { type: "boolean" },
    tls: { type: "boolean" },
  });
  const dir = resolve(ctx.cwd, values.dir ?? defaultClusterDir(ctx.env));
  const json = values.json ?? false;
  const info = await localUp({
    dir,
    machines: intFlag("machines", values.machines, 3),
    control: intFlag("control", values.control, 1),
    leaseTtlSeconds: intFlag("lease-ttl", values["lease-ttl"], 5),
    metadata: parseMetadataFlags(values.metadata ?? []),
    timeoutMs: intFlag("timeout", values.timeout, 60) * 1000,
    progress: showProgress(ctx, json),
    tls: values.tls ?? false,
  });
  if (json) {
    const { adminToken: _secret, ...shown } = info;
    ctx.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    return 0;
  }
  ctx.stdout.write(
    `Local cluster up in ${dir} (${info.store} store)\n` +
      `API endpoint:  ${info.endpoint}\n` +
      `Client config: ${info.clientConfigPath}\n` +
      info.machines.map((m) => `  ${m.name}  ${m.id}  ${m.role}`).join("\n") +
      "\n",
  );
  return 0;
}

export const localUpCommand: Command = { words: ["local", "up"], summary: "start a local cluster in the background", usage, run };
