import fc from "fast-check";
import { compileUnit, type CompiledUnit, type ServiceConfig } from "../../../runtime/executor/service-config";
import { specifierTable, unescapeUnitName } from "../../../runtime/executor/specifiers";
import type { UnitOption } from "../../../runtime/executor/types";
import { parseUnitName } from "../../../units/names";

const HOST = { hostname: "host.example", machineId: "0123456789abcdef0123456789abcdef", bootId: "f".repeat(32), home: "/home/core", user: "core", uid: 500 };
const S = (name: string, value: string): UnitOption => ({ section: "Service", name, value });
const U = (name: string, value: string): UnitOption => ({ section: "Unit", name, value });

function service(options: UnitOption[], name = "web.service"): ServiceConfig {
  const c = compileUnit(name, options, HOST);
  if (c.kind !== "service") throw new Error(JSON.stringify(c));
  return c.config;
}

function problems(options: UnitOption[], name = "web.service") {
  const c: CompiledUnit = compileUnit(name, options, HOST);
  if (c.kind !== "error") throw new Error(`accepted: ${JSON.stringify(c)}`);
  return c.problems;
}

describe("reading a service's options", () => {
  test("defaults follow systemd (TimeoutStopSec: Hafen's 10 s)", () => {
    const c = service([S("ExecStart", "/bin/sleep 1")]);
    expect(c).toMatchObject({
      type: "simple",
      restart: "no",
      restartMs: 100,
      timeoutStopMs: 10_000,
      timeoutStartMs: 90_000,
      remainAfterExit: false,
      killMode: "control-group",
      killSignal: "SIGTERM",
      sendSigkill: true,
      startLimit: { intervalMs: 10_000, burst: 5 },
      ignored: [],
    });
  });

  test("every honoured option", () => {
    const c = service([
      S("Type", "exec"),
      S("ExecStartPre", "-/bin/true"),
      S("ExecStartPre", "/bin/echo pre"),
      S("ExecStart", "/bin/sleep 1"),
      S("ExecStartPost", "/bin/echo post"),
      S("ExecStop", "/bin/kill $MAINPID"),
      S("ExecStopPost", "/bin/echo done"),
      S("Environment", "A=1 B=2"),
      S("EnvironmentFile", "-/etc/web.env"),
      S("WorkingDirectory", "-/srv/%p"),
      S("Restart", "on-failure"),
      S("RestartSec", "1min 30s"),
      S("TimeoutStopSec", "5s"),
      S("TimeoutStartSec", "0"),
      S("RemainAfterExit", "yes"),
      S("KillMode", "mixed"),
      S("KillSignal", "INT"),
      S("SendSIGKILL", "no"),
      S("SuccessExitStatus", "3 SIGUSR1"),
      U("StartLimitIntervalSec", "1min"),
      U("StartLimitBurst", "3"),
    ]);
    expect(c.execStartPre.map((x) => [x.argv, x.ignoreFailure])).toEqual([[["/bin/true"], true], [["/bin/echo", "pre"], false]]);
    expect(c).toMatchObject({
      type: "exec",
      environment: [["A", "1"], ["B", "2"]],
      environmentFiles: [{ path: "/etc/web.env", optional: true }],
      workingDirectory: { path: "/srv/web", optional: true },
      restart: "on-failure",
      restartMs: 90_000,
      timeoutStopMs: 5000,
      timeoutStartMs: Infinity,
      remainAfterExit: true,
      killMode: "mixed",
      killSignal: "SIGINT",
      sendSigkill: false,
      successExitStatus: { codes: [3], signals: ["SIGUSR1"] },
      startLimit: { intervalMs: 60_000, burst: 3 },
    });
  });

  test("list options accumulate and an empty assignment resets them", () => {
    const c = service([
      S("ExecStart", "/bin/a"),
      S("ExecStart", ""),
      S("ExecStart", "/bin/b"),
      S("Environment", "A=1"),
      S("Environment", ""),
      S("Environment", "B=2"),
      S("Environment", "B=3"),
      S("EnvironmentFile", "/x"),
      S("EnvironmentFile", ""),
    ]);
    expect(c.execStart.map((x) => x.path)).toEqual(["/bin/b"]);
    expect(c.environment).toEqual([["B", "2"], ["B", "3"]]);
    expect(c.environmentFiles).toEqual([]);
  });

  test("no ExecStart: oneshot by default, needs RemainAfterExit and ExecStop", () => {
    expect(service([S("ExecStop", "/bin/true"), S("RemainAfterExit", "yes")]).type).toBe("oneshot");
    expect(problems([S("ExecStop", "/bin/true")])[0]!.message).toMatch(/needs RemainAfterExit=yes/);
    expect(problems([S("Type", "oneshot")])[0]!.message).toMatch(/no ExecStart= and no ExecStop=/);
    expect(problems([S("Type", "simple"), S("ExecStop", "/bin/true"), S("RemainAfterExit", "yes")])[0]!.message).toMatch(/must be Type=oneshot/);
  });

  test("raw continued values are read as systemd reads them", () => {
    expect(service([S("ExecStart", "/bin/echo a\\\n  b")]).execStart[0]!.argv).toEqual(["/bin/echo", "a", "b"]);
  });

  test("Type=idle runs as simple; options with no effect here are listed, not silent", () => {
    const c = service([S("Type", "idle"), S("ExecStart", "/bin/true"), S("User", "core"), S("PrivateTmp", "yes"), S("Description", "x"), S("FooBar", "1")]);
    expect(c.type).toBe("simple");
    expect(c.ignored).toEqual(["User=core", "PrivateTmp=yes"]);
  });

  test("[X-Fleet], [Install] and unknown sections are not the executor's business", () => {
    expect(service([S("ExecStart", "/bin/true"), { section: "X-Fleet", name: "MachineID", value: "x" }, { section: "Install", name: "WantedBy", value: "multi-user.target" }]).type).toBe("simple");
  });
});

