// The store's pure parts: key order, prefix ranges, the record codec, the manual clock.
import fc from "fast-check";
import { BadRecord, crc32, decodeRecord, decodeSnapshot, encodeFrame, encodeRecord, scanFrames, type WalRecord } from "../../../runtime/store/embedded/codec";
import { ManualClock } from "../../../runtime/store/embedded/clock";
import { History } from "../../../runtime/store/embedded/history";
import { Keyspace } from "../../../runtime/store/embedded/keyspace";
import { compareKeys, isWellFormed, prefixRange } from "../../../runtime/store/keys";
import { byUtf8 } from "./contract-helpers";

const unicode = fc.string({ unit: "grapheme", maxLength: 12 });

describe("keys", () => {
  it("compareKeys orders like UTF-8 bytes (etcd's order)", () => {
    fc.assert(fc.property(unicode, unicode, (a, b) => Math.sign(compareKeys(a, b)) === Math.sign(byUtf8(a, b))), { numRuns: 2000 });
    expect(compareKeys("\uE000", "😀")).toBeLessThan(0); // JavaScript's `<` says the opposite
    expect("\uE000" < "😀").toBe(false);
  });

  it("prefixRange covers exactly the keys with the prefix", () => {
    fc.assert(
      fc.property(unicode.filter((p) => p !== ""), unicode, (prefix, rest) => {
        const { key, rangeEnd } = prefixRange(prefix);
        const k = Buffer.from(prefix + rest);
        return Buffer.compare(k, key) >= 0 && (rangeEnd.equals(Buffer.from([0])) || Buffer.compare(k, rangeEnd) < 0);
      }),
    );
    expect(prefixRange("a")).toEqual({ key: Buffer.from("a"), rangeEnd: Buffer.from("b") });
    expect(prefixRange("")).toEqual({ key: Buffer.from([0]), rangeEnd: Buffer.from([0]) });
  });

  it("isWellFormed rejects lone surrogates only", () => {
    expect(["", "abc", "😀", "日本"].map(isWellFormed)).toEqual([true, true, true, true]);
    expect(["\uD800", "a\uDC00", "\uDC00\uD800", "😀".slice(0, 1)].map(isWellFormed)).toEqual([false, false, false, false]);
  });
});

const change = fc.oneof(
  fc.record({ type: fc.constant("put" as const), key: unicode.filter((k) => k !== ""), value: unicode }),
  fc.record({ type: fc.constant("put" as const), key: fc.constant("k"), value: unicode, lease: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String) }),
  fc.record({ type: fc.constant("delete" as const), key: unicode.filter((k) => k !== "") }),
);
const record: fc.Arbitrary<WalRecord> = fc.oneof(
  fc.record({ t: fc.constant("rev" as const), rev: fc.integer({ min: 1, max: 2 ** 40 }), ch: fc.array(change, { minLength: 1, maxLength: 4 }) }),
  fc.record({ t: fc.constant("grant" as const), id: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String), ttl: fc.integer({ min: 1, max: 1e9 }) }),
  fc.record({ t: fc.constant("revoke" as const), id: fc.constant("42"), rev: fc.nat(), ch: fc.array(change, { maxLength: 3 }) }),
);

describe("record codec", () => {
  it("crc32 matches the standard check value", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
  });

  it("records round-trip through frames", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 8 }), (recs) => {
        const buf = Buffer.concat(recs.map(encodeRecord));
        const scan = scanFrames(buf);
        expect(scan.stop).toBeUndefined();
        expect(scan.payloads.map((p) => decodeRecord(p.payload))).toEqual(recs);
      }),
    );
  });

  it("any cut of a valid log keeps exactly the whole frames before the cut", () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 6 }), fc.nat(), (recs, cutSeed) => {
        const frames = recs.map(encodeRecord);
        const buf = Buffer.concat(frames);
        const cut = cutSeed % (buf.length + 1);
        const scan = scanFrames(buf.subarray(0, cut));
        let whole = 0;
        let end = 0;
        for (const f of frames) {
          if (end + f.length > cut) break;
          end += f.length;
          whole++;
        }
        return scan.payloads.length === whole && scan.validEnd === end && (cut === end) === (scan.stop === undefined);
      }),
    );
  });

  it("never throws on garbage and never reports more than it read", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const scan = scanFrames(Buffer.from(bytes));
        return scan.validEnd <= bytes.length && (scan.validEnd === bytes.length || scan.stop !== undefined);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ["not JSON", "{nope", /not JSON/],
    ["an array", "[1]", /not a JSON object/],
    ["unknown type", '{"t":"zap"}', /unknown record type "zap"/],
    ["revision 0", '{"t":"rev","rev":0,"ch":[]}', /bad revision 0/],
    ["bad change", '{"t":"rev","rev":1,"ch":[["x","k"]]}', /unknown shape/],
    ["empty key", '{"t":"rev","rev":1,"ch":[["d",""]]}', /unknown shape/],
    ["bad lease", '{"t":"grant","id":"-1","ttl":5}', /bad lease grant/],
    ["fractional ttl", '{"t":"grant","id":"1","ttl":1.5}', /bad lease grant/],
  ])("refuses a checksummed record that is %s", (_name, json, message) => {
    expect(() => decodeRecord(Buffer.from(json))).toThrow(BadRecord);
    expect(() => decodeRecord(Buffer.from(json))).toThrow(message);
    expect(scanFrames(encodeFrame(Buffer.from(json))).payloads).toHaveLength(1); // the frame itself is fine
  });

  it("refuses malformed snapshots", () => {
    expect(() => decodeSnapshot(Buffer.from('{"t":"snap","v":2}'))).toThrow(/not a version-1 snapshot/);
    expect(() => decodeSnapshot(Buffer.from('{"t":"snap","v":1,"rev":1,"walSeq":1,"nextLeaseId":"5","kvs":[{"key":""}],"leases":[]}'))).toThrow(/not a key-value/);
    expect(() => decodeSnapshot(Buffer.from('{"t":"snap","v":1,"rev":1,"walSeq":1,"nextLeaseId":"5","kvs":[],"leases":[["1",0]]}'))).toThrow(/lease \["1",0\] is malformed/);
  });
});

