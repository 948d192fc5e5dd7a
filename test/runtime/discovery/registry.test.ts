// The pure core: etcd v2 semantics over a token tree, long-polls driven by an injected
// clock, index monotonicity, history limits, replay. No sockets, no sleeping.
import fc from "fast-check";
import { Registry, memberLimit, type Outcome, type Reply } from "../../../runtime/discovery/registry";
import type { DiscoveryRequest } from "../../../runtime/discovery/request";
import type { LogRecord } from "../../../runtime/discovery/records";

type Req = Exclude<DiscoveryRequest, { kind: "health" }>;

function setup(opts: { historyLimit?: number; maxWatchers?: number; maxServersPerToken?: number } = {}) {
  const clock = { t: 1_000_000, now() { return this.t; } };
  let n = 0;
  const records: LogRecord[] = [];
  const reg = new Registry<string>({
    clock,
    newToken: () => (++n).toString(16).padStart(32, "0"),
    tokenUrl: (t) => `http://d.test/${t}`,
    pollTimeoutMs: 60_000,
    ...opts,
  });
  const exec = (req: Req, ctx = "c"): Outcome<string> => {
    const out = reg.execute(req, ctx);
    if (out.kind === "done" && out.record) records.push(out.record);
    return out;
  };
  const reply = (req: Req): Reply => {
    const out = exec(req);
    if (out.kind !== "done") throw new Error("expected an immediate answer");
    return out.reply;
  };
  const newToken = (size = 3): string => {
    const r = reply({ kind: "new", size });
    if (r.kind !== "text") throw new Error("no token");
    return r.body.split("/").pop()!;
  };
  return { clock, reg, exec, reply, newToken, records };
}

/** `prevExist` null sends none (a plain set). */
const put = (token: string, id: string, value = `n${id}=http://127.0.0.1:1`, prevExist: boolean | null = false): Req => ({ kind: "put", token, id, value, prevExist: prevExist ?? undefined });
const watch = (token: string, waitIndex: number, id?: string): Req =>
  id === undefined ? { kind: "watch", token, path: { kind: "dir" }, recursive: true, waitIndex } : { kind: "watch", token, path: { kind: "member", id }, recursive: false, waitIndex };
const body = (r: Reply) => (r.kind === "json" ? (r.body as Record<string, any>) : undefined);

describe("tokens and the tree", () => {
  test("a new token has index 1, a _config dir and the size key", () => {
    const { reply, newToken } = setup();
    const t = newToken(5);
    const dir = reply({ kind: "get", token: t, path: { kind: "dir" }, recursive: false, sorted: false });
    expect(dir).toMatchObject({ status: 200, index: 1 });
    expect(body(dir)).toEqual({
      action: "get",
      node: { key: `/${t}`, dir: true, nodes: [{ key: `/${t}/_config`, dir: true, modifiedIndex: 1, createdIndex: 1 }], modifiedIndex: 1, createdIndex: 1 },
    });
    const size = reply({ kind: "get", token: t, path: { kind: "size" }, recursive: false, sorted: false });
    expect(body(size)!.node).toEqual({ key: `/${t}/_config/size`, value: "5", modifiedIndex: 1, createdIndex: 1 });
  });

  test("unknown token: etcd's 404 Key not found, index 0", () => {
    const { reply } = setup();
    const r = reply({ kind: "get", token: "f".repeat(32), path: { kind: "size" }, recursive: false, sorted: false });
    expect(r).toMatchObject({ status: 404, body: { errorCode: 100, message: "Key not found", cause: `/${"f".repeat(32)}`, index: 0 } });
  });

  test("create → 201, duplicate create → 412/105 and nothing changes", () => {
    const { reg, reply, newToken } = setup();
    const t = newToken();
    const r = reply(put(t, "abc"));
    expect(r).toMatchObject({ status: 201, index: 2, body: { action: "create", node: { key: `/${t}/abc`, value: "nabc=http://127.0.0.1:1", modifiedIndex: 2, createdIndex: 2 } } });
    const before = JSON.stringify(reg.dump());
    expect(reply(put(t, "abc", "x=http://h:1"))).toMatchObject({ status: 412, body: { errorCode: 105, cause: `/${t}/abc`, index: 2 } });
    expect(JSON.stringify(reg.dump())).toBe(before);
  });

  test("set over a member keeps createdIndex and reports prevNode; update of a missing key is 404", () => {
    const { reply, newToken } = setup();
    const t = newToken();
    reply(put(t, "a1"));
    const r = reply(put(t, "a1", "z=http://h:2", null));
    expect(r).toMatchObject({ status: 200, index: 3, body: { action: "set", node: { modifiedIndex: 3, createdIndex: 2 }, prevNode: { value: "na1=http://127.0.0.1:1" } } });
    expect(reply(put(t, "b2", "z=http://h:2", true))).toMatchObject({ status: 404, body: { errorCode: 100 } });
  });

  test("delete removes a member with its own index; deleting again is 404", () => {
    const { reply, newToken } = setup();
    const t = newToken();
    reply(put(t, "a1"));
    expect(reply({ kind: "delete", token: t, id: "a1" })).toMatchObject({ status: 200, index: 3, body: { action: "delete", node: { key: `/${t}/a1`, modifiedIndex: 3, createdIndex: 2 } } });
    expect(reply({ kind: "delete", token: t, id: "a1" })).toMatchObject({ status: 404, body: { errorCode: 100, index: 3 } });
  });

  test("extra registrations beyond size are accepted, up to the member limit", () => {
    const { reply, newToken } = setup();
    const t = newToken(1);
    for (let i = 1; i <= memberLimit(1); i++) expect(reply(put(t, i.toString(16))).status).toBe(201);
    expect(reply(put(t, "ff"))).toMatchObject({ status: 403, body: { errorCode: 1001 } });
    expect(reply(put(t, "1", "x=http://h:9", null)).status).toBe(200); // existing ids may still change
  });

  test("sorted=true lists by key, otherwise by registration order", () => {
    const { reply, newToken } = setup();
    const t = newToken();
    for (const id of ["c", "a", "b"]) reply(put(t, id));
    const keys = (sorted: boolean) => body(reply({ kind: "get", token: t, path: { kind: "dir" }, recursive: false, sorted }))!.node.nodes.map((n: any) => n.key.split("/").pop());
    expect(keys(false)).toEqual(["_config", "c", "a", "b"]);
    expect(keys(true)).toEqual(["_config", "a", "b", "c"]);
  });
});

