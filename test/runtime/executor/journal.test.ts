// JournalStore: sys records beside output that processes write themselves, tail across
// the rotated file, copy-and-truncate rotation under a writer that keeps its descriptor,
// follow, and failures that lose lines but never the executor.
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { JournalStore, tailLines } from "../../../runtime/executor/journal";
import { ManualClock } from "../../../runtime/clock";
import { tempDir } from "../../support/tmp";

const T0 = Date.UTC(2025, 0, 1);

function store(opts: { maxBytes?: number; clock?: ManualClock; checkMs?: number } = {}) {
  const dir = tempDir("hafen-journal-");
  const clock = opts.clock ?? new ManualClock(T0);
  const j = new JournalStore({ dir, now: () => clock.now(), clock, ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}), ...(opts.checkMs ? { checkMs: opts.checkMs } : {}), followMs: 5 });
  return { dir, j, clock };
}

test("sys records and a process's own output share the file, in write order; tail gives text only", async () => {
  const { dir, j } = store();
  j.sys("a.service", "Starting a.service...");
  const out = j.outputPath("a.service");
  expect(out).toBe(join(dir, "a.service.log"));
  appendFileSync(out, "hello\nwarn: x\n\npartial");
  j.sys("a.service", "a.service: Main process exited, code=exited, status=1/FAILURE");
  expect(await j.tail("a.service", 10)).toEqual(["Starting a.service...", "hello", "warn: x", "", "partial", "a.service: Main process exited, code=exited, status=1/FAILURE"]);
  expect(await j.tail("a.service", 2)).toEqual(["partial", "a.service: Main process exited, code=exited, status=1/FAILURE"]);
  expect(await j.tail("a.service", 0)).toEqual([]);
  expect(await j.tail("never.service", 5)).toEqual([]);
  expect(readFileSync(out, "utf8")).toBe(
    "\u001e2025-01-01T00:00:00.000Z Starting a.service...\nhello\nwarn: x\n\npartial\u001e2025-01-01T00:00:00.000Z a.service: Main process exited, code=exited, status=1/FAILURE\n",
  );
  j.close();
});

test("rotation keeps the last maxBytes from a line start in .1, and tail reads across both files", async () => {
  const { dir, j } = store({ maxBytes: 500 });
  const out = j.outputPath("r.service");
  for (let i = 0; i < 100; i++) appendFileSync(out, `line ${i}\n`);
  j.sys("r.service", "r.service: Deactivated successfully."); // the file passed 500 bytes: rotated
  expect(statSync(out).size).toBe(0);
  const older = readFileSync(`${out}.1`, "utf8");
  expect(older.length).toBeLessThanOrEqual(500);
  expect(older).toMatch(/^line \d+\n/);
  expect(older.endsWith("r.service: Deactivated successfully.\n")).toBe(true);
  for (let i = 100; i < 110; i++) appendFileSync(out, `line ${i}\n`);
  expect(await j.tail("r.service", 15)).toEqual([...Array.from({ length: 4 }, (_, i) => `line ${96 + i}`), "r.service: Deactivated successfully.", ...Array.from({ length: 10 }, (_, i) => `line ${100 + i}`)]);
  expect(readFileSync(join(dir, "r.service.log"), "utf8")).toBe(Array.from({ length: 10 }, (_, i) => `line ${100 + i}\n`).join(""));
  j.close();
});

test("a writer holding an O_APPEND descriptor keeps writing at the start after the periodic check truncates", async () => {
  const { j, clock } = store({ maxBytes: 1000, checkMs: 100 });
  const out = j.outputPath("w.service");
  const fd = openSync(out, "a"); // what a unit's process holds
  try {
    for (let i = 0; i < 200; i++) writeSync(fd, `before ${i}\n`);
    expect(statSync(out).size).toBeGreaterThan(1000);
    clock.advance(100);
    expect(statSync(out).size).toBe(0);
    writeSync(fd, "after\n");
    expect(readFileSync(out, "utf8")).toBe("after\n"); // no hole of NULs where the old bytes were
    expect(readFileSync(`${out}.1`, "utf8").length).toBeLessThanOrEqual(1000);
    expect(await j.tail("w.service", 2)).toEqual(["before 199", "after"]);
    // The check re-arms itself while the unit may write, and stops once it is forgotten.
    expect(clock.pending).toBe(1);
    j.forget("w.service");
    clock.advance(100);
    expect(clock.pending).toBe(0);
  } finally {
    closeSync(fd);
    j.close();
  }
});

test("close() cancels the size check and ends followers after delivering what they had not read", async () => {
  const { j, clock } = store();
  const out = j.outputPath("c.service");
  expect(clock.pending).toBe(1);
  const got: string[] = [];
  j.follow("c.service", (l) => got.push(l));
  appendFileSync(out, "last words\n");
  j.close();
  expect(clock.pending).toBe(0);
  expect(got).toEqual(["last words"]);
  appendFileSync(out, "after close\n");
  await new Promise((r) => setTimeout(r, 20));
  expect(got).toEqual(["last words"]);
});

test("follow delivers lines written after it started, across a rotation, until stopped", async () => {
  const { j } = store({ maxBytes: 300 });
  const out = j.outputPath("f.service");
  appendFileSync(out, "old\n");
  const got: string[] = [];
  const stop = j.follow("f.service", (l) => got.push(l));
  appendFileSync(out, "one\ntw");
  j.sys("f.service", "note");
  await waitUntil(() => got.includes("note"));
  expect(got).toEqual(["one", "tw", "note"]);
  for (let i = 0; i < 40; i++) appendFileSync(out, `n${i}\n`);
  j.checkSizes(); // rotates: the unread lines are read from .1
  appendFileSync(out, "fresh\nunfinished");
  stop(); // delivers what was written up to now, the unfinished line too
  expect(got.slice(3)).toEqual([...Array.from({ length: 40 }, (_, i) => `n${i}`), "fresh", "unfinished"]);
  appendFileSync(out, "too late\n");
  stop();
  await new Promise((r) => setTimeout(r, 20));
  expect(got).not.toContain("too late");
  j.close();
});

test("a failed write loses journal lines, not the caller: tail reports it once, then works again", async () => {
  const { dir, j } = store();
  mkdirSync(join(dir, "d.service.log")); // appending to a directory fails (EISDIR)
  expect(() => j.sys("d.service", "Starting d.service...")).not.toThrow();
  await expect(j.tail("d.service", 5)).rejects.toThrow(/journal lines were lost: .*EISDIR/);
  j.sys("ok.service", "fine");
  expect(await j.tail("ok.service", 5)).toEqual(["fine"]);
  j.close();
});

test("tailLines copes with a missing file, no final newline, and long files", async () => {
  const dir = tempDir("hafen-tail-");
  expect(await tailLines(join(dir, "none"), 5)).toEqual([]);
  const f = join(dir, "f");
  writeFileSync(f, "a\nb\nc");
  expect(await tailLines(f, 2)).toEqual(["b", "c"]);
  const big = join(dir, "big");
  writeFileSync(big, "");
  for (let i = 0; i < 20_000; i++) appendFileSync(big, `${"x".repeat(i % 50)} ${i}\n`);
  expect(await tailLines(big, 3)).toEqual([`${"x".repeat(19_997 % 50)} 19997`, `${"x".repeat(19_998 % 50)} 19998`, `${"x".repeat(19_999 % 50)} 19999`]);
});

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}
