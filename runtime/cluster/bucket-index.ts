// Per-machine bucket records (schedule/<m>/<0-f>, states/<m>/<0-f>) assembled into one
// map per machine. A record is always replaced whole, so the index remembers which
// units each bucket contributed: replacing the bucket first drops exactly those, then
// adds what the new record holds. Used by the engine's mirror and the servers'
// assignment hub, which must agree on this rule.

export class BucketIndex<V> {
  /** machine → unit → value. Read it; change it only through replace() and clear(). */
  readonly byMachine = new Map<string, Map<string, V>>();
  /** machine → bucket → the units that bucket contributed. */
  private readonly held = new Map<string, Map<string, readonly string[]>>();

  /** Replaces what `bucket` of `machine` holds; no entries: the bucket is gone or unreadable. */
  replace(machine: string, bucket: string, entries?: readonly (readonly [unit: string, value: V])[]): void {
    let units = this.byMachine.get(machine);
    let held = this.held.get(machine);
    for (const u of held?.get(bucket) ?? []) units?.delete(u);
    held?.delete(bucket);
    if (entries && entries.length > 0) {
      if (!units) this.byMachine.set(machine, (units = new Map()));
      if (!held) this.held.set(machine, (held = new Map()));
      for (const [unit, value] of entries) units.set(unit, value);
      held.set(bucket, entries.map(([unit]) => unit));
    }
    if (units?.size === 0) this.byMachine.delete(machine);
    if (held?.size === 0) this.held.delete(machine);
  }

  clear(): void {
    this.byMachine.clear();
    this.held.clear();
  }
}
