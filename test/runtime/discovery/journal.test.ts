// The log on disk: record framing, replay, crash-cut tails, compaction and the data
// directory lock — with real files (fsync included).
import fc from "fast-check";
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { crc32 as zlibCrc32 } from "node:zlib";
import { crc32, decodeRecords, encodeRecord, type LogRecord } from "../../../runtime/discovery/records";
import { Journal } from "../../../runtime/discovery/journal";
import { Registry } from "../../../runtime/discovery/registry";
import { tempDir } from "../../support/tmp";

const T = "0123456789abcdef0123456789abcdef";
const rec = (i: number): LogRecord => ({ t: "set", token: T, id: (i + 1).toString(16), value: `m${i}=http://127.0.0.1:${2000 + i}`, index: i + 2, action: "create" });

describe("record framing", () => {
  test("crc32 agrees with zlib", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (data) => expect(crc32(data)).toBe(zlibCrc32(data))));
  });

  test("records round-trip, whatever their text", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ id: fc.string(), value: fc.string(), index: fc.nat() }), { maxLength: 20 }), (xs) => {
        const records: LogRecord[] = xs.map((x) => ({ t: "set", token: T, id: x.id, value: x.value, index: x.index, action: "set" }));
        const data = Buffer.concat(records.map(encodeRecord));
        expect(decodeRecords(data)).toEqual({ records, goodBytes: data.length });
      }),
    );
  });

  test("a record cut at any byte, or with any byte changed, is found and everything before it kept", () => {
    const head = Buffer.concat([rec(0), rec(1)].map(encodeRecord));
    const last = encodeRecord(rec(2));
    for (let cut = 1; cut < last.length; cut++) {
      const d = decodeRecords(Buffer.concat([head, last.subarray(0, cut)]));
      expect(d.records).toHaveLength(2);
      expect(d.goodBytes).toBe(head.length);
      expect(d.bad).toMatchObject({ offset: head.length, line: 3 });
    }
    for (let i = 0; i < last.length - 1; i++) {
      const bent = Buffer.from(last);
      bent[i] = bent[i]! ^ 0x01;
      const d = decodeRecords(Buffer.concat([head, bent]));
      expect(d.records).toHaveLength(2);
      expect(d.bad?.offset).toBe(head.length);
    }
  });

  test("a record of unknown shape is refused even with a good checksum", () => {
    const json = Buffer.from(JSON.stringify({ t: "set", token: T }));
    const line = Buffer.concat([Buffer.from(crc32(json).toString(16).padStart(8, "0") + " "), json, Buffer.from("\n")]);
    expect(decodeRecords(line).bad?.reason).toBe("record of unknown shape");
  });
});

function newState() {
  const clock = { now: () => 1_000_000 };
  let n = 0;
  return new Registry<string>({ clock, newToken: () => (++n).toString(16).padStart(32, "0"), tokenUrl: (t) => t });
}

async function openWith(dir: string, reg = newState(), compactMinBytes?: number) {
  const warnings: string[] = [];
  const { journal, replayed } = await Journal.open({ dir, replay: (r) => reg.replay(r), snapshot: () => reg.snapshot(), warn: (m) => warnings.push(m), compactMinBytes });
  /** Executes a request and logs its record, as the server does. */
  const write = (req: Parameters<typeof reg.execute>[0]) => {
    const out = reg.execute(req, "c");
    if (out.kind === "done" && out.record) return journal.append(out.record);
    throw new Error(`no record: ${JSON.stringify(out)}`);
  };
  return { journal, replayed, reg, warnings, write };
}

const member = (token: string, i: number) => ({ kind: "put" as const, token, id: (i + 1).toString(16), value: `m${i}=http://127.0.0.1:${3000 + i}`, prevExist: false });

