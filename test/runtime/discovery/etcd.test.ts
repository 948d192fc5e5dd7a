// Acceptance with real etcd 3.4 members bootstrapping through `hafen discovery serve`
// (the built binary, as a child process): 3- and 5-member clusters form (Hafen's server
// and sealed records beside them stay out of etcd's view), a late extra
// member exits, a kill -9 and restart of the service mid-bootstrap does not break
// formation, registrations survive kill -9, and an HTTPS discovery URL with a private CA
// works when etcd is given the CA through SSL_CERT_FILE.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { startEtcd, waitHealthy, etcdAvailable, type EtcdMember } from "../../support/etcd";
import { tempDir } from "../../support/tmp";
import { seal } from "../../../runtime/tls/seal";
import { http, form, FORM, makeCerts, startService } from "./helpers";

const run = promisify(execFile);

async function etcdctl(member: EtcdMember, ...args: string[]): Promise<string> {
  const { stdout } = await run("etcdctl", ["--endpoints", member.clientUrl, "--command-timeout", "5s", ...args], { env: { ...process.env, ETCDCTL_API: "3" } });
  return stdout;
}

async function memberNames(member: EtcdMember): Promise<string[]> {
  const out = JSON.parse(await etcdctl(member, "member", "list", "-w", "json")) as { members: { name: string }[] };
  return out.members.map((m) => m.name).sort();
}

async function newToken(url: string, size: number): Promise<string> {
  const r = await http("GET", `${url}/new?size=${size}`);
  expect(r.status).toBe(200);
  return r.body;
}

/** Starts `n` members on one token and checks they form one cluster that replicates. */
async function formCluster(tokenUrl: string, n: number, env?: NodeJS.ProcessEnv): Promise<EtcdMember[]> {
  const members = await Promise.all(Array.from({ length: n }, () => startEtcd({ discovery: tokenUrl, env })));
  await Promise.all(members.map((m) => waitHealthy(m, 20_000)));
  const names = members.map((m) => m.name).sort();
  for (const m of members) expect(await memberNames(m)).toEqual(names);
  const key = `k-${Date.now()}`;
  await etcdctl(members[0]!, "put", key, "through-discovery");
  expect(await etcdctl(members[n - 1]!, "get", key, "--print-value-only")).toBe("through-discovery\n");
  return members;
}

// Members are torn down with SIGKILL: their data dirs are throwaway, and etcd stopped
// with SIGTERM all at once spends seconds handing leadership to peers that are leaving.
beforeAll(() => {
  if (!etcdAvailable()) throw new Error("these tests need etcd 3.4 (Debian etcd-server) on PATH");
});

// Hafen's own records are published before any member starts: were either counted as a
// member (etcd counts every key under the token dir), a real member would lose its place
// and the cluster would not form as three, or the 4th would not find it full.
test("3 members form through the service beside a sealed and a server record; a 4th with --discovery-fallback exit exits: cluster is full", async () => {
  const svc = await startService(["--listen", "127.0.0.1:0", "--data", tempDir()]);
  const token = await newToken(svc.url, 3);
  const hafen = `${svc.url}/_hafen/${token.slice(-32)}`;
  const blob = seal("bootstrap-token-0123456789abcdef", "ca-key", "-----BEGIN PRIVATE KEY-----\n...");
  expect((await http("PUT", `${hafen}/sealed/ca-key?ttl=600`, { body: blob, contentType: "application/json" })).status).toBe(201);
  expect((await http("PUT", `${hafen}/servers/s1?ttl=600`, { body: '{"endpoint":"https://127.0.0.1:7480"}', contentType: "application/json" })).status).toBe(201);
  const members = await formCluster(token, 3);
  const late = await startEtcd({ discovery: token, extraArgs: ["--discovery-fallback", "exit"] });
  const code = await late.exited;
  expect(code).not.toBe(0);
  expect(late.log()).toContain("discovery: cluster is full");
  expect(await memberNames(members[0]!)).toEqual(members.map((m) => m.name).sort());
  expect((await http("GET", `${hafen}/sealed/ca-key`)).body).toBe(blob);
  expect(svc.log()).not.toContain(token.slice(-32)); // logs show tokens redacted
  await Promise.all(members.map((m) => m.stop("SIGKILL")));
  expect(await svc.stop("SIGTERM")).toBe(0);
  expect(svc.log()).toContain("SIGTERM: shutting down");
});

