// Maps what the etcd3 client throws onto the store's closed set of error codes.
import {
  ClientClosedError,
  EtcdAuthenticationFailedError,
  EtcdInvalidAuthTokenError,
  EtcdLeaseInvalidError,
  EtcdPermissionDeniedError,
  GRPCInvalidArgumentError,
  GRPCOutOfRangeError,
} from "etcd3";
import { StoreError } from "./types";

/** Thrown by our host policy for an endpoint that failed moments ago (see etcd-policy). */
export class EndpointDown extends Error {}

export function toStoreError(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  const say = (code: StoreError["code"], text: string) => new StoreError(code, `${what}: ${text}`);
  if (err instanceof EtcdLeaseInvalidError || /requested lease not found/.test(msg)) {
    return say("lease-not-found", `lease not found (expired, revoked or never granted)`);
  }
  if (err instanceof ClientClosedError) return say("closed", "the etcd store is closed");
  if (/required revision has been compacted/.test(msg)) return say("compacted", msg);
  if (err instanceof GRPCInvalidArgumentError || err instanceof GRPCOutOfRangeError) return say("invalid", `etcd refused it: ${msg}`);
  if (err instanceof EtcdAuthenticationFailedError || err instanceof EtcdInvalidAuthTokenError || err instanceof EtcdPermissionDeniedError) {
    return say("unavailable", `etcd refused the credentials: ${msg}`);
  }
  // Deadline exceeded, connection refused, leader changes, a down endpoint: the request
  // may or may not have been applied.
  return say("unavailable", `etcd unreachable or timed out (the request may or may not have applied): ${msg}`);
}
