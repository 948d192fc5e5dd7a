// The store contract on the embedded backend, on disk and in memory. Both use a manual
// clock, so lease expiry takes no real time.
import { EmbeddedStore } from "../../../runtime/store/embedded/store";
import { ManualClock } from "../../../runtime/store/embedded/clock";
import { openStore } from "../../../runtime/store/index";
import { tempDir } from "../../support/tmp";
import { describeStoreContract, type StoreHarness } from "./contract";

function harness(store: EmbeddedStore, clock: ManualClock): StoreHarness {
  return {
    store,
    ttl: 2,
    elapse: async (ms) => clock.advance(ms),
    compact: (rev) => store.compact(rev),
    dispose: () => store.close(),
  };
}

describeStoreContract("embedded (disk)", async () => {
  const clock = new ManualClock();
  return harness(await EmbeddedStore.open({ dir: tempDir("hafen-store-"), clock }), clock);
});

describeStoreContract("embedded (memory)", async () => {
  const clock = new ManualClock();
  const store = await openStore({ backend: "memory", clock }); // through the public factory
  if (!(store instanceof EmbeddedStore)) throw new Error("openStore({ backend: 'memory' }) is not an EmbeddedStore");
  return harness(store, clock);
});
