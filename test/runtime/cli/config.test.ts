// client.json: validation (every bad field named), where it is read from (flags, then
// HAFEN_CONFIG, then ~/.hafen/local/client.json), PEM paths relative to the file, and
// what the commands print for a bad or missing configuration — without talking to any
// server.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { parseClientConfig, formatConfigProblem } from "../../../runtime/cli/client/config";
import { jsonSyntaxError } from "../../../runtime/cli/client/json-position";
import { configOrigin, loadClientConfig } from "../../../runtime/cli/client/connect";
import { runCli } from "../../support/cli";
import { tempDir } from "../../support/tmp";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const id = (p: string) => resolve("/base", p);

function problems(text: string) {
  const r = parseClientConfig(text, "/etc/c.json", id);
  return r.ok ? [] : r.problems.map(formatConfigProblem);
}

describe("parseClientConfig", () => {
  it("accepts endpoint, token and PEMs as paths (resolved) or inline text", () => {
    const r = parseClientConfig(JSON.stringify({ endpoint: "https://10.0.0.5:7480/", token: "hfa_x", ca: "ca.pem", cert: "/abs/c.pem", key: PEM }), "f", id);
    expect(r).toEqual({
      ok: true,
      value: { endpoint: "https://10.0.0.5:7480/", token: "hfa_x", ca: { kind: "path", path: "/base/ca.pem" }, cert: { kind: "path", path: "/abs/c.pem" }, key: { kind: "inline", pem: PEM } },
    });
  });
  it("points at the line of a JSON syntax error", () => {
    expect(problems('{\n  "endpoint": "http://a:1",\n  "token": ,\n}')).toEqual([expect.stringMatching(/^\/etc\/c.json:3: not valid JSON/)]);
  });
  it.each([
    ["[]", /expected a JSON object .* got an array/],
    ['"x"', /got "x"/],
    ["{}", /field endpoint: missing/],
    ['{"endpoint":"ftp://a"}', /field endpoint: "ftp:\/\/a" has scheme ftp:/],
    ['{"endpoint":"http://a:1/api"}', /field endpoint: "http:\/\/a:1\/api" has a path/],
    ['{"endpoint":"http://u:p@a:1"}', /carries user credentials/],
    ['{"endpoint":"not a url"}', /field endpoint: "not a url" is not a URL; expected http\(s\)/],
    ['{"endpoint":7480}', /field endpoint: "7480" is not a URL/],
    ['{"endpoint":"http://a:1","token":"two words"}', /field token: a token with blanks/],
    ['{"endpoint":"http://a:1","token":5}', /field token: "5" is not usable/],
    ['{"endpoint":"http://a:1","tokn":"x"}', /field tokn: unknown field; accepted fields are endpoint, token, ca, cert, key/],
    ['{"endpoint":"https://a:1","cert":"c.pem"}', /field key: missing; a client certificate needs both cert and key/],
    ['{"endpoint":"http://a:1","ca":"ca.pem"}', /field ca: TLS material is given but endpoint "http:\/\/a:1" is plain http/],
    ['{"endpoint":"https://a:1","ca":""}', /field ca: "" is not usable; expected a file path or PEM text/],
  ])("refuses %s", (text, message) => {
    expect(problems(text).join("\n")).toMatch(message);
  });
  it("reports every problem at once", () => {
    expect(problems('{"endpoint":"ftp://a","token":"a b","extra":1}')).toHaveLength(3);
  });
});

describe("where the configuration comes from", () => {
  it("prefers --config, then --endpoint alone, then HAFEN_CONFIG, then the default under HOME", () => {
    const env = { HAFEN_CONFIG: "env.json", HOME: "/home/u" };
    expect(configOrigin({ config: "c.json", endpoint: "http://a:1" }, env, "/cwd")).toEqual({ ok: true, value: { kind: "flag", file: "/cwd/c.json" } });
    expect(configOrigin({ endpoint: "http://a:1" }, env, "/cwd")).toEqual({ ok: true, value: { kind: "endpoint-only" } });
    expect(configOrigin({}, env, "/cwd")).toEqual({ ok: true, value: { kind: "env", file: "/cwd/env.json" } });
    expect(configOrigin({}, { HOME: "/home/u" }, "/cwd")).toEqual({ ok: true, value: { kind: "default", file: "/home/u/.hafen/local/client.json" } });
    const noHome = configOrigin({}, {}, "/cwd");
    expect(noHome.ok).toBe(false);
  });

  it("loads PEM files relative to the config file and overrides only the endpoint with --endpoint", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "tls"));
    writeFileSync(join(dir, "tls", "ca.pem"), PEM);
    writeFileSync(join(dir, "client.json"), JSON.stringify({ endpoint: "https://127.0.0.1:1", token: "hfa_t", ca: "tls/ca.pem" }));
    const r = await loadClientConfig({ config: "client.json" }, {}, dir);
    expect(r).toEqual({ ok: true, value: { endpoint: "https://127.0.0.1:1", token: "hfa_t", ca: PEM } });
    const over = await loadClientConfig({ config: join(dir, "client.json"), endpoint: "https://127.0.0.2:2" }, {}, "/");
    expect(over.ok && over.value.endpoint).toBe("https://127.0.0.2:2");
  });

  it("names the field and the file for an unreadable or non-PEM certificate file", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "notpem"), "hello");
    writeFileSync(join(dir, "client.json"), JSON.stringify({ endpoint: "https://a:1", ca: "missing.pem", cert: "notpem", key: "notpem" }));
    const r = await loadClientConfig({ config: join(dir, "client.json") }, {}, dir);
    expect(r.ok).toBe(false);
    const lines = r.ok ? [] : r.problems.map(formatConfigProblem);
    expect(lines).toEqual([
      `${join(dir, "client.json")}: field ca: cannot read ${join(dir, "missing.pem")}: no such file`,
      expect.stringMatching(/field cert: .*notpem holds no PEM block/),
      expect.stringMatching(/field key: .*notpem holds no PEM block \(no -----BEGIN line\); expected a PEM private key/),
    ]);
  });
});

