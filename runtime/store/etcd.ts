// The etcd backend: the store contract over etcd's v3 API with the `etcd3` client.
// Facts it relies on (see shared/design.md): every unary call carries a deadline
// (`dialTimeout` is never read); nothing is retried behind the caller's back (writes
// report `unavailable` and the caller decides; reads retry); leases are renewed only by
// explicit keepAlive calls; shutdown cancels watches before closing the client or the
// process would not exit.
import { Etcd3, type IOptions, type ILeaseKeepAliveResponse } from "etcd3";
import { toCompare, toKeyValue, toRequestOp } from "./etcd-convert";
import { toStoreError } from "./etcd-errors";
import { faultHandling } from "./etcd-policy";
import { openWatch } from "./etcd-watch";
import { WatchSharer } from "./shared-watch";
import { prefixRange } from "./keys";
import { PendingCalls } from "./pending";
import {
  StoreError,
  type Compare,
  type KeyValue,
  type LeaseGrant,
  type LeaseId,
  type RangeResult,
  type Store,
  type TxnOp,
  type TxnResult,
  type Watch,
  type WatchHandlers,
  type WriteResult,
} from "./types";
import { checkEntry, checkKey, checkLeaseId, checkPrefix, checkRevision, checkTtl, checkTxn, show } from "./validate";

export interface EtcdStoreOptions {
  /** Client URLs such as "http://10.0.0.5:2379"; all http or all https. */
  readonly endpoints: readonly string[];
  /** PEM contents (not paths). `ca` verifies etcd; `cert` + `key` authenticate us. */
  readonly tls?: { readonly ca: string | Buffer; readonly cert?: string | Buffer; readonly key?: string | Buffer };
  /** etcd's own user/password authentication. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** Deadline of each call, in ms (default 2000; with 3 members a leader change takes ~2 s). */
  readonly callTimeoutMs?: number;
}

const buf = (s: string | Buffer) => (typeof s === "string" ? Buffer.from(s) : s);

function clientOptions(o: EtcdStoreOptions, timeoutMs: number): IOptions {
  const bad = (field: string, v: unknown, want: string) =>
    new StoreError("invalid", `etcd store option ${field} ${show(v)} is not accepted; expected ${want}`);
  if (!Array.isArray(o.endpoints) || o.endpoints.length === 0) throw bad("endpoints", o.endpoints, "a non-empty list of URLs");
  const schemes = new Set<string>();
  o.endpoints.forEach((e, i) => {
    let url: URL | undefined;
    try {
      url = new URL(e);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || !url.port || url.pathname !== "/") {
      throw bad(`endpoints[${i}]`, e, "http(s)://HOST:PORT");
    }
    schemes.add(url.protocol);
  });
  if (schemes.size > 1) throw bad("endpoints", o.endpoints, "the same scheme (all http or all https)");
  if (o.tls && schemes.has("http:")) throw bad("tls", "(given)", "https:// endpoints when tls is set");
  if (o.tls && (o.tls.cert === undefined) !== (o.tls.key === undefined)) throw bad("tls.cert/tls.key", "(only one given)", "both or neither");
  if (o.auth && (typeof o.auth.username !== "string" || typeof o.auth.password !== "string")) throw bad("auth", "(malformed)", "{ username, password } strings");
  return {
    hosts: [...o.endpoints],
    ...(o.tls
      ? {
          credentials: {
            rootCertificate: buf(o.tls.ca),
            ...(o.tls.key ? { privateKey: buf(o.tls.key) } : {}),
            ...(o.tls.cert ? { certChain: buf(o.tls.cert) } : {}),
          },
        }
      : {}),
    ...(o.auth ? { auth: { username: o.auth.username, password: o.auth.password, callOptions: () => ({ deadline: Date.now() + timeoutMs }) } } : {}),
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeoutMs }),
    faultHandling: faultHandling(),
  };
}

export class EtcdStore implements Store {
  readonly backend = "etcd" as const;
  private readonly calls = new PendingCalls();
  private readonly watches = new Set<Watch>();
  private readonly sharer = new WatchSharer((p, f, h) => this.openBackendWatch(p, f, h));
  private closing: Promise<void> | undefined;

  private constructor(
    /** The underlying client, for tests and tools that need etcd itself (compaction). */
    readonly client: Etcd3,
    private readonly timeoutMs: number,
  ) {}

