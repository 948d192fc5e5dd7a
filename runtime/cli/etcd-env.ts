// `hafen etcd-env --settings FILE --out ENVFILE`: writes the etcd member's environment
// for a control machine (ExecStartPre of hafen-etcd.service; see machine/hafen-units.ts).
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { hostname } from "node:os";
import type { Command, CommandContext } from "./command";
import { UsageError } from "./command";
import { parseFlags } from "./flags";
import { readSettings, readSettingFile } from "../node/settings";
import { machineId } from "../node/identity";
import { ensureTls } from "../tls/ensure";
import { primaryAddress } from "../node/address";
import { etcdEnvironment, envFileText } from "../node/etcd-env";

const usage = `Usage: hafen etcd-env --settings FILE --out ENVFILE

Writes the ETCD_* environment of this control machine's etcd member.`;

async function run(ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(ctx.args, { settings: { type: "string" }, out: { type: "string" } });
  if (!values.settings || !values.out) throw new UsageError("--settings and --out are required");
  const s = readSettings(values.settings);
  if (s.store !== "etcd") throw new Error(`${values.settings}: store is ${s.store}; only etcd clusters run etcd members`);
  if (s.role === "worker") throw new Error(`${values.settings}: role is worker; only control machines run etcd members`);
  const ip = primaryAddress(s.advertiseAddress ?? (s.bindAddress === "127.0.0.1" ? "127.0.0.1" : undefined));
  const bootstrapToken = s.bootstrapTokenFile ? readSettingFile(s.bootstrapTokenFile, "bootstrap token").trim() : undefined;
  const material = await ensureTls(s, {
    machineId: machineId(s.dataDir),
    ip,
    name: s.name ?? hostname(),
    ...(bootstrapToken ? { bootstrapToken } : {}),
    log: (l) => ctx.stderr.write(`hafen etcd-env: ${l}\n`),
  });
  const tls = material && s.tls ? { caFile: s.tls.caFile, certFile: material.certFile, keyFile: material.keyFile } : undefined;
  const text = envFileText(etcdEnvironment(s, { name: s.name ?? hostname(), ip, ...(tls ? { tls } : {}) }));
  mkdirSync(dirname(values.out), { recursive: true });
  const tmp = `${values.out}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, values.out);
  ctx.stdout.write(`hafen etcd-env: wrote ${values.out}\n`);
  return 0;
}

export const etcdEnv: Command = { words: ["etcd-env"], summary: "write the etcd member environment of a control machine", usage, run };