test("5 members form through the service", async () => {
  const svc = await startService(["--listen", "127.0.0.1:0", "--data", tempDir()]);
  const members = await formCluster(await newToken(svc.url, 5), 5);
  await Promise.all(members.map((m) => m.stop("SIGKILL")));
  await svc.stop();
});

// etcd exits (no retry) if the service fails between its registration and the answer
// to the watch on its own key (createSelf in etcd's v2discovery); from then on it retries
// with backoff. So the kill comes once m1 waits in its recursive long-poll for peers,
// which the service logs at debug level.
test("kill -9 and restart of the service mid-bootstrap: the cluster still forms", async () => {
  const data = tempDir();
  const first = await startService(["--listen", "127.0.0.1:0", "--data", data, "--log-level", "debug"]);
  const token = await newToken(first.url, 3);
  const m1 = await startEtcd({ discovery: token });
  await until(async () => /\?recursive=true&wait=true&waitIndex=\d+ waiting/.test(first.log()));
  await first.stop("SIGKILL");
  const second = await startService(["--listen", `127.0.0.1:${first.port}`, "--data", data]);
  expect(second.log()).toContain("replayed 1 tokens");
  const rest = await Promise.all([startEtcd({ discovery: token }), startEtcd({ discovery: token })]);
  const all = [m1, ...rest];
  await Promise.all(all.map((m) => waitHealthy(m, 25_000)));
  for (const m of all) expect(await memberNames(m)).toEqual(all.map((x) => x.name).sort());
  expect(m1.log()).toMatch(/error #0: /); // the kill did hit m1 mid-bootstrap (in a request or a poll), and it retried
  await Promise.all(all.map((m) => m.stop("SIGKILL")));
  await second.stop();
});

test("registrations and server records survive kill -9; the index carries on", async () => {
  const data = tempDir();
  const first = await startService(["--listen", "127.0.0.1:0", "--data", data]);
  const tokens = [await newToken(first.url, 3), await newToken(first.url, 5)];
  for (const [i, t] of tokens.entries()) {
    for (let j = 1; j <= i + 2; j++) {
      const r = await http("PUT", `${t}/${j.toString(16)}a?prevExist=false`, { body: form(`m${j}=http://127.0.0.1:${2380 + j}`), contentType: FORM });
      expect(r.status).toBe(201);
    }
  }
  const id = tokens[0]!.slice(-32);
  const srv = `${first.url}/_hafen/${id}/servers`;
  expect((await http("PUT", `${srv}/s1?ttl=600`, { body: '{"endpoint":"https://127.0.0.1:7480"}', contentType: "application/json" })).status).toBe(201);
  const view = async () => Promise.all([...tokens.map((t) => http("GET", `${t}?recursive=true`)), http("GET", srv)]);
  const before = (await view()).map((r) => [r.status, r.headers["x-etcd-index"], r.body]);
  await first.stop("SIGKILL");
  const second = await startService(["--listen", `127.0.0.1:${first.port}`, "--data", data]);
  const after = (await view()).map((r) => [r.status, r.headers["x-etcd-index"], r.body]);
  expect(after).toEqual(before);
  const next = await http("PUT", `${tokens[1]}/ff?prevExist=false`, { body: form("m9=http://127.0.0.1:2399"), contentType: FORM });
  expect(next.headers["x-etcd-index"]).toBe("5"); // token 2: created at 1, members at 2, 3 and 4
  await second.stop();
});

test("an HTTPS discovery URL with a private CA: etcd trusts it through SSL_CERT_FILE", async () => {
  const dir = tempDir();
  const certs = makeCerts(dir);
  const svc = await startService(["--listen", "127.0.0.1:0", "--data", tempDir(), "--tls-cert", certs.certFile, "--tls-key", certs.keyFile]);
  expect(svc.url).toMatch(/^https:/);
  const r = await http("GET", `${svc.url}/new?size=1`, { ca: certs.ca });
  const members = await formCluster(r.body, 1, { SSL_CERT_FILE: certs.caFile });
  await Promise.all(members.map((m) => m.stop("SIGKILL")));
  await svc.stop();
});

/** Re-checks an async condition every 20 ms, at most 10 s. */
async function until(cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await cond().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("condition not met within 10 s");
}