  /** Connects lazily: a bad endpoint shows as `unavailable` on the first call. */
  static open(opts: EtcdStoreOptions): EtcdStore {
    const timeoutMs = opts.callTimeoutMs ?? 2000;
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
      throw new StoreError("invalid", `etcd store option callTimeoutMs ${show(timeoutMs)} is not accepted; expected an integer >= 1`);
    }
    return new EtcdStore(new Etcd3(clientOptions(opts, timeoutMs)), timeoutMs);
  }

  get(key: string): Promise<KeyValue | undefined> {
    return this.read(`get ${show(key)}`, async () => {
      checkKey(key);
      const res = await this.client.kv.range({ key: Buffer.from(key, "utf8") });
      return res.kvs[0] ? toKeyValue(res.kvs[0]) : undefined;
    });
  }

  range(prefix: string): Promise<RangeResult> {
    return this.read(`range ${show(prefix)}`, async () => {
      checkPrefix(prefix);
      const { key, rangeEnd } = prefixRange(prefix);
      const res = await this.client.kv.range({ key, range_end: rangeEnd });
      return { kvs: res.kvs.map(toKeyValue), revision: Number(res.header.revision) };
    });
  }

  put(key: string, value: string, opts?: { readonly lease?: LeaseId }): Promise<WriteResult> {
    return this.call(`put ${show(key)}`, async () => {
      checkEntry(key, value);
      if (opts?.lease !== undefined) checkLeaseId(opts.lease);
      const lease = opts?.lease === undefined ? {} : { lease: opts.lease };
      const res = await this.client.kv.put({ key: Buffer.from(key, "utf8"), value: Buffer.from(value, "utf8"), ...lease });
      return { revision: Number(res.header.revision) };
    });
  }

  delete(key: string): Promise<WriteResult & { readonly deleted: number }> {
    return this.call(`delete ${show(key)}`, async () => {
      checkKey(key);
      const res = await this.client.kv.deleteRange({ key: Buffer.from(key, "utf8") });
      return { revision: Number(res.header.revision), deleted: Number(res.deleted) };
    });
  }

  txn(compares: readonly Compare[], success: readonly TxnOp[], failure: readonly TxnOp[] = []): Promise<TxnResult> {
    return this.call("txn", async () => {
      checkTxn(compares, success, failure);
      const res = await this.client.kv.txn({
        compare: compares.map(toCompare),
        success: success.map(toRequestOp),
        failure: failure.map(toRequestOp),
      });
      return { succeeded: res.succeeded, revision: Number(res.header.revision) };
    });
  }

  watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Promise<Watch> {
    return this.call(`watch ${show(prefix)}`, async () => {
      checkPrefix(prefix);
      checkRevision(fromRevision, "watch fromRevision");
      if (typeof handlers?.onEvents !== "function" || typeof handlers?.onError !== "function") {
        throw new StoreError("invalid", "watch handlers must have onEvents and onError functions");
      }
      return this.sharer.watch(prefix, fromRevision, handlers);
    });
  }

  /** Opens one backend watch; watches of one prefix share these (shared-watch.ts). */
  private async openBackendWatch(prefix: string, fromRevision: number, handlers: WatchHandlers): Promise<Watch> {
    const w = await openWatch({ client: this.client, timeoutMs: this.timeoutMs, onEnd: (h) => this.watches.delete(h) }, prefix, fromRevision, handlers);
    if (this.calls.closed) await w.cancel();
    else this.watches.add(w);
    return w;
  }

  grantLease(ttlSeconds: number): Promise<LeaseGrant> {
    return this.call("grantLease", async () => {
      checkTtl(ttlSeconds);
      const res = await this.client.leaseClient.leaseGrant({ TTL: ttlSeconds });
      if (res.error) throw new StoreError("unavailable", `grantLease: etcd refused: ${res.error}`);
      return { id: res.ID, ttlSeconds: Number(res.TTL) };
    });
  }

  keepAlive(id: LeaseId): Promise<void> {
    return this.call(`keepAlive ${show(id)}`, async () => {
      checkLeaseId(id);
      const res = await this.keepAliveOnce(id);
      if (Number(res.TTL) <= 0) throw new StoreError("lease-not-found", `keepAlive: lease ${id} has expired or was revoked`);
    });
  }

  revokeLease(id: LeaseId): Promise<void> {
    return this.call(`revokeLease ${show(id)}`, async () => {
      checkLeaseId(id);
      try {
        await this.client.leaseClient.leaseRevoke({ ID: id });
      } catch (err) {
        if (toStoreError(err, "revoke").code !== "lease-not-found") throw err;
      }
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.calls.close("etcd store");
      await Promise.all([...this.watches].map((w) => w.cancel()));
      this.client.close();
    })();
    return this.closing;
  }

  private call<T>(what: string, work: () => Promise<T>): Promise<T> {
    return this.calls.run(async () => {
      try {
        return await work();
      } catch (err) {
        throw toStoreError(err, what);
      }
    });
  }

  /** Reads are safe to repeat: retry `unavailable` within about one deadline. */
  private read<T>(what: string, work: () => Promise<T>): Promise<T> {
    return this.call(what, async () => {
      const start = Date.now();
      for (let attempt = 1; ; attempt++) {
        try {
          return await work();
        } catch (err) {
          const e = toStoreError(err, what);
          if (e.code !== "unavailable" || attempt >= 3 || Date.now() - start > this.timeoutMs || this.calls.closed) throw e;
          await new Promise((r) => setTimeout(r, 50 * attempt));
        }
      }
    });
  }

  /** One renewal over a short-lived stream (the client's own keep-alive runs forever). */
  private async keepAliveOnce(id: LeaseId): Promise<ILeaseKeepAliveResponse> {
    const stream = await this.client.leaseClient.leaseKeepAlive();
    try {
      return await new Promise<ILeaseKeepAliveResponse>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new StoreError("unavailable", `keepAlive ${id}: no answer from etcd within ${this.timeoutMs} ms`)),
          this.timeoutMs,
        );
        stream.on("data", (res: ILeaseKeepAliveResponse) => (clearTimeout(timer), resolve(res)));
        stream.on("error", (err: Error) => (clearTimeout(timer), reject(err)));
        stream.on("end", () => (clearTimeout(timer), reject(new StoreError("unavailable", `keepAlive ${id}: etcd ended the stream`))));
        stream.write({ ID: id });
      });
    } finally {
      stream.end();
      stream.cancel();
    }
  }
}
