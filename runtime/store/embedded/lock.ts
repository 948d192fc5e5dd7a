// One process per data directory. The lock is a file created with O_EXCL holding the
// owner's pid; a lock whose pid is gone (the owner was killed) is taken over. Known
// limit: two processes taking over the same stale lock at the same instant can race;
// starting two servers on one directory at once after a crash is not a supported case.
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StoreError } from "../types";

export interface DirLock {
  release(): void;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function acquireLock(dir: string): DirLock {
  const path = join(dir, "LOCK");
  const mine = `${process.pid}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, mine, { flag: "wx" });
      return {
        release() {
          try {
            if (readFileSync(path, "utf8") === mine) unlinkSync(path);
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    let owner = NaN;
    try {
      owner = Number.parseInt(readFileSync(path, "utf8"), 10);
    } catch {
      continue; // removed meanwhile: try again
    }
    if (Number.isInteger(owner) && owner > 0 && pidAlive(owner)) {
      const who = owner === process.pid ? "this process (another store instance)" : `process ${owner}`;
      throw new StoreError(
        "unavailable",
        `data dir ${dir} is already open by ${who}: lock file ${path}. Close that store first; delete the file only if no Hafen store runs there.`,
      );
    }
    try {
      unlinkSync(path); // stale: its owner is gone
    } catch {
      // someone else removed it first
    }
  }
  throw new StoreError("unavailable", `could not take the lock file ${path} after 3 attempts (another process races for it)`);
}