describe("long-polls", () => {
  test("a past waitIndex is answered from history (etcd's check of its own registration)", () => {
    const { exec, reply, newToken } = setup();
    const t = newToken();
    reply(put(t, "a1"));
    reply(put(t, "b2"));
    const out = exec(watch(t, 2, "a1"));
    expect(out).toMatchObject({ kind: "done", reply: { status: 200, index: 3, body: { action: "create", node: { key: `/${t}/a1`, createdIndex: 2 } } } });
  });

  test("a recursive poll waits and is woken by the first event at or after waitIndex", () => {
    const { exec, reg, newToken } = setup();
    const t = newToken();
    expect(exec(watch(t, 2), "w1").kind).toBe("waiting");
    expect(exec(watch(t, 3), "w2").kind).toBe("waiting");
    expect(reg.waiting).toBe(2);
    const first = exec(put(t, "a1"));
    expect(first.kind === "done" && first.fired.map((f) => f.ctx)).toEqual(["w1"]);
    const second = exec(put(t, "b2"));
    expect(second.kind === "done" && second.fired).toEqual([{ ctx: "w2", reply: expect.objectContaining({ body: expect.objectContaining({ node: expect.objectContaining({ key: `/${t}/b2`, modifiedIndex: 3 }) }) }) }]);
    expect(reg.waiting).toBe(0);
  });

  test("a key poll ignores other keys; waitIndex 0 means the next event", () => {
    const { exec, newToken } = setup();
    const t = newToken();
    expect(exec(watch(t, 0, "b2"), "w").kind).toBe("waiting");
    const other = exec(put(t, "a1"));
    expect(other.kind === "done" && other.fired).toEqual([]);
    const mine = exec(put(t, "b2"));
    expect(mine.kind === "done" && mine.fired.map((f) => f.ctx)).toEqual(["w"]);
  });

  test("an idle poll ends with an empty 200 once the clock passes its deadline", () => {
    const { exec, reg, clock, newToken } = setup();
    const t = newToken();
    exec(watch(t, 0), "w");
    clock.t += 59_999;
    expect(reg.sweep()).toEqual([]);
    clock.t += 1;
    expect(reg.sweep()).toEqual([{ ctx: "w", reply: { kind: "empty", status: 200, index: 1 } }]);
    expect(reg.waiting).toBe(0);
  });

  test("cancel drops a poll; sweep(all) answers every poll (shutdown)", () => {
    const { exec, reg, newToken } = setup();
    const t = newToken();
    const a = exec(watch(t, 0), "a");
    exec(watch(t, 0), "b");
    if (a.kind === "waiting") reg.cancel(a.watcherId);
    expect(reg.sweep(true).map((f) => f.ctx)).toEqual(["b"]);
  });

  test("history older than the limit: 401 'outdated and cleared'", () => {
    const { exec, reply, newToken } = setup({ historyLimit: 3 });
    const t = newToken();
    for (const id of ["1", "2", "3", "4"]) reply(put(t, id)); // events 1..5, keeps 3..5
    const out = exec(watch(t, 2));
    expect(out).toMatchObject({ kind: "done", reply: { status: 400, body: { errorCode: 401, message: "The event in requested index is outdated and cleared", cause: "the requested history has been cleared [3/2]", index: 5 } } });
    expect(exec(watch(t, 3))).toMatchObject({ kind: "done", reply: { status: 200, body: { node: { modifiedIndex: 3 } } } });
  });

  test("too many waiting polls: 503 so etcd backs off and retries", () => {
    const { exec, newToken } = setup({ maxWatchers: 2 });
    const t = newToken();
    exec(watch(t, 0));
    exec(watch(t, 0));
    expect(exec(watch(t, 0))).toMatchObject({ kind: "done", reply: { status: 503, body: { errorCode: 1003 } } });
  });
});

