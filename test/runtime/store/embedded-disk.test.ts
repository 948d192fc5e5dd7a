// What only the durable embedded store does: torn-tail recovery, refusing damaged data,
// snapshots and restart, the directory lock, lease TTLs restarted on reopen, group commit,
// and log segments written O_DSYNC.
import { spawnSync } from "node:child_process";
import { appendFileSync, constants, existsSync, readdirSync, readFileSync, readlinkSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ManualClock } from "../../../runtime/store/embedded/clock";
import { scanFrames } from "../../../runtime/store/embedded/codec";
import { EmbeddedStore } from "../../../runtime/store/embedded/store";
import { segmentName } from "../../../runtime/store/embedded/wal";
import { tempDir } from "../../support/tmp";
import { recorder, rejection } from "./contract-helpers";

const wals = (dir: string) => readdirSync(dir).filter((f) => f.startsWith("wal-")).sort();
const newest = (dir: string) => join(dir, wals(dir).at(-1)!);

async function filled(n: number, opts: { snapshotBytes?: number } = {}): Promise<string> {
  const dir = tempDir("hafen-disk-");
  const store = await EmbeddedStore.open({ dir, ...opts });
  for (let i = 1; i <= n; i++) await store.put(`k/${i}`, `v${i}`);
  await store.close();
  return dir;
}

describe("torn tail and damage", () => {
  it("drops a torn last record (truncated by a few bytes) and keeps working", async () => {
    const dir = await filled(10);
    const wal = newest(dir);
    const lastFrameAt = scanFrames(readFileSync(wal)).payloads.at(-1)!.offset;
    truncateSync(wal, statSync(wal).size - 3);
    const store = await EmbeddedStore.open({ dir });
    expect(statSync(wal).size).toBe(lastFrameAt); // cut on disk, not just skipped
    expect(store.recovery).toMatchObject({ truncatedBytes: expect.any(Number), truncatedReason: expect.stringMatching(/needs \d+ bytes/) });
    expect(store.recovery!.truncatedBytes).toBeGreaterThan(0);
    expect((await store.range("k/")).kvs).toHaveLength(9);
    expect(await store.get("k/10")).toBeUndefined();
    expect((await store.put("k/11", "v11")).revision).toBe(10); // revision 10 is reused: it was never acknowledged
    await store.close();
    const again = await EmbeddedStore.open({ dir });
    expect(again.recovery!.truncatedBytes).toBe(0); // the cut was made on disk, not just skipped
    expect((await again.range("k/")).kvs.map((kv) => kv.key)).toContain("k/11");
    await again.close();
  });

  it.each([
    ["random garbage", Buffer.from("\x07\x00\x00\x00garbage-after-a-crash", "binary")],
    ["a zero-filled block", Buffer.alloc(4096)],
    ["a lone partial header", Buffer.from([1, 2, 3])],
    ["a frame with a bad checksum", Buffer.concat([Buffer.from([5, 0, 0, 0, 9, 9, 9, 9]), Buffer.from("hello")])],
  ])("discards %s appended to the log", async (_name, tail) => {
    const dir = await filled(5);
    const good = statSync(newest(dir)).size;
    appendFileSync(newest(dir), tail);
    const store = await EmbeddedStore.open({ dir });
    expect(store.recovery!.truncatedBytes).toBe(tail.length);
    expect(statSync(newest(dir)).size).toBe(good); // cut on disk, not just skipped
    expect((await store.range("k/")).kvs).toHaveLength(5);
    await store.put("k", "short");
    await store.close();
    const again = await EmbeddedStore.open({ dir });
    expect(again.recovery!.truncatedBytes).toBe(0);
    expect((await again.range("k")).kvs).toHaveLength(6);
    await again.close();
  });

  it("refuses to open when a log segment other than the newest is damaged", async () => {
    const dir = await filled(20);
    const first = newest(dir);
    const bytes = readFileSync(first);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(first, bytes);
    writeFileSync(join(dir, segmentName(Number(/(\d+)/.exec(wals(dir)[0]!)![1]) + 1)), ""); // as after a rotation
    const err = await rejection(EmbeddedStore.open({ dir }));
    expect(err.code).toBe("unavailable");
    expect(err.message).toMatch(/data is damaged: .*wal-\d+\.log: checksum mismatch in frame at offset \d+ in a segment that is not the newest/);
    expect(existsSync(join(dir, "LOCK"))).toBe(false); // a failed open leaves no lock behind
  });

  it("refuses a damaged snapshot", async () => {
    const dir = await filled(50, { snapshotBytes: 512 });
    writeFileSync(join(dir, "snapshot"), "not a snapshot");
    const err = await rejection(EmbeddedStore.open({ dir }));
    expect(err.message).toMatch(/data is damaged: .*snapshot: .*Restore the directory from a backup/);
  });
});

