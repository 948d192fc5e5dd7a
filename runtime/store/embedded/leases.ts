// Lease bookkeeping for the embedded store: ids, TTLs and deadlines. Pure — callers pass
// the current time. Deadlines are not persisted: like etcd, a reopened store restarts
// every lease's TTL, so a restart never expires a holder that was keeping it alive.
import { randomBytes } from "node:crypto";
import type { LeaseId } from "../types";

interface Lease {
  readonly ttlSeconds: number;
  deadline: number;
}

export class LeaseTable {
  private readonly leases = new Map<LeaseId, Lease>();
  private next: bigint;

  /**
   * Ids start at a random base so an id held from a wiped store is unlikely to name a
   * lease of the new one, then count up (never reused: the next id is persisted).
   */
  constructor(readonly minTtlSeconds: number) {
    this.next = (BigInt(`0x${randomBytes(5).toString("hex")}`) << 20n) + 1n;
  }

  get size(): number {
    return this.leases.size;
  }

  get nextId(): string {
    return this.next.toString();
  }

  set nextId(id: string) {
    this.next = BigInt(id);
  }

  /** Allocates an id; `add` records it. */
  allocate(): LeaseId {
    const id = this.next.toString();
    this.next += 1n;
    return id;
  }

  /** The TTL actually granted: at least the table's minimum. */
  effectiveTtl(ttlSeconds: number): number {
    return Math.max(ttlSeconds, this.minTtlSeconds);
  }

  add(id: LeaseId, ttlSeconds: number, now: number): void {
    this.leases.set(id, { ttlSeconds, deadline: now + ttlSeconds * 1000 });
    if (BigInt(id) >= this.next) this.next = BigInt(id) + 1n;
  }

  /** True while the lease exists and its deadline has not passed. */
  alive(id: LeaseId, now: number): boolean {
    const lease = this.leases.get(id);
    return lease !== undefined && now < lease.deadline;
  }

  /** Restarts the TTL of a live lease; false when it is unknown or past its deadline. */
  renew(id: LeaseId, now: number): boolean {
    const lease = this.leases.get(id);
    if (!lease || now >= lease.deadline) return false;
    lease.deadline = now + lease.ttlSeconds * 1000;
    return true;
  }

  has(id: LeaseId): boolean {
    return this.leases.has(id);
  }

  remove(id: LeaseId): boolean {
    return this.leases.delete(id);
  }

  /** Leases whose deadline has passed, earliest deadline first. */
  expired(now: number): LeaseId[] {
    return [...this.leases]
      .filter(([, l]) => now >= l.deadline)
      .sort((a, b) => a[1].deadline - b[1].deadline)
      .map(([id]) => id);
  }

  earliestDeadline(): number | undefined {
    let min: number | undefined;
    for (const l of this.leases.values()) if (min === undefined || l.deadline < min) min = l.deadline;
    return min;
  }

  /** Every lease with its TTL, for snapshots. */
  entries(): [LeaseId, number][] {
    return [...this.leases].map(([id, l]) => [id, l.ttlSeconds]);
  }
}
