// Fault handling for the etcd3 client, replacing its defaults:
// - no automatic retry: the default retries a timed-out call up to 3 times, so a
//   compare-and-swap may apply twice and report failure the second time. Writes fail
//   with `unavailable` instead and the caller decides; reads retry in the store.
// - a failed endpoint is skipped for a second while another endpoint looks healthy
//   (never when it is the only one, so a lone etcd is used again the moment it is back);
// - the watch stream reconnects after 100 ms doubling to at most 1 s (the default waits
//   up to 30 s, keeping the process alive that long after close).
import { isRecoverableError, type IOptions } from "etcd3";
import { EndpointDown } from "./etcd-errors";

type FaultHandling = NonNullable<IOptions["faultHandling"]>;
type Policy = NonNullable<FaultHandling["global"]>;
type Backoff = NonNullable<FaultHandling["watchBackoff"]>;

const COOLDOWN_MS = 1000;
const noEvent = () => ({ dispose() {} });

function policy(execute: <T>(fn: (ctx: { signal: AbortSignal }) => PromiseLike<T> | T) => Promise<T>): Policy {
  return { _altReturn: undefined as never, onSuccess: noEvent, onFailure: noEvent, execute };
}

function backoff(duration: number): Backoff {
  return { duration, next: () => backoff(Math.min(duration * 2, 1000)) };
}

export function faultHandling(now: () => number = Date.now): FaultHandling {
  const downUntil = new Map<string, number>();
  const healthyOther = (host: string) => [...downUntil].some(([h, until]) => h !== host && until <= now());
  const hostPolicy = (host: string): Policy => {
    downUntil.set(host, 0);
    return policy(async (fn) => {
      if ((downUntil.get(host) ?? 0) > now() && healthyOther(host)) throw new EndpointDown(`etcd endpoint ${host} failed recently`);
      try {
        return await fn({ signal: new AbortController().signal });
      } catch (err) {
        if (err instanceof Error && isRecoverableError(err)) downUntil.set(host, now() + COOLDOWN_MS);
        throw err;
      }
    });
  };
  return {
    global: policy(async (fn) => fn({ signal: new AbortController().signal })),
    host: hostPolicy,
    watchBackoff: backoff(100),
  };
}
