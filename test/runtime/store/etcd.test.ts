// The store contract on real etcd (one member, Debian's etcd 3.4), plus what only a
// networked backend can do wrong: become unreachable, or hang on close.
import { EtcdStore } from "../../../runtime/store/etcd";
import { openStore } from "../../../runtime/store/index";
import { etcdAvailable, startEtcd, waitHealthy, type EtcdMember } from "../../support/etcd";
import { freePort } from "../../support/ports";
import { describeStoreContract, type StoreHarness } from "./contract";
import { rejection } from "./contract-helpers";

if (!etcdAvailable()) throw new Error("the etcd binary is required for these tests (Debian package etcd-server)");

let member: EtcdMember;

beforeAll(async () => {
  member = await startEtcd();
  await waitHealthy(member);
});

afterAll(async () => {
  await member?.stop();
});

async function etcdHarness(): Promise<StoreHarness> {
  const store = EtcdStore.open({ endpoints: [member.clientUrl], callTimeoutMs: 2000 });
  await store.txn([], [{ type: "deletePrefix", prefix: "" }]); // every test starts with no keys
  return {
    store,
    ttl: 2, // etcd's practical minimum
    elapse: (ms) => new Promise((r) => setTimeout(r, ms)),
    compact: async (revision) => void (await store.client.kv.compact({ revision, physical: true })),
    dispose: () => store.close(),
  };
}

describeStoreContract("etcd", etcdHarness);

describe("etcd backend only", () => {
  it("refuses bad options with `invalid` before connecting", async () => {
    const cases: [unknown, RegExp][] = [
      [{ endpoints: [] }, /endpoints \[\] is not accepted; expected a non-empty list/],
      [{ endpoints: ["127.0.0.1:2379"] }, /endpoints\[0\] "127.0.0.1:2379" is not accepted; expected http\(s\):\/\/HOST:PORT/],
      [{ endpoints: ["http://a:1", "https://b:2"] }, /the same scheme/],
      [{ endpoints: ["http://a:1"], tls: { ca: "x" } }, /tls .*expected https:\/\/ endpoints/],
      [{ endpoints: ["https://a:1"], tls: { ca: "x", cert: "y" } }, /tls.cert\/tls.key .*both or neither/],
      [{ endpoints: ["http://a:1"], callTimeoutMs: 0 }, /callTimeoutMs 0/],
    ];
    for (const [opts, message] of cases) {
      const err = await rejection(openStore({ backend: "etcd", ...(opts as { endpoints: string[] }) }));
      expect(err.code).toBe("invalid");
      expect(err.message).toMatch(message);
    }
    expect((await rejection(openStore({ backend: "nope" } as never))).message).toMatch(/backend "nope" is not one of embedded, memory, etcd/);
  });

  it("reports `unavailable` within about the deadline when etcd is unreachable, and closes without hanging", async () => {
    const port = await freePort(); // nothing listens there
    const store = EtcdStore.open({ endpoints: [`http://127.0.0.1:${port}`], callTimeoutMs: 500 });
    const started = Date.now();
    for (const call of [store.put("k", "v"), store.get("k"), store.grantLease(5), store.keepAlive("12345"), store.txn([], [])]) {
      const err = await rejection(call);
      expect(err.code).toBe("unavailable");
    }
    const watchErr = await rejection(store.watch("p/", 1, { onEvents: () => undefined, onError: () => undefined }));
    expect(watchErr.code).toBe("unavailable");
    // Bounded by the deadlines (not asserted as a duration: printed for the record).
    console.log(`unreachable etcd: 6 calls failed in ${Date.now() - started} ms with a 500 ms deadline`);
    await store.close();
  });

  it("with one dead and one live endpoint, reads always succeed and the dead one is skipped", async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const store = EtcdStore.open({ endpoints: [dead, member.clientUrl], callTimeoutMs: 1000 });
    let writeFailures = 0;
    for (let i = 0; i < 20; i++) {
      await store.put(`two/${i}`, "v").catch((err) => {
        expect(err).toMatchObject({ code: "unavailable" });
        writeFailures++;
      });
      expect((await store.range("two/")).kvs.length).toBe(i + 1 - writeFailures); // reads retry on the other endpoint
    }
    // A failed endpoint is skipped for a second, so at most a couple of writes hit it.
    expect(writeFailures).toBeLessThanOrEqual(3);
    await store.close();
  });

  it("a stopped etcd member turns calls into `unavailable`; a restarted one serves them again", async () => {
    const own = await startEtcd();
    await waitHealthy(own);
    const store = await openStore({ backend: "etcd", endpoints: [own.clientUrl], callTimeoutMs: 1000 });
    await store.put("s/1", "before");
    const rec = { events: 0, errors: [] as unknown[] };
    const w = await store.watch("s/", 1, { onEvents: (e) => void (rec.events += e.length), onError: (e) => void rec.errors.push(e) });
    await own.stop("SIGKILL");
    expect((await rejection(store.put("s/2", "during"))).code).toBe("unavailable");
    expect((await rejection(store.get("s/1"))).code).toBe("unavailable");
    const again = await startEtcd({ name: own.name, dataDir: own.dataDir, clientPort: Number(new URL(own.clientUrl).port), peerPort: Number(new URL(own.peerUrl).port) });
    await waitHealthy(again);
    const deadline = Date.now() + 10_000;
    let value: string | undefined;
    while (Date.now() < deadline && value === undefined) {
      value = await store.get("s/1").then((kv) => kv?.value, () => undefined);
      if (value === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(value).toBe("before"); // nothing acknowledged was lost
    await store.put("s/3", "after");
    const until = Date.now() + 10_000;
    while (rec.events < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(rec.events).toBe(2); // the watch resumed after the restart without repeating s/1
    expect(rec.errors).toEqual([]);
    await w.cancel();
    await store.close();
    await again.stop();
  });
});
