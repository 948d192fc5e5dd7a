// Request rate of the discovery service under concurrent registrations, against a
// same-run baseline: a bare node `http` server answering 200 (the HTTP floor on this
// machine); registrations are also set against the raw rate of fdatasync'd appends in
// the same directory (the storage floor; concurrent writes share syncs). Both servers run as child processes so the load generator does not share
// their event loop; both see the same request count, concurrency and keep-alive.
//
// Workload: TOKENS tokens of size SIZE; every member does what etcd 3.4 does when it
// joins: PUT /<t>/<id>?prevExist=false (fsync'd), GET its own key with wait=true at its
// createdIndex (answered from history), GET /<t>/_config/size, GET /<t>.
//
// Run: npm run build && npx esbuild bench/discovery.ts --bundle --platform=node \
//        --packages=external --outfile=/tmp/b.js && node /tmp/b.js
// Env: BENCH_TOKENS (default 200), BENCH_SIZE (5), BENCH_CLIENTS (32), BENCH_ROUNDS (3).
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request } from "node:http";
import { existsSync, mkdtempSync, rmSync, promises as fsp } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";

interface Sample {
  readonly kind: string;
  readonly ms: number;
}

interface Call {
  readonly kind: string;
  readonly method: string;
  readonly path: string;
  readonly body?: string;
}

const TOKENS = Number(process.env["BENCH_TOKENS"] ?? 200);
const SIZE = Number(process.env["BENCH_SIZE"] ?? 5);
const CLIENTS = Number(process.env["BENCH_CLIENTS"] ?? 32);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
/** The repository root (run from there); the bundle itself may live anywhere. */
const ROOT = process.env["HAFEN_ROOT"] ?? process.cwd();

const BASELINE_SERVER = `
const http = require("node:http");
const s = http.createServer((req, res) => { req.resume(); req.on("end", () => { res.writeHead(200, { "Content-Length": 2 }); res.end("ok"); }); });
s.listen(0, "127.0.0.1", () => console.log("listening on http://127.0.0.1:" + s.address().port));
process.on("SIGTERM", () => s.close(() => process.exit(0)));
`;

async function startChild(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 10_000);
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { url, child };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.on("exit", r));
  child.kill("SIGTERM");
  await exited;
}

function call(agent: Agent, base: string, c: Call): Promise<{ status: number; body: string; ms: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = c.body === undefined ? {} : { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": Buffer.byteLength(c.body) };
    const req = request(`${base}${c.path}`, { method: c.method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (x: Buffer) => chunks.push(x));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end(c.body);
  });
}

/** The calls one joining etcd member makes; `index` is the createdIndex the PUT returns. */
function memberCalls(token: string, id: string): Call[] {
  const value = `value=${encodeURIComponent(`m${id}=http://127.0.0.1:${2000 + parseInt(id, 16)}`)}`;
  return [
    { kind: "PUT register", method: "PUT", path: `/${token}/${id}?prevExist=false`, body: value },
    { kind: "GET own key (wait, from history)", method: "GET", path: `/${token}/${id}?recursive=false&wait=true&waitIndex=@` },
    { kind: "GET _config/size", method: "GET", path: `/${token}/_config/size?quorum=false&recursive=false&sorted=false` },
    { kind: "GET token dir", method: "GET", path: `/${token}?quorum=false&recursive=false&sorted=false` },
  ];
}

