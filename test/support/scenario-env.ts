// Where scenarios run: the same script against each store backend. `embedded` is the
// durable embedded store in a fresh temp dir per scenario; `etcd` is one real etcd member
// per describe block, each scenario under its own key root (so nothing one scenario
// leaves behind — machine leases counting down, old schedules — is seen by the next).
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { openStore, type Store } from "../../runtime/store";
import { etcdAvailable, startEtcd, waitHealthy, type EtcdMember } from "./etcd";
import { Scenario, type ClusterSpec } from "./scenario";
import { tempDir } from "./tmp";

export type Backend = "embedded" | "etcd";
export const BACKENDS: readonly Backend[] = ["embedded", "etcd"];

export interface ScenarioEnv {
  /** Starts a cluster for the current test; it is closed (and checked) after the test. */
  cluster(spec: ClusterSpec): Promise<Scenario>;
}

/**
 * Call inside a `describe`: registers the hooks that start the backend once, close each
 * test's clusters after it (failing the test if a non-global unit ever ran twice), and
 * stop the backend at the end.
 */
export function scenarioEnv(backend: Backend): ScenarioEnv {
  let member: EtcdMember | undefined;
  const open: Scenario[] = [];
  let count = 0;
  if (backend === "etcd") {
    beforeAll(async () => {
      if (!etcdAvailable()) throw new Error("the etcd binary is required for these scenarios (Debian package etcd-server)");
      member = await startEtcd();
      await waitHealthy(member);
    }, 30_000);
    afterAll(async () => {
      await member?.stop();
    });
  }
  afterEach(async () => {
    const failures: unknown[] = [];
    for (const c of open.splice(0)) await c.close().catch((e: unknown) => failures.push(e));
    if (failures.length > 0) throw failures[0];
  }, 30_000);

  async function store(): Promise<Store> {
    switch (backend) {
      case "embedded":
        return openStore({ backend: "embedded", dir: join(tempDir("hafen-scenario-"), "store") });
      case "etcd":
        if (!member) throw new Error("etcd member not started (scenarioEnv must be called inside a describe block)");
        return openStore({ backend: "etcd", endpoints: [member.clientUrl], callTimeoutMs: 2000 });
      default: {
        const _never: never = backend;
        throw new Error(`unknown backend ${String(_never)}`);
      }
    }
  }

  return {
    async cluster(spec) {
      const root = `/scenario-${++count}-${randomBytes(4).toString("hex")}`;
      const c = await Scenario.start({ store: await store(), root }, spec);
      open.push(c);
      return c;
    },
  };
}
