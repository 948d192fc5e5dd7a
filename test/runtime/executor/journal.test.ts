import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JournalStore, tailLines } from "../../../runtime/executor/journal";
import { tempDir } from "../../support/tmp";

test("lines are stored with time and tag, read back as text, oldest first", async () => {
  const dir = tempDir("hafen-journal-");
  const j = new JournalStore(dir, 1 << 20, () => Date.UTC(2025, 0, 1));
  j.append("a.service", "out", 12, "hello");
  j.append("a.service", "err", 12, "warn: x");
  j.append("a.service", "sys", undefined, "Started a.service.");
  j.append("a.service", "out", 12, "");
  expect(await j.tail("a.service", 10)).toEqual(["hello", "warn: x", "Started a.service.", ""]);
  expect(await j.tail("a.service", 2)).toEqual(["Started a.service.", ""]);
  expect(await j.tail("a.service", 0)).toEqual([]);
  expect(readFileSync(join(dir, "a.service.log"), "utf8")).toBe(
    "2025-01-01T00:00:00.000Z out[12] hello\n2025-01-01T00:00:00.000Z err[12] warn: x\n2025-01-01T00:00:00.000Z sys Started a.service.\n2025-01-01T00:00:00.000Z out[12] \n",
  );
});

test("rotation keeps at most about two files' worth, and tail reads across them", async () => {
  const dir = tempDir("hafen-journal-");
  const j = new JournalStore(dir, 500);
  for (let i = 0; i < 100; i++) j.append("r.service", "out", 1, `line ${i}`);
  await j.flush();
  for (let i = 100; i < 200; i++) j.append("r.service", "out", 1, `line ${i}`);
  const last = await j.tail("r.service", 15);
  expect(last).toEqual(Array.from({ length: 15 }, (_, i) => `line ${185 + i}`));
  expect(readFileSync(join(dir, "r.service.log"), "utf8").length).toBeLessThanOrEqual(500);
  expect(readFileSync(join(dir, "r.service.log.1"), "utf8").length).toBeLessThanOrEqual(500);
});

test("follow delivers new lines until stopped", async () => {
  const j = new JournalStore(tempDir("hafen-journal-"));
  const got: string[] = [];
  const stop = j.follow("f.service", (l) => got.push(l));
  j.append("f.service", "out", 1, "one");
  j.append("other.service", "out", 1, "not mine");
  stop();
  j.append("f.service", "out", 1, "two");
  expect(got).toEqual(["one"]);
  await j.flush();
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