describe("journal", () => {
  test("acknowledged writes come back after reopening; concurrent appends share syncs", async () => {
    const dir = tempDir();
    const a = await openWith(dir);
    a.write({ kind: "new", size: 5 });
    const token = (a.reg.dump() as { token: string }[])[0]!.token;
    const seqs = Array.from({ length: 20 }, (_, i) => a.write(member(token, i)));
    await Promise.all(seqs.map((s) => a.journal.durable(s)));
    expect(a.journal.syncs).toBeLessThan(5); // appended in one tick: one or two group commits
    await a.journal.close();
    const b = await openWith(dir);
    expect(b.replayed).toBe(21);
    expect(b.reg.dump()).toEqual(a.reg.dump());
    expect(b.warnings).toEqual([]);
    await b.journal.close();
  });

  test("a torn tail is moved aside, logged with its line, and the rest kept", async () => {
    const dir = tempDir();
    const a = await openWith(dir);
    a.write({ kind: "new", size: 3 });
    const token = (a.reg.dump() as { token: string }[])[0]!.token;
    a.write(member(token, 0));
    await a.journal.durable();
    await a.journal.close();
    const good = readFileSync(join(dir, "discovery.log"));
    appendFileSync(join(dir, "discovery.log"), encodeRecord(rec(5)).subarray(0, 17));
    const b = await openWith(dir);
    expect(b.replayed).toBe(2);
    expect(b.warnings).toHaveLength(1);
    expect(b.warnings[0]).toMatch(/discovery\.log:3: record cut short .*kept the 2 records before byte \d+, moved the remaining 17 bytes to .*discovery\.log\.corrupt-\d+/);
    expect(readFileSync(join(dir, "discovery.log"))).toEqual(good);
    expect(readdirSync(dir).filter((f) => f.includes(".corrupt-"))).toHaveLength(1);
    b.write(member(token, 1)); // appends continue cleanly after the cut
    await b.journal.durable();
    await b.journal.close();
    const c = await openWith(dir);
    expect(c.warnings).toEqual([]);
    expect(c.replayed).toBe(3);
    await c.journal.close();
  });

  test("compaction keeps the state and the index, and bounds the file", async () => {
    const dir = tempDir();
    const a = await openWith(dir, newState(), 2048);
    a.write({ kind: "new", size: 3 });
    const token = (a.reg.dump() as { token: string }[])[0]!.token;
    let written = 0;
    const write = (req: Parameters<typeof a.write>[0]) => {
      const before = a.journal.lastSeq;
      a.write(req);
      expect(a.journal.lastSeq).toBe(before + 1);
    };
    for (let round = 0; round < 30; round++) {
      write(member(token, 0));
      write({ kind: "delete", token, id: "1" });
      written += 2;
      await a.journal.durable();
    }
    await a.journal.close();
    expect(a.journal.compactions).toBeGreaterThan(0);
    expect(statSync(join(dir, "discovery.log")).size).toBeLessThan(written * encodeRecord(rec(0)).length);
    const b = await openWith(dir);
    expect(b.reg.dump()).toEqual(a.reg.dump());
    const next = b.reg.execute(member(token, 0), "c");
    expect(next.kind === "done" && next.reply.kind === "json" && next.reply.index).toBe(62);
    await b.journal.close();
  });

  test("a failed write fails every waiter and every later write (the caller must restart)", async () => {
    const a = await openWith(tempDir());
    // Pull the file out from under the journal: the next write fails as a dying disk would.
    await (a.journal as unknown as { fh: { close(): Promise<void> } }).fh.close();
    const seq = a.write({ kind: "new", size: 3 });
    await expect(a.journal.durable(seq)).rejects.toThrow(/discovery log write failed/);
    expect(a.journal.failed).toBeDefined();
    await expect(a.journal.durable(a.write({ kind: "new", size: 3 }))).rejects.toThrow(/discovery log write failed/);
  });

  test("one service per data directory; a lock left by a dead process is taken over", async () => {
    const dir = tempDir();
    const a = await openWith(dir);
    await expect(openWith(dir)).rejects.toThrow(/already in use by this process/);
    await a.journal.close();
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    writeFileSync(join(dir, "LOCK"), dead);
    const b = await openWith(dir);
    await b.journal.close();
    expect(existsSync(join(dir, "LOCK"))).toBe(false);
  });

  test("a lock held by a live process is refused with its pid", async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "LOCK"), String(process.ppid));
    await expect(openWith(dir)).rejects.toThrow(`in use by process ${process.ppid}`);
  });
});