describe("commands with a bad or missing configuration", () => {
  it("exit 1 naming the file and field, and print nothing on stdout", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "bad.json"), '{"endpoint": "gopher://x", "token": "t"}');
    for (const args of [["list-machines"], ["list-units"], ["start", "x.service"], ["status", "x.service"]]) {
      const r = await runCli([...args, "--config", "bad.json"], { cwd: dir, env: { HOME: dir } });
      expect(r).toEqual({ code: 1, stdout: "", stderr: `hafen ${args[0]}: ${join(dir, "bad.json")}: field endpoint: "gopher://x" has scheme gopher:; expected http(s)://HOST[:PORT], e.g. http://127.0.0.1:7480\n` });
    }
  });

  it("explains a missing default configuration and how to get one", async () => {
    const home = tempDir();
    const r = await runCli(["list-units"], { cwd: home, env: { HOME: home, HAFEN_CONFIG: "" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(home, ".hafen", "local", "client.json")}: no client configuration; start a local cluster (\`hafen local up\`)`);
  });

  it("reads HAFEN_CONFIG and reports a directory or garbage there", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "garbage.json"), "\u0000\u0001 not json");
    let r = await runCli(["list-machines"], { cwd: dir, env: { HOME: dir, HAFEN_CONFIG: dir } });
    expect(r.stderr).toMatch(/cannot read the client configuration \(from HAFEN_CONFIG\): it is a directory/);
    r = await runCli(["list-machines"], { cwd: dir, env: { HOME: dir, HAFEN_CONFIG: "garbage.json" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/garbage.json:1: not valid JSON/);
  });

  it("refuses a bad --endpoint before reading anything", async () => {
    const r = await runCli(["list-units", "--endpoint", "127.0.0.1:7480"], { env: { HOME: tempDir() } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--endpoint: "127.0.0.1:7480" (is not a URL|has scheme 127.0.0.1:)/);
  });

  it("reports an endpoint nobody listens on with a hint", async () => {
    const { createServer } = await import("node:net");
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as { port: number }).port;
    await new Promise((r) => srv.close(r));
    const r = await runCli(["list-machines", "--endpoint", `http://127.0.0.1:${port}`], { env: { HOME: tempDir() } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach http:\/\/127.0.0.1:\d+.*\n  hint: is the cluster up/);
  });
});

describe("jsonSyntaxError", () => {
  it.each([
    ['{"a": ,}', { line: 1, column: 7, found: '","' }],
    ['{"a": 1}\n x', { line: 2, column: 2, found: '"x"' }],
    ['{"a": "tok\u0001en"}', { line: 1, column: 11, found: "U+0001" }],
    ['{"a": [1, 2', { line: 1, column: 12, found: "end of input" }],
    ["[01]", { line: 1, column: 3, found: '"1"' }],
    ['{"a" 1}', { line: 1, column: 6, found: '"1"' }],
    ['"\\x"', { line: 1, column: 2, found: '"\\\\"' }],
  ])("locates the error in %j", (text, want) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonSyntaxError(text)).toEqual(want);
  });
  it("finds nothing wrong with valid JSON, agreeing with JSON.parse on random input", () => {
    for (const text of ['{"a":[1,-2.5e3,true,null,{"b":"\\u00e9\\n"}]}', " [ ] ", '"x"', "0"]) expect(jsonSyntaxError(text)).toBeUndefined();
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string({ maxLength: 30 })), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(jsonSyntaxError(text) === undefined).toBe(valid);
      }),
      { numRuns: 500 },
    );
  });
  it("never quotes the text around the error in the message", () => {
    const r = parseClientConfig('{"endpoint": "http://a:1", "token": "hfa_secret" oops}', "f", id);
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.problems[0]!.message).not.toContain("secret");
  });
});