describe("snapshots", () => {
  it("an explicit snapshot taken while an automatic one runs still covers the latest write", async () => {
    const dir = tempDir("hafen-snap-race-");
    const store = await EmbeddedStore.open({ dir, snapshotBytes: 1 }); // every write starts a snapshot
    const first = store.put("k/a", "1"); // starts an automatic snapshot of revision 2
    const second = store.put("k/b", "2"); // lands while that snapshot is still being written
    await Promise.all([first, second]);
    await store.snapshot();
    const { revision } = await second;
    await store.close();
    const again = await EmbeddedStore.open({ dir });
    expect(again.recovery!.snapshotRevision).toBe(revision);
    expect(again.recovery!.records).toBe(0);
    await again.close();
  });

  it("compacts the log into a snapshot and restarts from it with the same state", async () => {
    const dir = tempDir("hafen-snap-");
    const store = await EmbeddedStore.open({ dir, snapshotBytes: 2048 });
    const lease = await store.grantLease(600);
    for (let i = 1; i <= 300; i++) await store.put(`k/${i}`, `v${i}`, i % 100 === 0 ? { lease: lease.id } : undefined);
    await store.delete("k/1");
    await store.snapshot();
    const last = await store.put("k/after", "snapshot");
    const before = await store.range("");
    expect(store.stats!.snapshots).toBeGreaterThan(5);
    await store.close();
    expect(wals(dir).length).toBeLessThanOrEqual(2); // old segments are deleted
    const again = await EmbeddedStore.open({ dir });
    expect(again.recovery!.snapshotRevision).toBe(last.revision - 1);
    expect(again.recovery!.records).toBe(1); // only what came after the last snapshot is replayed
    expect(await again.range("")).toEqual(before);
    expect((await again.get("k/200"))!.lease).toBe(lease.id);
    await again.keepAlive(lease.id);
    // History restarts after the snapshot: older watches must re-read.
    const old = recorder();
    await again.watch("k/", 5, old);
    expect((await old.waitError()).compactRevision).toBe(last.revision);
    const recent = recorder();
    await again.watch("k/", last.revision, recent);
    expect((await recent.waitEvents(1))[0]!.kv.key).toBe("k/after");
    await again.revokeLease(lease.id);
    expect(await again.get("k/300")).toBeUndefined();
    const nextId = (await again.grantLease(5)).id;
    expect(BigInt(nextId)).toBeGreaterThan(BigInt(lease.id)); // lease ids are never reused
    await again.close();
  });
});

describe("directory lock", () => {
  it("refuses a second open of the same directory, in this process or another", async () => {
    const dir = tempDir("hafen-lock-");
    const store = await EmbeddedStore.open({ dir });
    const err = await rejection(EmbeddedStore.open({ dir }));
    expect(err.code).toBe("unavailable");
    expect(err.message).toMatch(/already open by this process/);
    const other = spawnSync(process.execPath, ["-e", `
      const fs = require("fs");
      try { fs.writeFileSync(${JSON.stringify(join(dir, "LOCK"))}, "x", { flag: "wx" }); console.log("took it"); }
      catch (e) { console.log(e.code); }`], { encoding: "utf8" });
    expect(other.stdout.trim()).toBe("EEXIST");
    await store.close();
    expect(existsSync(join(dir, "LOCK"))).toBe(false);
  });

  it("names a live owner, and takes over the lock of a process that died", async () => {
    const dir = tempDir("hafen-lock-");
    writeFileSync(join(dir, "LOCK"), `${process.ppid}\n`); // our parent is alive
    expect((await rejection(EmbeddedStore.open({ dir }))).message).toMatch(new RegExp(`already open by process ${process.ppid}`));
    const dead = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    writeFileSync(join(dir, "LOCK"), `${dead.stdout.trim()}\n`);
    const store = await EmbeddedStore.open({ dir });
    expect(readFileSync(join(dir, "LOCK"), "utf8")).toBe(`${process.pid}\n`);
    await store.close();
  });
});

describe("leases across restarts", () => {
  it("restarts the TTL of every lease on reopen, as etcd does", async () => {
    const dir = tempDir("hafen-lease-");
    const c1 = new ManualClock();
    const s1 = await EmbeddedStore.open({ dir, clock: c1 });
    const lease = await s1.grantLease(10);
    const gone = await s1.grantLease(2);
    await s1.put("l/kept", "1", { lease: lease.id });
    await s1.put("l/gone", "1", { lease: gone.id });
    c1.advance(9_000); // `gone` expires while open; `lease` has 1 s left
    await s1.close();
    const c2 = new ManualClock(1_000_000);
    const s2 = await EmbeddedStore.open({ dir, clock: c2 });
    expect(await s2.get("l/gone")).toBeUndefined();
    c2.advance(9_000); // 9 s after reopen: alive only because its TTL restarted
    expect((await s2.get("l/kept"))?.lease).toBe(lease.id);
    c2.advance(1_500);
    expect(await s2.get("l/kept")).toBeUndefined();
    expect((await rejection(s2.keepAlive(lease.id))).code).toBe("lease-not-found");
    expect(c2.pendingTimers).toBe(0);
    await s2.close();
  });
});

