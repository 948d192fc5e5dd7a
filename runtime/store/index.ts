// The store's public face: the contract, and one way to open each backend.
import { EmbeddedStore, type EmbeddedStoreOptions, type MemoryStoreOptions } from "./embedded/store";
import type { EtcdStoreOptions } from "./etcd";
import { StoreError, type Store } from "./types";
import { show } from "./validate";

export type StoreConfig =
  /** Durable, in this process, one process per `dir`: one-server clusters. */
  | ({ readonly backend: "embedded" } & EmbeddedStoreOptions)
  /** The embedded store without a disk: the in-memory twin for tests of upper layers. */
  | ({ readonly backend: "memory" } & MemoryStoreOptions)
  /** Real etcd over the v3 API: clusters with 3 or more control machines. */
  | ({ readonly backend: "etcd" } & EtcdStoreOptions);

export async function openStore(config: StoreConfig): Promise<Store> {
  switch (config.backend) {
    case "embedded":
      return EmbeddedStore.open(config);
    case "memory":
      return EmbeddedStore.memory(config);
    case "etcd": {
      // Loaded on demand: the etcd client (gRPC, protobuf definitions) takes ~0.5 s to
      // load, which a one-server cluster on the embedded store should not pay.
      const { EtcdStore } = await import("./etcd");
      return EtcdStore.open(config);
    }
    default: {
      const _never: never = config;
      throw new StoreError(
        "invalid",
        `store backend ${show((_never as { backend?: unknown }).backend)} is not one of embedded, memory, etcd`,
      );
    }
  }
}

export type * from "./types";
export { StoreError } from "./types";
export { ManualClock, systemClock, type Clock, type TimerHandle } from "./embedded/clock";
export type { EmbeddedStoreOptions, MemoryStoreOptions } from "./embedded/store";
export type { EtcdStoreOptions } from "./etcd";
