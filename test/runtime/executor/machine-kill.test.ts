// `hafen local kill` semantics: SIGKILL to the host's whole process group must leave no
// unit process running, although units live in process groups of their own (the guard,
// process/guard.ts, cleans up), and the event log must close every run it opened.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { tempDir } from "../../support/tmp";
import { alive, waitFor, withEnv } from "./proc";

test("kill -9 of the host's process group leaves no unit process, and every run gets an end record", async () => {
  const dir = tempDir("hafen-machine-");
  const script = join(dir, "host.js");
  buildSync({ entryPoints: [join(__dirname, "fixtures", "host.ts")], outfile: script, bundle: true, platform: "node", target: "node20", logLevel: "error" });
  const eventLog = join(dir, "events.jsonl");
  const id = `kill${process.pid}`;
  // detached: the host leads its own process group, like a local machine.
  const host = spawn(process.execPath, [script, join(dir, "journal"), eventLog, id], { detached: true, stdio: ["ignore", "pipe", "inherit"] });
  try {
    const ready = await new Promise<{ pid: number; guard: number; units: [string, string, number][] }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("host did not report ready within 10 s")), 10_000);
      let buf = "";
      host.stdout!.on("data", (c: Buffer) => {
        buf += c.toString();
        if (buf.includes("\n")) {
          clearTimeout(timer);
          resolve(JSON.parse(buf.split("\n")[0]!));
        }
      });
      host.once("exit", (code) => reject(new Error(`host exited early (${code})`)));
    });
    expect(ready.units.map((u) => u[1])).toEqual(["active", "active", "active"]);
    expect(await waitFor(() => withEnv("HAFEN_EXECUTOR_ID", id).length === 5)).toBe(true);
    const unitPids = withEnv("HAFEN_EXECUTOR_ID", id);

    process.kill(-host.pid!, "SIGKILL");

    expect(await waitFor(() => withEnv("HAFEN_EXECUTOR_ID", id).length === 0)).toBe(true);
    expect(unitPids.filter(alive)).toEqual([]);
    expect(await waitFor(() => !alive(ready.guard))).toBe(true);
    const records = readFileSync(eventLog, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { event: string; invocation: string; detail?: string; unit: string });
    const started = records.filter((r) => r.event === "started");
    expect(started.map((r) => r.unit).sort()).toEqual(["daemon.service", "plain.service", "tree.service"]);
    for (const s of started) {
      const ends = records.filter((r) => r.invocation === s.invocation && r.event !== "started");
      expect(ends).toEqual([expect.objectContaining({ event: "stopped", detail: "host-died", unit: s.unit })]);
    }
  } finally {
    if (host.exitCode === null && host.signalCode === null) process.kill(-host.pid!, "SIGKILL");
  }
});