describe("opening", () => {
  it("refuses bad options and unusable directories with a clear error", async () => {
    const file = join(tempDir("hafen-open-"), "a-file");
    writeFileSync(file, "x");
    const cases: [Promise<unknown>, string, RegExp][] = [
      [EmbeddedStore.open({ dir: "" }), "invalid", /dir "" must be a non-empty path/],
      [EmbeddedStore.open({ dir: file }), "unavailable", /cannot open the embedded store in .*a-file: /],
      [EmbeddedStore.open({ dir: tempDir(), historyRevisions: 0 }), "invalid", /historyRevisions 0 is not accepted; expected an integer >= 1/],
      [EmbeddedStore.open({ dir: tempDir(), snapshotBytes: -1 }), "invalid", /snapshotBytes -1/],
      [Promise.resolve().then(() => EmbeddedStore.memory({ minLeaseTtlSeconds: 0.5 })), "invalid", /minLeaseTtlSeconds 0.5/],
    ];
    for (const [call, code, message] of cases) {
      const err = await rejection(call);
      expect([err.code, err.message]).toEqual([code, expect.stringMatching(message)]);
    }
  });

  it("creates the directory and its files readable by the owner only", async () => {
    const dir = join(tempDir("hafen-open-"), "nested", "data");
    const store = await EmbeddedStore.open({ dir });
    await store.put("secret", "s3cr3t");
    await store.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(newest(dir)).mode & 0o077).toBe(0);
  });
});

describe("log write failure", () => {
  it("stops the store: the failed write and everything after reject with `unavailable`, watches end", async () => {
    const store = await EmbeddedStore.open({ dir: tempDir("hafen-fail-") });
    await store.put("a", "1");
    const rec = recorder();
    await store.watch("", 1, rec);
    await rec.waitEvents(1);
    // Pull the file out from under the log (a real EBADF from the OS, like a dead disk).
    const internals = store as unknown as { journal: { wal: { fh: { close(): Promise<void> } } } };
    await internals.journal.wal.fh.close();
    const err = await rejection(store.put("b", "2"));
    expect(err.code).toBe("unavailable");
    expect(err.message).toMatch(/writing its log failed .*reopen it/);
    expect((await rejection(store.get("a"))).code).toBe("unavailable");
    expect((await rec.waitError()).code).toBe("unavailable");
    await store.close();
  });
});

describe("group commit", () => {
  it("64 concurrent writes share one fsync; sequential writes take one each", async () => {
    const store = await EmbeddedStore.open({ dir: tempDir("hafen-gc-") });
    const s0 = { ...store.stats! };
    await Promise.all(Array.from({ length: 64 }, (_, i) => store.put(`c/${i}`, "v")));
    const s1 = { ...store.stats! };
    for (let i = 0; i < 8; i++) await store.put(`s/${i}`, "v");
    const s2 = { ...store.stats! };
    expect([s1.records - s0.records, s1.syncs - s0.syncs]).toEqual([64, 1]);
    expect([s2.records - s1.records, s2.syncs - s1.syncs]).toEqual([8, 8]);
    await store.close();
  });
});

describe("log durability", () => {
  /** Open flags (octal, from /proc) of this process's descriptors on the store's log segments. */
  const segmentFlags = (dir: string): number[] =>
    readdirSync("/proc/self/fd").flatMap((fd) => {
      try {
        const target = readlinkSync(`/proc/self/fd/${fd}`);
        if (!target.startsWith(dir) || !/\/wal-\d{16}\.log$/.test(target)) return [];
        return [parseInt(/^flags:\s+(\d+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"))![1]!, 8)];
      } catch {
        return []; // closed meanwhile
      }
    });

  // One write call per batch must leave the batch on disk (wal.ts): the segment is opened
  // O_DSYNC, both the one found on opening and each one a snapshot rotates to.
  (process.platform === "linux" ? it : it.skip)("appends to segments opened with O_DSYNC, reopened or rotated", async () => {
    const dir = tempDir("hafen-dsync-");
    const store = await EmbeddedStore.open({ dir, snapshotBytes: 2048 });
    expect(segmentFlags(dir)).toHaveLength(1);
    for (const f of segmentFlags(dir)) expect(f & constants.O_DSYNC).toBe(constants.O_DSYNC);
    const first = wals(dir)[0];
    for (let i = 0; i < 40; i++) await store.put(`k/${i}`, "x".repeat(100));
    await store.snapshot();
    expect(wals(dir)[0]).not.toBe(first); // rotated
    expect(segmentFlags(dir)).toHaveLength(1);
    for (const f of segmentFlags(dir)) expect(f & constants.O_DSYNC).toBe(constants.O_DSYNC);
    await store.close();
  });
});
