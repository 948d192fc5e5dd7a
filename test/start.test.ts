// `npm start`, the README's first command, on a fresh HOME: a local cluster running the
// example units, listed by list-machines and list-units. Then it is stopped again.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { tempDir } from "./support/tmp";
import { runBin } from "./support/cli";

jest.setTimeout(120_000);

it("npm start brings up a local cluster running the example units", () => {
  const home = tempDir("hafen-home-");
  const env = { ...process.env, HOME: home };
  try {
    const r = spawnSync(process.execPath, [join(__dirname, "..", "scripts", "start.mjs")], { env, encoding: "utf8", timeout: 100_000 });
    expect({ code: r.status, stderr: r.status === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });
    for (const unit of ["hello.service", "monitor.service", "web@1.service", "web@2.service", "web@3.service"]) {
      expect(r.stdout).toMatch(new RegExp(`^${unit.replace(/[.@]/g, "\\$&")}\\s+\\S+\\s+active\\s+running`, "m"));
    }
    // The global unit runs once on every machine; the three machines are listed.
    expect(r.stdout.match(/^monitor\.service\s/gm)).toHaveLength(3);
    expect(r.stdout.match(/^\S+\.\.\.\s+m[123]\s/gm)).toHaveLength(3);
    // A second run reuses the running cluster.
    const again = spawnSync(process.execPath, [join(__dirname, "..", "scripts", "start.mjs")], { env, encoding: "utf8", timeout: 100_000 });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("Reusing the local cluster");
  } finally {
    runBin(["local", "down", "--purge"], { env });
  }
});
