// The systemd executor: the exact systemctl/journalctl commands (through FakeSystemd,
// there is no systemd as PID 1 here) and the unit files it writes, checked with the real
// `systemd-analyze verify`.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ManualClock } from "../../../runtime/clock";
import { SystemdExecutor } from "../../../runtime/executor/systemd";
import { parseShow } from "../../../runtime/executor/systemd/show";
import { renderUnitFile } from "../../../runtime/executor/systemd/unit-file";
import type { UnitOption, UnitSpec, UnitStatus } from "../../../runtime/executor/types";
import { tempDir } from "../../support/tmp";
import { systemdVerify } from "../../support/validators";
import { settle } from "./fake-host";
import { FakeSystemd } from "./fake-systemd";

const WEB: UnitSpec = {
  name: "web@1.service",
  hash: "0123abcd",
  options: [
    { section: "Unit", name: "Description", value: "Web %i" },
    { section: "Service", name: "ExecStartPre", value: "-/usr/bin/docker rm -f web-%i" },
    { section: "Service", name: "ExecStart", value: "/usr/bin/docker run --name web-%i nginx" },
    { section: "Service", name: "ExecStop", value: "/usr/bin/docker stop web-%i" },
    { section: "X-Fleet", name: "Conflicts", value: "web@*.service" },
    { section: "Install", name: "WantedBy", value: "multi-user.target" },
  ],
};

function setup() {
  const dir = tempDir("hafen-systemd-");
  const fake = new FakeSystemd(dir);
  const clock = new ManualClock();
  const ex = new SystemdExecutor({ unitDir: dir, runner: fake, clock, pollMs: 1000 });
  return { dir, fake, clock, ex };
}

test("load writes the unit without [X-Fleet] and reloads; start, list, stop, unload use these exact commands", async () => {
  const { dir, fake, ex } = setup();
  await ex.load(WEB);
  expect(readFileSync(join(dir, "web@1.service"), "utf8")).toBe(
    [
      "# web@1.service written by hafen's systemd executor; fleet hash 0123abcd",
      "[Unit]",
      "Description=Web %i",
      "[Service]",
      "ExecStartPre=-/usr/bin/docker rm -f web-%i",
      "ExecStart=/usr/bin/docker run --name web-%i nginx",
      "ExecStop=/usr/bin/docker stop web-%i",
      "[Install]",
      "WantedBy=multi-user.target",
      "",
    ].join("\n"),
  );
  await ex.start("web@1.service");
  expect(await ex.list()).toEqual([{ name: "web@1.service", hash: "0123abcd", loadState: "loaded", activeState: "active", subState: "running", pid: 4000 }]);
  await ex.stop("web@1.service");
  await ex.unload("web@1.service");
  expect(existsSync(join(dir, "web@1.service"))).toBe(false);
  const show = "systemctl show -p Id,LoadState,ActiveState,SubState,MainPID -- web@1.service";
  expect(fake.commands).toEqual([
    "systemctl daemon-reload",
    show,
    "systemctl start -- web@1.service",
    show,
    show,
    "systemctl stop -- web@1.service",
    show,
    "systemctl stop -- web@1.service",
    show,
    "systemctl daemon-reload",
  ]);
  await ex.close();
});

test("the written files pass systemd-analyze verify, and systemd ignores [X-…] sections silently", () => {
  const rendered = renderUnitFile(WEB);
  expect(rendered.ok).toBe(true);
  if (!rendered.ok) return;
  const withFleet = `${rendered.text}\n[X-Fleet]\nConflicts=web@*.service\nMachineMetadata=region=eu\n`;
  const result = systemdVerify([
    { name: "web@1.service", contents: rendered.text },
    { name: "fleet@1.service", contents: withFleet },
  ]);
  expect(result).toMatchObject({ ok: true, exitCode: 0, findings: [] });
  // The same check does see a section it does not know, so the silence above means something.
  const unknown = systemdVerify([{ name: "odd.service", contents: `${rendered.text}\n[Fleet]\nX=1\n` }]);
  expect(unknown.findings.join("\n")).toMatch(/Unknown section 'Fleet'/);
});

test("loading the same content again does not reload; concurrent loads share reloads", async () => {
  const { fake, ex } = setup();
  await ex.load(WEB);
  await ex.load(WEB);
  expect(fake.commands.filter((c) => c === "systemctl daemon-reload")).toHaveLength(1);
  fake.reloadDelayMs = 50;
  const many = Array.from({ length: 10 }, (_, i): UnitSpec => ({ name: `n${i}.service`, hash: String(i), options: [{ section: "Service", name: "ExecStart", value: "/bin/true" }] }));
  await Promise.all(many.map((u) => ex.load(u)));
  expect(fake.commands.filter((c) => c === "systemctl daemon-reload").length).toBeLessThanOrEqual(3);
  await ex.close();
});

