// Tracks the calls in flight on a store so close() can settle every one of them with
// `closed` at once instead of leaving callers waiting on I/O that will never finish.
import { StoreError } from "./types";

export class PendingCalls {
  private closedReason: StoreError | undefined;
  private readonly rejecters = new Set<(err: StoreError) => void>();

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Rejects at once when closed; otherwise settles as `work` does, or `closed` first. */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.closedReason) return Promise.reject(this.closedReason);
    return new Promise<T>((resolve, reject) => {
      const onClose = (err: StoreError) => reject(err);
      this.rejecters.add(onClose);
      let started: Promise<T>;
      try {
        started = work();
      } catch (err) {
        started = Promise.reject(err);
      }
      started.then(
        (value) => {
          this.rejecters.delete(onClose);
          resolve(value);
        },
        (err: unknown) => {
          this.rejecters.delete(onClose);
          reject(this.closedReason ?? err);
        },
      );
    });
  }

  /** Marks the store closed and rejects every call still in flight. Idempotent. */
  close(what: string): void {
    if (this.closedReason) return;
    this.closedReason = new StoreError("closed", `${what} is closed`);
    for (const reject of [...this.rejecters]) reject(this.closedReason);
    this.rejecters.clear();
  }
}
