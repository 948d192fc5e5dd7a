// The agent under a busy event loop: a renewal answer that arrived while the loop was
// blocked must count before the fence timer (which Node runs first) decides, and a long
// reconcile must let timers and I/O run between its tasks.
import { createServer, connect, type Server, type Socket } from "node:net";
import { Agent } from "../../../runtime/agent/agent";
import type { AgentApi } from "../../../runtime/agent/api";
import type { DesiredUnit } from "../../../runtime/agent/reconcile";
import { systemClock, type Clock } from "../../../runtime/clock";
import { RecordingExecutor } from "../../../runtime/executor/recording";
import { hashOptions } from "../../../units";

const INFO = { id: "1".repeat(32), name: "m1", primaryIP: "127.0.0.1", metadata: {}, role: "worker" as const, version: "test" };
const busyUntil = (t: number) => {
  while (systemClock.now() < t) {
    // the event loop is blocked, as by a run of synchronous spawns
  }
};

interface FakeApi {
  api: AgentApi;
  heartbeats: { sentAt: number; resolve: () => void }[];
  /** Answer heartbeats at once from now on. */
  answerAll(): void;
}

function fakeApi(units: DesiredUnit[] = []): FakeApi {
  let immediate = false;
  const heartbeats: FakeApi["heartbeats"] = [];
  const aborted = new AbortController();
  const api = {
    register: async () => ({ leaseTtlSeconds: 1 }),
    heartbeat: () =>
      new Promise<void>((resolve, reject) => {
        if (immediate) return resolve();
        heartbeats.push({ sentAt: systemClock.now(), resolve });
        aborted.signal.addEventListener("abort", () => reject(new Error("aborted")));
      }),
    assignments: async (after: number) => {
      // Nothing new: hold until the agent stops (it aborts its calls then).
      if (after >= 1) await new Promise((_, reject) => aborted.signal.addEventListener("abort", () => reject(new Error("aborted"))));
      return { revision: 1, units };
    },
    reportStates: async () => undefined,
    rotate: () => undefined,
    abort: () => aborted.abort(),
  };
  return { api: api as unknown as AgentApi, heartbeats, answerAll: () => void (immediate = true) };
}

async function until<T>(what: string, f: () => T | undefined | false, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("agent under a blocked event loop", () => {
  let server: Server | undefined;
  let client: Socket | undefined;
  let agent: Agent | undefined;
  afterEach(async () => {
    await agent?.stop();
    client?.destroy();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    agent = server = client = undefined;
  });

  /** A registered agent with TTL 1 s (fencing 500 ms after a send) and its log lines. */
  async function registered(fake: FakeApi, clock: Clock = systemClock): Promise<{ agent: Agent; logs: string[]; registeredAt: number }> {
    const logs: string[] = [];
    const a = new Agent({ info: INFO, api: fake.api, executor: new RecordingExecutor(), clock, leaseTtlSeconds: 1, log: (l) => logs.push(l) });
    agent = a;
    await a.start();
    await until("registration", () => a.status().registered);
    return { agent: a, logs, registeredAt: a.status().lastRenewSentAt! };
  }

  it("counts a renewal answer already waiting when the fence timer fires late", async () => {
    const fake = fakeApi();
    const { agent, logs, registeredAt } = await registered(fake);
    const hb = await until("the first heartbeat", () => fake.heartbeats[0]);
    // The heartbeat's answer arrives over a socket while the loop is blocked.
    server = createServer((s) => s.on("data", () => hb.resolve()));
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    client = connect(port, "127.0.0.1");
    await new Promise<void>((r) => client!.once("connect", () => r()));
    await new Promise((r) => setTimeout(r, 20)); // the server side has accepted
    fake.answerAll();
    // TTL 1 s fences 500 ms after a send. Block past the registration's deadline but not
    // past the heartbeat's: the answer is in the socket, unread, when the timer fires.
    const oldDeadline = registeredAt + 500;
    const newDeadline = hb.sentAt + 500;
    expect(newDeadline - oldDeadline).toBeGreaterThan(100);
    client.write("renewed");
    busyUntil((oldDeadline + newDeadline) / 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(agent.status().lastRenewSentAt).toBeGreaterThan(registeredAt + 100); // the heartbeat counted
    expect(logs.filter((l) => l.startsWith("fencing"))).toEqual([]);
    expect(agent.status().fenced).toBe(false);
  });

  it("still fences when the renewal answer never comes", async () => {
    const fake = fakeApi();
    const { agent, logs, registeredAt } = await registered(fake);
    await until("the first heartbeat", () => fake.heartbeats[0]);
    busyUntil(registeredAt + 700);
    await until("fencing", () => agent.status().fenced);
    expect(logs.find((l) => l.startsWith("fencing"))).toMatch(/no lease renewal confirmed in time \(last renewal sent \d+ ms ago; the check ran \d+ ms late\)/);
  });

  it("still fences when its timer fires a little early by the agent's clock", async () => {
    // Node's timers count whole milliseconds on their own clock; the agent's clock may
    // read a moment before the deadline when the timer fires.
    const early = { now: () => systemClock.now() - 3, setTimeout: systemClock.setTimeout };
    const { agent, logs } = await registered(fakeApi(), early);
    await until("fencing", () => agent.status().fenced, 3000);
    expect(logs.filter((l) => l.startsWith("fencing"))).toHaveLength(1);
  });

  it("lets timers run between the tasks of a long reconcile", async () => {
    const opts = [{ section: "Service", name: "ExecStart", value: "/bin/true" }];
    const units: DesiredUnit[] = Array.from({ length: 100 }, (_, i) => ({ name: `u${i}.service`, hash: hashOptions(opts), options: opts, desiredState: "launched", global: false }));
    const fake = fakeApi(units);
    fake.answerAll();
    const executor = new RecordingExecutor();
    const start = executor.start.bind(executor);
    let ticks = 0;
    let startedAt: number | undefined;
    executor.start = async (name: string) => {
      startedAt ??= ticks;
      busyUntil(systemClock.now() + 3); // a synchronous spawn
      return start(name);
    };
    const ticker = setInterval(() => ticks++, 1);
    try {
      agent = new Agent({ info: INFO, api: fake.api, executor, clock: systemClock, leaseTtlSeconds: 5, log: () => undefined });
      await agent.start();
      await until("every unit started", () => executor.calls.filter((c) => c.op === "start").length === 100, 20_000);
      // 100 starts of 3 ms each are 300 ms of blocking; with a yield every 50 ms the
      // 1 ms ticker ran several times meanwhile (without yields it could run at most once).
      expect(ticks - startedAt!).toBeGreaterThanOrEqual(3);
    } finally {
      clearInterval(ticker);
    }
  });
});
