// Machines joining and staying in the cluster, server side: registration with a lease,
// heartbeats that renew it, and the unit states an agent reports (attached to the same
// lease, so a dead machine's states vanish with it). Pure store logic; the HTTP layer
// authenticates and validates first.
import { StoreError, type LeaseId, type Store, type TxnOp } from "../store/types";
import type { Keyspace } from "./keys";
import { hashEquals } from "../api/auth";
import { decodeMachine, encodeStateBucket, type MachineRecord, type UnitStateRecord } from "./records";

/** What the server stores beside the public record (never returned by the API). */
export interface MachineEntry extends MachineRecord {
  /** Where the agent serves journal requests from servers, and the key servers present. */
  readonly agentEndpoint?: string;
  readonly agentKey?: string;
}

export type HeartbeatResult = { readonly ok: true } | { readonly ok: false; readonly reason: "unknown-machine" | "lease-expired" };

/** How long a matched machine token hash is trusted without a store read. */
const TOKEN_CACHE_MS = 30_000;

/** Ops per transaction: etcd refuses more than 128 by default. */
const TXN_BATCH = 100;

export class Membership {
  /** machine id → lease id, so a heartbeat costs one keep-alive, not a read too. */
  private readonly leases = new Map<string, LeaseId>();
  /** machine id → a token hash that recently matched the store. */
  private readonly tokens = new Map<string, { hash: string; at: number }>();

  constructor(
    private readonly store: Store,
    private readonly keys: Keyspace,
  ) {}

  /**
   * Registers (or re-registers) a machine. If its previous lease is still alive it is
   * kept: the machine never left, so nothing gets rescheduled. Otherwise a new lease.
   */
  async register(entry: MachineEntry, ttlSeconds: number, tokenHash?: string): Promise<{ lease: LeaseId; ttlSeconds: number }> {
    const key = this.keys.machine(entry.id);
    const existing = await this.store.get(key);
    let lease: LeaseId | undefined;
    let ttl = ttlSeconds;
    if (existing?.lease) {
      try {
        await this.store.keepAlive(existing.lease);
        lease = existing.lease;
      } catch (err) {
        if (!(err instanceof StoreError && err.code === "lease-not-found")) throw err;
      }
    }
    if (!lease) {
      const grant = await this.store.grantLease(ttlSeconds);
      lease = grant.id;
      ttl = grant.ttlSeconds;
    }
    const ops: TxnOp[] = [{ type: "put", key, value: JSON.stringify(entry), lease }];
    if (tokenHash) ops.push({ type: "put", key: this.keys.credential(entry.id), value: tokenHash });
    await this.store.txn([], ops);
    if (tokenHash) this.tokens.set(entry.id, { hash: tokenHash, at: Date.now() });
    this.leases.set(entry.id, lease);
    return { lease, ttlSeconds: ttl };
  }

  private async leaseOf(machineId: string): Promise<LeaseId | undefined> {
    const cached = this.leases.get(machineId);
    if (cached) return cached;
    const kv = await this.store.get(this.keys.machine(machineId));
    if (kv?.lease) this.leases.set(machineId, kv.lease);
    return kv?.lease;
  }

  async heartbeat(machineId: string): Promise<HeartbeatResult> {
    const lease = await this.leaseOf(machineId);
    if (!lease) return { ok: false, reason: "unknown-machine" };
    try {
      await this.store.keepAlive(lease);
      return { ok: true };
    } catch (err) {
      if (err instanceof StoreError && err.code === "lease-not-found") {
        this.leases.delete(machineId);
        return { ok: false, reason: "lease-expired" };
      }
      throw err;
    }
  }

  async entry(machineId: string): Promise<MachineEntry | undefined> {
    const kv = await this.store.get(this.keys.machine(machineId));
    return kv ? (decodeMachine(kv.value) as MachineEntry | undefined) : undefined;
  }

  async tokenHash(machineId: string): Promise<string | undefined> {
    return (await this.store.get(this.keys.credential(machineId)))?.value;
  }

  /**
   * Checks a machine's token hash. A hash that matched recently is accepted from memory
   * (heartbeats would otherwise cost a store read each); anything else is checked
   * against the store, so a token re-issued through another server is seen at once.
   */
  async tokenMatches(machineId: string, hash: string): Promise<boolean> {
    const cached = this.tokens.get(machineId);
    if (cached && cached.hash === hash && Date.now() - cached.at < TOKEN_CACHE_MS) return true;
    const stored = await this.tokenHash(machineId);
    const ok = stored !== undefined && hashEquals(stored, hash);
    if (ok) this.tokens.set(machineId, { hash, at: Date.now() });
    else this.tokens.delete(machineId);
    return ok;
  }

  /**
   * Replaces everything the machine reported with `states`, rewriting only the state
   * buckets whose text changed, each on the machine's lease. false when the machine
   * holds no live lease. A name reported twice keeps its last state.
   */
  async reportStates(machineId: string, states: readonly UnitStateRecord[]): Promise<boolean> {
    const lease = await this.leaseOf(machineId);
    if (!lease) return false;
    const current = await this.store.range(this.keys.machineStates(machineId));
    const before = new Map<string, string>();
    for (const kv of current.kvs) before.set(kv.key, kv.value);
    const groups = new Map<string, Map<string, string>>();
    for (const s of states) {
      const key = this.keys.unitState(machineId, s.name);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = new Map()));
      g.set(s.name, JSON.stringify(s));
    }
    const ops: TxnOp[] = [];
    for (const [key, g] of groups) {
      const value = encodeStateBucket([...g.keys()].sort().map((n) => g.get(n)!));
      if (before.get(key) !== value) ops.push({ type: "put", key, value, lease });
    }
    for (const key of before.keys()) if (!groups.has(key)) ops.push({ type: "delete", key });
    try {
      for (let i = 0; i < ops.length; i += TXN_BATCH) await this.store.txn([], ops.slice(i, i + TXN_BATCH));
    } catch (err) {
      if (err instanceof StoreError && err.code === "lease-not-found") {
        this.leases.delete(machineId);
        return false;
      }
      throw err;
    }
    return true;
  }
}