/** Runs every member's sequence with CLIENTS concurrent workers; returns samples and wall time. */
async function load(base: string, tokens: readonly string[], check: boolean): Promise<{ samples: Sample[]; seconds: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const members = tokens.flatMap((t) => Array.from({ length: SIZE }, (_, i) => memberCalls(t, (0x1000 + i).toString(16))));
  const samples: Sample[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    for (let m = next++; m < members.length; m = next++) {
      let index = "1";
      for (const c of members[m]!) {
        const r = await call(agent, base, { ...c, path: c.path.replace("@", index) });
        if (check && r.status >= 300) throw new Error(`${c.method} ${c.path} → ${r.status} ${r.body}`);
        if (check && c.method === "PUT") index = String(JSON.parse(r.body).node.createdIndex);
        samples.push({ kind: c.kind, ms: r.ms });
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { samples, seconds };
}

async function makeTokens(base: string, n: number): Promise<string[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await call(agent, base, { kind: "new", method: "GET", path: `/new?size=${SIZE}` })).body.split("/").pop()!);
  agent.destroy();
  return out;
}

function pct(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** One row; `seconds` omitted for a subset of a run (its rate would not be its own). */
function line(label: string, samples: readonly Sample[], seconds?: number): string {
  const ms = samples.map((s) => s.ms);
  const rate = seconds === undefined ? "" : `${(samples.length / seconds).toFixed(0)} req/s`;
  return `${label.padEnd(36)} ${String(samples.length).padStart(6)} req  ${rate.padStart(11)}  p50 ${pct(ms, 50).toFixed(2).padStart(6)} ms  p99 ${pct(ms, 99).toFixed(2).padStart(6)} ms`;
}

type Run = { samples: Sample[]; seconds: number };

/** The store underneath: sequential 150-byte appends, each fdatasync'd, in the same dir. */
async function fsyncRate(dir: string, n = 300): Promise<number> {
  const fh = await fsp.open(join(dir, "fsync-probe"), "a");
  const rec = Buffer.alloc(150, 0x61);
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    await fh.write(rec);
    await fh.datasync();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await fh.close();
  return n / seconds;
}
const rate = (r: Run): number => r.samples.length / r.seconds;

export async function main(): Promise<void> {
  const bin = join(ROOT, "bin", "hafen");
  if (!existsSync(join(ROOT, "dist", "hafen.js"))) throw new Error("dist/hafen.js is missing: run `npm run build` in the repository root first");
  const fakeTokens = Array.from({ length: TOKENS }, (_, i) => i.toString(16).padStart(32, "0"));
  const data = mkdtempSync(join(tmpdir(), "hafen-bench-disc-"));
  const baseline = await startChild(["-e", BASELINE_SERVER]);
  const svc = await startChild([bin, "discovery", "serve", "--listen", "127.0.0.1:0", "--data", data, "--log-level", "warn"]).catch(async (err: unknown) => {
    await stopChild(baseline.child);
    throw err;
  });
  try {
    await load(baseline.url, fakeTokens.slice(0, Math.ceil(TOKENS / 10)), false); // warm-up, both
    await load(svc.url, await makeTokens(svc.url, Math.ceil(TOKENS / 10)), true);
    // Alternate the two so background load on a shared machine hits both alike.
    const floors: Run[] = [];
    const runs: Run[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      floors.push(await load(baseline.url, fakeTokens, false));
      runs.push(await load(svc.url, await makeTokens(svc.url, TOKENS), true));
    }
    report(median(floors), median(runs), await fsyncRate(data));
  } finally {
    await stopChild(svc.child);
    await stopChild(baseline.child);
    rmSync(data, { recursive: true, force: true });
  }
}

function median(runs: Run[]): Run {
  return [...runs].sort((a, b) => rate(a) - rate(b))[Math.floor(runs.length / 2)]!;
}

function report(floor: Run, run: Run, syncsPerSecond: number): void {
  const out = [
    `discovery bench: ${TOKENS} tokens x size ${SIZE}, ${CLIENTS} concurrent clients, keep-alive, median of ${ROUNDS} alternating rounds, ${cpus().length} cores, node ${process.version}`,
    line("baseline: bare node http (200 OK)", floor.samples, floor.seconds),
    line("discovery: all requests", run.samples, run.seconds),
  ];
  for (const kind of [...new Set(run.samples.map((s) => s.kind))]) out.push(line(`  ${kind}`, run.samples.filter((s) => s.kind === kind)));
  out.push(`ratio discovery/baseline (req/s): ${(rate(run) / rate(floor)).toFixed(2)}`);
  const puts = run.samples.filter((s) => s.kind === "PUT register").length / run.seconds;
  out.push(`storage floor: sequential fdatasync'd appends ${syncsPerSecond.toFixed(0)}/s; durable registrations in the mixed run ${puts.toFixed(0)}/s (${(puts / syncsPerSecond).toFixed(2)}x)`);
  process.stdout.write(out.join("\n") + "\n");
}
