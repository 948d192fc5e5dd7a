// A machine's identity on its own disk: the machine id (32 lowercase hex, created once,
// like systemd's /etc/machine-id) and the API token the servers issued at registration.
// Both files are 0600 in the data directory; the token survives restarts so a machine
// re-registers with the same id without the bootstrap token.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { TokenStore } from "../agent/api";

const ID = /^[0-9a-f]{32}$/;

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

export function machineId(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, "machine-id");
  try {
    const id = readFileSync(path, "utf8").trim();
    if (ID.test(id)) return id;
    throw new Error(`${path} does not hold a machine id (32 lowercase hex): remove it to get a new identity`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const id = randomBytes(16).toString("hex");
  writeAtomic(path, `${id}\n`);
  return id;
}

export function fileTokenStore(dataDir: string): TokenStore {
  const path = join(dataDir, "machine-token");
  return {
    async load() {
      try {
        const t = readFileSync(path, "utf8").trim();
        return t || undefined;
      } catch {
        return undefined;
      }
    },
    async save(token) {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      writeAtomic(path, `${token}\n`);
    },
    async clear() {
      rmSync(path, { force: true });
    },
  };
}