test("systemctl failures become ExecutorErrors with systemd's message", async () => {
  const { fake, ex } = setup();
  await ex.load(WEB);
  fake.failures.set("systemctl start -- web@1.service", { code: 1, stdout: "", stderr: "Job for web@1.service failed because the control process exited with error code.\n" });
  await expect(ex.start("web@1.service")).rejects.toMatchObject({ code: "start-failed", message: expect.stringContaining("Job for web@1.service failed") });
  fake.failures.set("journalctl -u web@1.service -n 5 --no-pager -o cat", { code: 1, stdout: "", stderr: "No journal files were found.\n" });
  await expect(ex.journal("web@1.service", 5)).rejects.toMatchObject({ code: "command-failed" });
  await ex.close();
});

test("a value that cannot be a unit file line is refused before anything is written", async () => {
  const { dir, fake, ex } = setup();
  const bad: UnitSpec = { name: "bad.service", hash: "1", options: [{ section: "Service", name: "ExecStart", value: "/bin/true\n/bin/false" }] };
  await expect(ex.load(bad)).rejects.toMatchObject({ code: "invalid-unit", message: expect.stringContaining("cannot be written as a unit file") });
  expect(existsSync(join(dir, "bad.service"))).toBe(false);
  expect(fake.commands).toEqual([]);
  await ex.close();
});

test("journal and journal -f go through journalctl", async () => {
  const { fake, ex } = setup();
  fake.journals.set("web@1.service", ["one", "two", "three"]);
  expect(await ex.journal("web@1.service", 2)).toEqual(["two", "three"]);
  const lines: string[] = [];
  const stop = ex.followJournal("web@1.service", (l) => lines.push(l));
  stop();
  expect(lines).toEqual(["-- followed --"]);
  fake.journals.set("quiet.service", ["-- No entries --"]);
  expect(await ex.journal("quiet.service", 5)).toEqual([]);
  expect(await ex.journal("--all", 5)).toEqual([]); // not a unit name: never reaches journalctl
  ex.followJournal("-f", () => undefined)();
  expect(fake.commands).toEqual([
    "journalctl -u web@1.service -n 2 --no-pager -o cat",
    "journalctl -u web@1.service -f -n 0 --no-pager -o cat",
    "(stream stopped)",
    "journalctl -u quiet.service -n 5 --no-pager -o cat",
  ]);
  await ex.close();
});

test("changes systemd makes on its own are found by polling while someone listens", async () => {
  const { fake, clock, ex } = setup();
  await ex.load(WEB);
  await ex.start("web@1.service");
  const seen: UnitStatus[] = [];
  ex.onChange((s) => seen.push(s));
  fake.crash("web@1.service");
  clock.advance(999);
  await settle();
  expect(seen).toEqual([]);
  clock.advance(1);
  await settle();
  expect(seen).toEqual([expect.objectContaining({ name: "web@1.service", activeState: "failed", subState: "failed" })]);
  expect(ex.events().map((e) => e.event)).toEqual(["started", "exited"]);
  await ex.close();
});

test("systemctl show output: blocks in any property order; systemd's extra states fold into the contract's", () => {
  const out = "Id=a.service\nLoadState=bad-setting\nActiveState=inactive\nSubState=dead\nMainPID=0\n\nMainPID=42\nSubState=running\nActiveState=refreshing\nLoadState=loaded\nId=b.service\n\nId=c.service\nLoadState=masked\nActiveState=maintenance\nSubState=cleaning\nMainPID=0\n";
  expect(parseShow(out)).toEqual([
    { id: "a.service", loadState: "error", rawLoadState: "bad-setting", activeState: "inactive", subState: "dead", mainPid: 0 },
    { id: "b.service", loadState: "loaded", rawLoadState: "loaded", activeState: "reloading", subState: "running", mainPid: 42 },
    { id: "c.service", loadState: "masked", rawLoadState: "masked", activeState: "inactive", subState: "cleaning", mainPid: 0 },
  ]);
  expect(parseShow("garbage\n\n=x\n")).toEqual([]);
});

test("a unit systemd refuses shows loadState error with a pointer to its journal", async () => {
  const { dir, fake, ex } = setup();
  const opts: UnitOption[] = [{ section: "Service", name: "ExecStart", value: "/bin/true" }];
  await ex.load({ name: "x.service", hash: "1", options: opts });
  fake.failures.set("systemctl show -p Id,LoadState,ActiveState,SubState,MainPID -- x.service", { code: 0, stdout: "Id=x.service\nLoadState=bad-setting\nActiveState=inactive\nSubState=dead\nMainPID=0\n", stderr: "" });
  expect(await ex.list()).toEqual([{ name: "x.service", hash: "1", loadState: "error", activeState: "inactive", subState: "dead", loadError: "systemd reports LoadState=bad-setting; see journalctl -u x.service" }]);
  expect(dir).toBeTruthy();
  await ex.close();
});
