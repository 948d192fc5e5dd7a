// `hafen boot serve` and `hafen boot check` as an operator runs them: the built binary
// as a child process (prints its URL, reloads on SIGHUP, exits 1 naming file and field
// for bad data, stops on SIGTERM) and the check command in-process.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { HAFEN_BIN, runCli } from "../../support/cli";
import { tempDir } from "../../support/tmp";
import { ipxeGet } from "./ipxe-client";
import { dataDir, flatcarProfile } from "./fixtures";
import { until } from "./until";

interface Served {
  child: ChildProcess;
  url: Promise<string>;
  out: () => string;
  exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();

function serve(args: string[]): Served {
  const child = spawn(process.execPath, [HAFEN_BIN, "boot", "serve", "--listen", "127.0.0.1:0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  let resolveUrl: (u: string) => void;
  const url = new Promise<string>((r) => (resolveUrl = r));
  const onData = (c: Buffer) => {
    out += c.toString();
    const m = /hafen boot: listening on (\S+)/.exec(out);
    if (m) resolveUrl(m[1]!);
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => (children.delete(child), r(code))));
  return { child, url, out: () => out, exited };
}

afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
});

test("serves on a free port, prints its URL, reloads on SIGHUP and stops on SIGTERM", async () => {
  const dir = dataDir({ a: { profile: "p", selector: { mac: "52:54:00:00:00:01" }, metadata: { name: "a" } } }, { p: flatcarProfile() });
  const s = serve(["--data", dir, "--no-watch"]);
  const url = await Promise.race([s.url, s.exited.then((c) => Promise.reject(new Error(`exited ${c}: ${s.out()}`)))]);
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect((await ipxeGet(`${url}/ipxe?mac=52-54-00-00-00-01`)).status).toBe(200);
  writeFileSync(join(dir, "groups/b.json"), JSON.stringify({ profile: "p", selector: { mac: "52:54:00:00:00:02" }, metadata: { name: "b" } }));
  expect((await ipxeGet(`${url}/ipxe?mac=52-54-00-00-00-02`)).status).toBe(404); // --no-watch: not yet
  s.child.kill("SIGHUP");
  await until(async () => (await ipxeGet(`${url}/ipxe?mac=52-54-00-00-00-02`)).status === 200, "SIGHUP to load groups/b.json");
  s.child.kill("SIGTERM");
  expect(await s.exited).toBe(0);
  expect(s.out()).toContain("SIGTERM: shutting down");
}, 20_000);

test("bad data at start: exit 1 with every problem as FILE:LINE: PATH: CODE", async () => {
  const dir = dataDir({ a: `profile: p\nselector:\n  mac: nope\n` }, { p: `boot:\n  os: plan9\n` });
  const s = serve(["--data", dir]);
  expect(await s.exited).toBe(1);
  expect(s.out()).toContain(`was refused:\n  groups/a.yaml:3: selector.mac: invalid-value: MAC "nope" is not accepted`);
  expect(s.out()).toContain("  profiles/p.yaml:2: boot.os: invalid-value: boot.os must be flatcar or fedora-coreos");
}, 20_000);

test("usage errors name the flag and the accepted form", async () => {
  const dir = tempDir();
  expect(await runCli(["boot", "serve"])).toMatchObject({ code: 1, stderr: expect.stringContaining("--data DIR is required") });
  expect(await runCli(["boot", "serve", "--data", dir, "--listen", "localhost"])).toMatchObject({ code: 1, stderr: expect.stringContaining("expected HOST:PORT") });
  expect(await runCli(["boot", "serve", "--data", dir, "--config-from", "10.0.0.0/33"])).toMatchObject({ code: 1, stderr: expect.stringContaining('"10.0.0.0/33" is not a CIDR') });
  writeFileSync(join(dir, "tokens"), "short\n");
  expect(await runCli(["boot", "serve", "--data", dir, "--token-file", join(dir, "tokens")])).toMatchObject({ code: 1, stderr: expect.stringContaining(`${join(dir, "tokens")}:1: expected a token of at least 16`) });
  expect(await runCli(["boot", "serve", "--data", dir, "--tls-cert", "x"])).toMatchObject({ code: 1, stderr: expect.stringContaining("--tls-cert and --tls-key go together") });
  expect(await runCli(["boot", "serve", "--data", dir, "--listen", "0.0.0.0:0"])).toMatchObject({ code: 1, stderr: expect.stringContaining("needs --public-url") });
});

test("boot check validates a directory as the service would", async () => {
  expect(await runCli(["boot", "check", "--data", join(__dirname, "../../../examples/boot")])).toEqual({ code: 0, stdout: "ok: 3 groups, 3 profiles\n", stderr: "" });
  const dir = dataDir({ a: "profile: nope\n" }, {});
  const r = await runCli(["boot", "check", "--data", dir, "--json"]);
  expect(r.code).toBe(1);
  expect(JSON.parse(r.stdout)).toEqual({ ok: false, problems: [{ code: "unknown-profile", file: "groups/a.yaml", line: 1, path: "profile", value: '"nope"', message: "no profile named nope; profiles are the files in profiles/ (none yet)" }] });
});
