// kill -9 at arbitrary moments loses no acknowledged write. A child process writes
// (puts and transactions, 16 writers at once, snapshots every 32 KiB) and prints each
// acknowledgement; we SIGKILL it mid-stream, reopen the directory and look for every
// acknowledged write. Three rounds on the same directory, so later rounds also recover
// from whatever the earlier kills left behind.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { EmbeddedStore } from "../../../runtime/store/embedded/store";
import { tempDir } from "../../support/tmp";

const work = tempDir("hafen-crash-");
const writerJs = join(work, "writer.js");

beforeAll(() => {
  buildSync({ entryPoints: [join(__dirname, "fixtures", "writer.ts")], bundle: true, platform: "node", format: "cjs", outfile: writerJs, logLevel: "error" });
});

interface Round {
  readonly acks: { kind: "put" | "txn"; index: number; rev: number }[];
  readonly leaseId: string;
}

/** Runs the writer until `killAfter` acknowledgements arrived, then SIGKILLs it. */
function runAndKill(dir: string, first: number, killAfter: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writerJs, dir, String(first), "16"], { stdio: ["ignore", "pipe", "pipe"] });
    const acks: Round["acks"] = [];
    let leaseId = "";
    let buffered = "";
    let stderr = "";
    const guard = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdout.on("data", (c: Buffer) => {
      buffered += c.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        const [word, kind, index, rev] = line.split(" ");
        if (word === "ready") leaseId = kind!;
        else acks.push({ kind: kind as "put" | "txn", index: Number(index), rev: Number(rev) });
      }
      if (acks.length >= killAfter) child.kill("SIGKILL");
    });
    child.on("exit", (code, signal) => {
      clearTimeout(guard);
      if (signal !== "SIGKILL") reject(new Error(`writer exited with ${code}/${signal}: ${stderr}`));
      else resolve({ acks, leaseId });
    });
  });
}

test("SIGKILL mid-write-stream loses no acknowledged write (3 rounds)", async () => {
  const dir = join(work, "data");
  const rounds: Round[] = [];
  for (const [r, killAfter] of [300, 1111, 2500].entries()) {
    rounds.push(await runAndKill(dir, r * 1_000_000, killAfter));
    const store = await EmbeddedStore.open({ dir });
    const missing: string[] = [];
    let maxRev = 0;
    for (const round of rounds) {
      for (const a of round.acks) {
        maxRev = Math.max(maxRev, a.rev);
        if (a.kind === "put") {
          const kv = await store.get(`k/${a.index}`);
          if (kv?.value !== `v${a.index}`) missing.push(`k/${a.index}`);
        } else {
          const [x, y] = [await store.get(`t/${a.index}/a`), await store.get(`t/${a.index}/b`)];
          if (x?.value !== `a${a.index}` || y?.value !== `b${a.index}` || x.modRevision !== y.modRevision) missing.push(`t/${a.index}`);
        }
      }
      // The lease survived too, its key attached, its TTL restarted.
      expect((await store.get(`lease/${(rounds.indexOf(round) * 1_000_000).toString()}`))?.lease).toBe(round.leaseId);
    }
    expect(missing).toEqual([]);
    expect((await store.range("")).revision).toBeGreaterThanOrEqual(maxRev);
    console.log(
      `round ${r + 1}: ${rounds[r]!.acks.length} acks before SIGKILL; reopened at revision ${(await store.range("")).revision}, ` +
        `recovery ${JSON.stringify(store.recovery)}`,
    );
    await store.close();
  }
}, 60_000);
