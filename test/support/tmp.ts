// Temporary directories for tests, removed when the test file finishes. A directory
// that holds a local cluster (cluster.json) has it stopped first: jest runs afterAll
// hooks in the order they were declared, and this module's hook is often declared
// before the test's own cleanup — removing the state file first would orphan processes.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];

export function tempDir(prefix = "hafen-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

function stopLocalCluster(dir: string): void {
  if (!existsSync(join(dir, "cluster.json"))) return;
  spawnSync(process.execPath, [join(__dirname, "..", "..", "bin", "hafen"), "local", "down", "--dir", dir], { timeout: 60_000 });
}

if (typeof afterAll === "function") {
  afterAll(() => {
    for (const dir of made.splice(0)) {
      stopLocalCluster(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