describe("garbage is refused with the option, the value and what is accepted", () => {
  test.each([
    [S("ExecStart", '/bin/echo "open'), "invalid-quoting", /unbalanced quoting/],
    [S("ExecStart", "bin/x"), "invalid-command", /neither an absolute path nor a bare program name/],
    [S("ExecStart", "/bin/echo %Z"), "invalid-specifier", /unknown specifier/],
    [S("RestartSec", "5x"), "invalid-time-span", /not a time span/],
    [S("RestartSec", "infinity"), "invalid-time-span", /never restart/],
    [S("TimeoutStopSec", "-5"), "invalid-time-span", /not a time span/],
    [S("Type", "forking"), "unsupported-type", /Type=forking is not supported.*use simple, exec or oneshot/],
    [S("Type", "notify"), "unsupported-type", /not supported/],
    [S("Type", "bogus"), "invalid-value", /expected one of simple, exec, oneshot, idle/],
    [S("Restart", "sometimes"), "invalid-value", /expected one of no, always, on-success, on-failure/],
    [S("RemainAfterExit", "maybe"), "invalid-value", /expected a boolean/],
    [S("KillMode", "weird"), "invalid-value", /control-group, process, mixed, none/],
    [S("KillSignal", "FOO"), "invalid-value", /signal name or number/],
    [S("SuccessExitStatus", "FOO"), "invalid-value", /exit status 0-255 nor a signal/],
    [S("Environment", '"A=b'), "invalid-quoting", /unbalanced/],
    [S("Environment", "1BAD=x"), "invalid-environment", /NAME=VALUE/],
    [S("EnvironmentFile", "relative/file"), "invalid-path", /not an absolute path/],
    [S("WorkingDirectory", "relative"), "invalid-path", /not an absolute path/],
    [S("WorkingDirectory", "/a/../b"), "invalid-path", /not normalized/],
    [U("StartLimitBurst", "many"), "invalid-value", /whole number/],
  ])("%j", (option, code, why) => {
    const found = problems([S("ExecStart", "/bin/true"), option]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code, section: option.section, option: option.name, value: option.value });
    expect(found[0]!.message).toMatch(why);
  });

  test("all problems are reported together", () => {
    expect(problems([S("ExecStart", "bin/x"), S("RestartSec", "5x"), S("Type", "forking")]).map((p) => p.option)).toEqual(["ExecStart", "RestartSec", "Type"]);
  });

  test("combinations systemd refuses", () => {
    expect(problems([S("ExecStart", "/bin/a"), S("ExecStart", "/bin/b")])[0]!.message).toMatch(/Type=simple takes exactly one ExecStart=.*2 are given/);
    expect(problems([S("ExecStart", "/bin/a ; /bin/b")])[0]!.message).toMatch(/exactly one/);
    expect(problems([S("Type", "oneshot"), S("ExecStart", "/bin/a"), S("Restart", "always")])[0]!.message).toMatch(/Restart=always is not allowed for Type=oneshot/);
  });

  test("unit types and names", () => {
    expect(compileUnit("x.target", [], HOST)).toEqual({ kind: "target" });
    expect(problems([], "tick.timer")[0]).toMatchObject({ code: "unsupported-unit-type" });
    expect(problems([], "web@.service")[0]!.message).toMatch(/is a template/);
    expect(problems([], "no type")[0]).toMatchObject({ code: "invalid-value" });
  });

  test("arbitrary option values never throw (property)", () => {
    const names = ["ExecStart", "ExecStop", "Environment", "EnvironmentFile", "WorkingDirectory", "RestartSec", "Type", "Restart", "KillSignal", "SuccessExitStatus"];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...names), fc.string({ maxLength: 30 })), { maxLength: 6 }), (opts) => {
        const c = compileUnit("p.service", opts.map(([n, v]) => S(n, v)), HOST);
        if (c.kind === "error") for (const p of c.problems) expect(p.message.length).toBeGreaterThan(10);
      }),
    );
  });
});

describe("specifiers", () => {
  const table = (name: string) => {
    const n = parseUnitName(name);
    if (!n.ok) throw new Error(name);
    return specifierTable(n.value, HOST);
  };

  test("instance, prefix and path unescaping", () => {
    expect(table("getty@tty1.service")).toMatchObject({ n: "getty@tty1.service", N: "getty@tty1", p: "getty", i: "tty1", I: "tty1", f: "/tty1" });
    expect(table("fsck@dev-disk-by\\x2dlabel.service")).toMatchObject({ i: "dev-disk-by\\x2dlabel", I: "dev/disk/by-label", f: "/dev/disk/by-label" });
    expect(table("home-user.service")).toMatchObject({ p: "home-user", P: "home/user", i: "", f: "/home/user", j: "user" });
    expect(table("plain.service")).toMatchObject({ H: "host.example", l: "host", m: HOST.machineId, h: "/home/core", u: "core", U: "500", t: "/run", "%": "%" });
    expect(unescapeUnitName("a\\x20b")).toBe("a b");
  });
});
