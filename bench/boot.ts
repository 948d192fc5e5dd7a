// The boot service under PXE-like load: 1,000 groups and profiles, sequential keep-alive
// requests to /ipxe and /config, against a plain node HTTP server in the same run.
import { createServer } from "node:http";
import { mkdirSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBootServer, buildDataSet, type SourceDoc } from "../runtime/boot";
import { flatcarProfile } from "../test/runtime/boot/fixtures";

const N = 1000;
const REQS = 3000;
const mac = (i: number) => `52:54:00:00:${((i >> 8) & 255).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")}`;

async function timeRequests(urls: string[]): Promise<number> {
  const t = process.hrtime.bigint();
  for (const u of urls) {
    const r = await fetch(u);
    await r.text();
    if (r.status !== 200) throw new Error(`${u}: ${r.status}`);
  }
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bootbench-"));
  mkdirSync(join(dir, "groups"));
  mkdirSync(join(dir, "profiles"));
  const docs: SourceDoc[] = [];
  for (let i = 0; i < N; i++) {
    const g = { profile: `p${i}`, selector: { mac: mac(i) }, metadata: { name: `n${i}` } };
    const p = flatcarProfile();
    writeFileSync(join(dir, `groups/g${i}.json`), JSON.stringify(g));
    writeFileSync(join(dir, `profiles/p${i}.json`), JSON.stringify(p));
    docs.push({ kind: "group", name: `g${i}`, file: `groups/g${i}.json`, value: g }, { kind: "profile", name: `p${i}`, file: `profiles/p${i}.json`, value: p });
  }
  let t = Date.now();
  const r = buildDataSet(docs, undefined);
  if (!r.ok) throw new Error("bad");
  console.log(`validate ${N} groups + ${N} profiles (renders each machine): ${Date.now() - t} ms`);
  t = Date.now();
  const server = await startBootServer({ host: "127.0.0.1", port: 0, dataDir: dir, watch: false });
  console.log(`start (read + parse + validate from disk): ${Date.now() - t} ms`);
  const base = createServer((_q, s) => { s.writeHead(200, { "content-type": "text/plain" }); s.end("#!ipxe\nkernel x\ninitrd y\nboot\n"); });
  await new Promise<void>((res) => base.listen(0, "127.0.0.1", () => res()));
  const bport = (base.address() as { port: number }).port;
  const pick = (k: number) => (k * 7919) % N;
  const baseline = await timeRequests(Array.from({ length: REQS }, () => `http://127.0.0.1:${bport}/`));
  const ipxe = await timeRequests(Array.from({ length: REQS }, (_, k) => `${server.url}/ipxe?mac=${mac(pick(k)).replace(/:/g, "-")}&uuid=&hostname=&serial=`));
  const cold = await timeRequests(Array.from({ length: N }, (_, k) => `${server.url}/config?mac=${mac(k).replace(/:/g, "-")}`));
  const warm = await timeRequests(Array.from({ length: REQS }, (_, k) => `${server.url}/config?mac=${mac(pick(k)).replace(/:/g, "-")}`));
  const per = (ms: number, n: number) => `${(ms / n).toFixed(3)} ms/req (${Math.round((n / ms) * 1000)} req/s)`;
  console.log(`baseline static HTTP: ${per(baseline, REQS)}`);
  console.log(`/ipxe (match among ${N} groups): ${per(ipxe, REQS)}  ratio ${(ipxe / baseline).toFixed(2)}x baseline`);
  console.log(`/config first fetch (render): ${per(cold, N)}  ratio ${((cold / N) / (baseline / REQS)).toFixed(2)}x baseline`);
  console.log(`/config cached: ${per(warm, REQS)}  ratio ${(warm / baseline).toFixed(2)}x baseline`);
  t = Date.now();
  await server.reload();
  console.log(`reload unchanged (${N}+${N} files): ${Date.now() - t} ms`);
  await server.close();
  base.close();
}