describe("history", () => {
  it("keeps the newest revisions and reports the oldest watchable one", () => {
    const h = new History(3, 1);
    for (let r = 1; r <= 5; r++) h.append(r, [{ type: "put", kv: { key: "k", value: `${r}`, createRevision: 1, modRevision: r, version: r } }]);
    expect([h.oldest, h.end]).toEqual([3, 6]);
    expect(h.at(2)).toBeUndefined();
    expect(h.at(4)![0]!.kv.value).toBe("4");
    h.compact(5);
    expect(h.oldest).toBe(5);
    expect(() => h.append(7, [])).toThrow(/expects revision 6/);
  });
});

describe("ManualClock", () => {
  it("fires due timers in deadline order at their own time, including ones set meanwhile", () => {
    const c = new ManualClock(100);
    const seen: string[] = [];
    c.setTimer(50, () => {
      seen.push(`a@${c.now()}`);
      c.setTimer(10, () => seen.push(`c@${c.now()}`));
    });
    const b = c.setTimer(30, () => seen.push(`b@${c.now()}`));
    c.setTimer(500, () => seen.push("late"));
    c.advance(100);
    expect(seen).toEqual(["b@130", "a@150", "c@160"]);
    expect(c.now()).toBe(200);
    b.cancel();
    expect(c.pendingTimers).toBe(1);
    expect(() => c.advance(-1)).toThrow(/not a duration/);
  });
});

describe("keyspace order", () => {
  // Writes defer sorting to the next range; any interleaving must read like a sorted map.
  const op = fc.oneof(
    fc.record({ t: fc.constant("put" as const), k: fc.constantFrom("a", "a/1", "a/2", "b", "b/x", "\uE000", "😀", "") }),
    fc.record({ t: fc.constant("del" as const), k: fc.constantFrom("a", "a/1", "a/2", "b", "b/x", "\uE000", "😀", "") }),
    fc.record({ t: fc.constant("range" as const), k: fc.constantFrom("", "a", "a/", "b", "\uE000") }),
  );
  // Many distinct keys between reads: pending changes beyond the one-by-one path (32).
  const many = fc.integer({ min: 0, max: 400 }).map((i) => `k/${i % 7}/${i}`);
  const bulk = fc.oneof(
    { weight: 10, arbitrary: fc.record({ t: fc.constant("put" as const), k: many }) },
    { weight: 6, arbitrary: fc.record({ t: fc.constant("del" as const), k: many }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant("range" as const), k: fc.constantFrom("", "k/", "k/3/", "k/3/1") }) },
  );
  it.each([
    ["a few keys, read often", fc.array(op, { maxLength: 60 })],
    ["hundreds of keys between reads", fc.array(bulk, { minLength: 100, maxLength: 600 })],
  ])("range answers every live key with the prefix, in key order, after any puts and deletes (%s)", (_label, ops) => {
    fc.assert(
      fc.property(ops, (ops) => {
        const ks = new Keyspace();
        const model = new Set<string>();
        let rev = 0;
        for (const o of ops) {
          if (o.k === "" && o.t !== "range") continue; // the empty key is not a key
          if (o.t === "put") {
            ks.apply(++rev, [{ type: "put", key: o.k, value: "v" }]);
            model.add(o.k);
          } else if (o.t === "del") {
            if (!model.has(o.k)) continue;
            ks.apply(++rev, [{ type: "delete", key: o.k }]);
            model.delete(o.k);
          } else {
            const want = [...model].filter((k) => k.startsWith(o.k)).sort(compareKeys);
            expect(ks.range(o.k).map((kv) => kv.key)).toEqual(want);
          }
        }
        expect(ks.range("").map((kv) => kv.key)).toEqual([...model].sort(compareKeys));
      }),
      { numRuns: 200 },
    );
  });
});
