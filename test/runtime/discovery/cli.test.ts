// `hafen discovery serve` and `hafen discovery new`: flag errors name the flag and the
// accepted form; start-up failures (port taken, data dir in use) exit 1 with the reason.
import { createServer } from "node:net";
import { runCli } from "../../support/cli";
import { tempDir } from "../../support/tmp";
import { startDiscoveryServer } from "../../../runtime/discovery/server";
import { startService } from "./helpers";

describe("discovery serve: usage errors exit 1 and name the flag", () => {
  test.each([
    [[], "--data DIR is required"],
    [["--data", "d", "--listen", "localhost"], '--listen "localhost": expected HOST:PORT'],
    [["--data", "d", "--listen", "127.0.0.1:99999"], "expected HOST:PORT"],
    [["--data", "d", "--poll-timeout", "5m"], '--poll-timeout "5m": expected a duration like 60s or 500ms'],
    [["--data", "d", "--poll-timeout", "1ms"], "from 10ms to 600s"],
    [["--data", "d", "--log-level", "loud"], '--log-level "loud": expected one of debug, info, warn, error'],
    [["--data", "d", "--tls-cert", "c.pem"], "--tls-cert and --tls-key go together"],
    [["--data", "d", "--tls-cert", "/nonexistent/c.pem", "--tls-key", "/nonexistent/k.pem"], "--tls-cert /nonexistent/c.pem: ENOENT"],
    [["--data", "d", "--bogus"], "Unknown option '--bogus'"],
    [["--data", "d", "extra"], 'unexpected argument "extra"'],
  ])("%j", async (args, message) => {
    const r = await runCli(["discovery", "serve", ...args], { cwd: tempDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("Usage: hafen discovery serve");
  });

  test("a wildcard listen address without --public-url is refused before binding", async () => {
    const r = await runCli(["discovery", "serve", "--data", tempDir(), "--listen", "0.0.0.0:0"]);
    expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining("needs a public URL (--public-url)") });
  });

  test("--help prints the usage", async () => {
    const r = await runCli(["discovery", "serve", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--public-url URL");
  });
});

describe("discovery serve: start-up failures", () => {
  test("a port in use: exit 1 with the reason", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(["discovery", "serve", "--data", tempDir(), "--listen", `127.0.0.1:${port}`]);
      expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining("EADDRINUSE") });
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  test("a data directory held by a running service: exit 1 naming its pid", async () => {
    const data = tempDir();
    const first = await startService(["--listen", "127.0.0.1:0", "--data", data]);
    const r = await runCli(["discovery", "serve", "--data", data, "--listen", "127.0.0.1:0"]);
    expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining(`in use by process ${first.process.pid}`) });
    await first.stop();
  });
});

describe("discovery new", () => {
  test("prints a token URL of the requested size", async () => {
    const s = await startDiscoveryServer({ host: "127.0.0.1", port: 0, dataDir: tempDir() });
    try {
      const r = await runCli(["discovery", "new", "--size", "5", s.url]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^${s.url}/[0-9a-f]{32}\\n$`));
      expect(s.dump()).toEqual([expect.objectContaining({ size: 5 })]);
    } finally {
      await s.close();
    }
  });

  test.each([
    [["--size", "0", "http://127.0.0.1:1"], '--size "0": expected a whole number from 1 to 99'],
    [["http://127.0.0.1:1", "extra"], "expected exactly one URL"],
    [[], "expected exactly one URL"],
    [["--ca", "/nonexistent.pem", "http://127.0.0.1:1"], "--ca /nonexistent.pem: ENOENT"],
  ])("usage error %j", async (args, message) => {
    const r = await runCli(["discovery", "new", ...args]);
    expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining(message) });
  });

  test("service errors are reported by kind", async () => {
    const r = await runCli(["discovery", "new", "ftp://example.com"]);
    expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining("bad-url:") });
  });
});