describe("server records", () => {
  const info = { endpoint: "https://10.0.0.1:7480", meta: { zone: "a" } };

  test("announce, list, lapse after the TTL, re-announce", () => {
    const { reply, clock, newToken } = setup();
    const t = newToken();
    expect(reply({ kind: "server-put", token: t, id: "s1", info, ttlSeconds: 5 })).toMatchObject({ status: 201 });
    expect(reply({ kind: "server-put", token: t, id: "s1", info, ttlSeconds: 5 })).toMatchObject({ status: 200 });
    expect(body(reply({ kind: "server-list", token: t }))).toEqual({ servers: [{ id: "s1", ...info, expiresAt: clock.t + 5000 }] });
    clock.t += 5000;
    expect(body(reply({ kind: "server-list", token: t }))).toEqual({ servers: [] });
    expect(reply({ kind: "server-delete", token: t, id: "s1" })).toMatchObject({ status: 404, body: { errorCode: 100 } });
  });

  test("server records never appear in the etcd tree or bump its index", () => {
    const { reply, newToken } = setup();
    const t = newToken();
    reply({ kind: "server-put", token: t, id: "s1", info, ttlSeconds: 5 });
    expect(reply({ kind: "get", token: t, path: { kind: "dir" }, recursive: true, sorted: false })).toMatchObject({ index: 1 });
  });

  test("at most maxServersPerToken servers", () => {
    const { reply, newToken } = setup({ maxServersPerToken: 2 });
    const t = newToken();
    reply({ kind: "server-put", token: t, id: "s1", info, ttlSeconds: 5 });
    reply({ kind: "server-put", token: t, id: "s2", info, ttlSeconds: 5 });
    expect(reply({ kind: "server-put", token: t, id: "s3", info, ttlSeconds: 5 })).toMatchObject({ status: 403, body: { errorCode: 1001 } });
  });
});

describe("index and replay (property)", () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant("put" as const), id: fc.constantFrom("1", "2", "3", "a"), prev: fc.constantFrom(false, true, null) }),
    fc.record({ kind: fc.constant("delete" as const), id: fc.constantFrom("1", "2", "3", "a") }),
    fc.record({ kind: fc.constant("server" as const), id: fc.constantFrom("s1", "s2") }),
    fc.record({ kind: fc.constant("sealed" as const), name: fc.constantFrom("k1", "k2", "k3"), ttl: fc.constantFrom(1, 60) }),
    fc.record({ kind: fc.constant("sealed-delete" as const), name: fc.constantFrom("k1", "k2", "k3") }),
    fc.record({ kind: fc.constant("tick" as const), ms: fc.constantFrom(500, 30_000) }),
  );
  const blob = '{"v":1,"alg":"A256GCM","salt":"c2FsdA","iv":"aXY","tag":"dGFn","ct":"Y3Q"}';

  test("the index rises by exactly one per accepted etcd write (server and sealed records leave it alone), failures change nothing, and replay (plain or snapshot) rebuilds the same state", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const { reg, reply, newToken, records, clock } = setup({ historyLimit: 10 });
        const t = newToken();
        let index = 1;
        for (const o of ops) {
          if (o.kind === "tick") {
            clock.t += o.ms; // lets server and sealed records lapse between writes
            continue;
          }
          const before = JSON.stringify(reg.dump());
          const r =
            o.kind === "put" ? reply(put(t, o.id, `x=http://h:${index}`, o.prev)) :
            o.kind === "delete" ? reply({ kind: "delete", token: t, id: o.id }) :
            o.kind === "sealed" ? reply({ kind: "sealed-put", token: t, name: o.name, blob, ttlSeconds: o.ttl }) :
            o.kind === "sealed-delete" ? reply({ kind: "sealed-delete", token: t, name: o.name }) :
            reply({ kind: "server-put", token: t, id: o.id, info: { endpoint: "http://h:1", meta: {} }, ttlSeconds: 60 });
          const etcdWrite = o.kind === "put" || o.kind === "delete";
          if (r.status >= 400) expect(JSON.stringify(reg.dump())).toBe(before);
          else if (etcdWrite) expect(r.kind === "json" && r.index).toBe(++index);
        }
        for (const source of [records, reg.snapshot()]) {
          const copy = new Registry<string>({ clock, newToken: () => "", tokenUrl: (x) => x, historyLimit: 10 });
          for (const r of source) expect(copy.replay(r)).toBeUndefined();
          expect(copy.dump()).toEqual(reg.dump());
          const next = copy.execute(put(t, "bb"), "c");
          expect(next.kind === "done" && next.reply.kind === "json" && next.reply.index).toBe(index + 1);
        }
      }),
      { numRuns: 150 },
    );
  });
});
