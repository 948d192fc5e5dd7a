// A server keeps its API endpoint announced in the discovery service under the cluster
// token, re-announcing every third of the record's TTL, so agents find live servers and
// a dead server's record lapses on its own.
import { registerServer, removeServer } from "../discovery";
import type { Clock, Timer } from "../clock";

export interface Announcer {
  stop(): Promise<void>;
}

export function announce(opts: {
  discovery: string;
  id: string;
  endpoint: string;
  ttlSeconds: number;
  ca?: string;
  clock: Clock;
  log: (line: string) => void;
}): Announcer {
  let timer: Timer | undefined;
  let stopped = false;
  let failing = false;
  const once = async () => {
    const r = await registerServer(opts.discovery, opts.id, { endpoint: opts.endpoint }, opts.ttlSeconds, opts.ca ? { ca: opts.ca } : {});
    if (!r.ok && !failing) opts.log(`announcing ${opts.endpoint} in discovery failed: ${r.error.message}; retrying`);
    if (r.ok && failing) opts.log(`announced ${opts.endpoint} in discovery`);
    failing = !r.ok;
    if (!stopped) timer = opts.clock.setTimeout(() => void once(), failing ? 1000 : (opts.ttlSeconds * 1000) / 3);
  };
  void once();
  return {
    async stop() {
      stopped = true;
      timer?.cancel();
      await removeServer(opts.discovery, opts.id, opts.ca ? { ca: opts.ca, timeoutMs: 2000 } : { timeoutMs: 2000 });
    },
  };
}
