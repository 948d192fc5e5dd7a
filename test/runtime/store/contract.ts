// The store contract suite: every backend (etcd, embedded, its in-memory twin) runs
// exactly these tests. Each test gets a store with no keys; revisions are only compared
// relative to what the test itself wrote.
import { errorContract } from "./contract-errors";
import type { HarnessFactory, StoreHarness } from "./contract-helpers";
import { kvContract } from "./contract-kv";
import { leaseContract } from "./contract-lease";
import { watchContract } from "./contract-watch";

export type { HarnessFactory, StoreHarness } from "./contract-helpers";

export function describeStoreContract(name: string, factory: HarnessFactory): void {
  describe(`store contract: ${name}`, () => {
    let harness: StoreHarness | undefined;
    const h = (): StoreHarness => {
      if (!harness) throw new Error("harness not ready");
      return harness;
    };
    beforeEach(async () => {
      harness = await factory();
    });
    afterEach(async () => {
      await harness?.dispose();
      harness = undefined;
    });
    describe("keys and transactions", () => kvContract(h));
    describe("leases", () => leaseContract(h));
    describe("watches", () => watchContract(h));
    describe("errors and close", () => errorContract(h));
  });
}
