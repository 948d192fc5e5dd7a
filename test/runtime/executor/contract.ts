// The executor contract (runtime/executor/types.ts) as tests. Every executor runs it:
// process (real processes), recording, and systemd (against FakeSystemd). What differs
// between them (real output, restart timing, bad-setting detection) is tested per
// executor elsewhere.
import { isExecutorError } from "../../../runtime/executor/errors";
import type { Executor, UnitOption, UnitSpec, UnitStatus } from "../../../runtime/executor/types";

export interface ContractTarget {
  readonly name: string;
  make(): Promise<Executor>;
}

const S = (name: string, value: string): UnitOption => ({ section: "Service", name, value });
const LONG: UnitOption[] = [{ section: "Unit", name: "Description", value: "sleeps" }, S("ExecStart", "/bin/sleep 1000"), { section: "X-Fleet", name: "Global", value: "true" }];
const ONESHOT: UnitOption[] = [S("Type", "oneshot"), S("ExecStart", "/bin/true")];
const REMAIN: UnitOption[] = [...ONESHOT, S("RemainAfterExit", "yes")];

const spec = (name: string, options: UnitOption[], hash = "h1"): UnitSpec => ({ name, hash, options });

async function find(ex: Executor, name: string): Promise<UnitStatus | undefined> {
  return (await ex.list()).find((s) => s.name === name);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "resolved";
  } catch (e) {
    return isExecutorError(e) ? e.code : `not an ExecutorError: ${String(e)}`;
  }
}

export function executorContract(target: ContractTarget): void {
  describe(`executor contract: ${target.name}`, () => {
    let ex: Executor;
    let seen: UnitStatus[];
    beforeEach(async () => {
      ex = await target.make();
      seen = [];
      ex.onChange((s) => seen.push(s));
    });
    afterEach(async () => ex.close());

    test("load makes a unit known: loaded, inactive, dead, with its hash; listeners hear it", async () => {
      await ex.load(spec("a.service", LONG));
      expect(await find(ex, "a.service")).toMatchObject({ name: "a.service", hash: "h1", loadState: "loaded", activeState: "inactive", subState: "dead" });
      expect(seen.some((s) => s.name === "a.service" && s.loadState === "loaded")).toBe(true);
    });

    test("load is idempotent and replaces a unit with another hash", async () => {
      await ex.load(spec("a.service", LONG));
      await ex.load(spec("a.service", LONG));
      expect((await ex.list()).filter((s) => s.name === "a.service")).toHaveLength(1);
      await ex.load(spec("a.service", LONG, "h2"));
      expect(await find(ex, "a.service")).toMatchObject({ hash: "h2", loadState: "loaded" });
      expect((await ex.list()).filter((s) => s.name === "a.service")).toHaveLength(1);
    });

    test("start runs a unit (active/running) once; stop ends it; both are recorded", async () => {
      await ex.load(spec("a.service", LONG));
      await ex.start("a.service");
      expect(await find(ex, "a.service")).toMatchObject({ activeState: "active", subState: "running" });
      expect(seen.some((s) => s.name === "a.service" && s.activeState === "active")).toBe(true);
      await ex.start("a.service"); // already active: nothing new
      expect(ex.events().filter((e) => e.unit === "a.service" && e.event === "started")).toHaveLength(1);
      await ex.stop("a.service");
      await ex.stop("a.service");
      expect(await find(ex, "a.service")).toMatchObject({ activeState: "inactive", subState: "dead" });
      expect(ex.events().filter((e) => e.unit === "a.service").map((e) => e.event)).toEqual(["started", "stopped"]);
      for (const e of ex.events()) expect(typeof e.at).toBe("number");
    });

    test("oneshot: inactive/dead after its start, active/exited with RemainAfterExit=yes", async () => {
      await ex.load(spec("once.service", ONESHOT));
      await ex.load(spec("stay.service", REMAIN));
      await ex.start("once.service");
      await ex.start("stay.service");
      expect(await find(ex, "once.service")).toMatchObject({ activeState: "inactive", subState: "dead" });
      expect(await find(ex, "stay.service")).toMatchObject({ activeState: "active", subState: "exited" });
    });

    test("unknown units: start rejects with not-loaded; stop and unload are no-ops", async () => {
      expect(await codeOf(ex.start("ghost.service"))).toBe("not-loaded");
      expect(await codeOf(ex.stop("ghost.service"))).toBe("resolved");
      expect(await codeOf(ex.unload("ghost.service"))).toBe("resolved");
    });

    test.each([
      ["a path as name", spec("../etc/x.service", LONG)],
      ["no type suffix", spec("web", LONG)],
      ["an empty name", spec("", LONG)],
      ["options not a list", { name: "a.service", hash: "h", options: "ExecStart=/bin/true" } as unknown as UnitSpec],
      ["an option value not text", { name: "a.service", hash: "h", options: [{ section: "Service", name: "ExecStart", value: 5 }] } as unknown as UnitSpec],
    ])("load refuses %s with invalid-unit and changes nothing", async (_what, bad) => {
      expect(await codeOf(ex.load(bad))).toBe("invalid-unit");
      expect(await ex.list()).toEqual([]);
    });

    test("unload stops a running unit and forgets it", async () => {
      await ex.load(spec("a.service", LONG));
      await ex.start("a.service");
      await ex.unload("a.service");
      expect(await find(ex, "a.service")).toBeUndefined();
      expect(ex.events().map((e) => e.event)).toEqual(["started", "stopped"]);
      expect(await codeOf(ex.start("a.service"))).toBe("not-loaded");
    });

    test("journal answers with lines; followJournal returns an idempotent unsubscribe", async () => {
      await ex.load(spec("a.service", LONG));
      await ex.start("a.service");
      expect(Array.isArray(await ex.journal("a.service", 10))).toBe(true);
      for (const garbage of [Number.NaN, -5, Infinity, 0]) expect(await ex.journal("a.service", garbage)).toEqual([]);
      const stop = ex.followJournal("a.service", () => undefined);
      stop();
      stop();
    });

    test("close stops what runs and refuses further work", async () => {
      await ex.load(spec("a.service", LONG));
      await ex.start("a.service");
      await ex.close();
      expect(ex.events().map((e) => e.event)).toEqual(["started", "stopped"]);
      expect(await codeOf(ex.load(spec("b.service", LONG)))).toBe("closed");
      expect(await codeOf(ex.start("a.service"))).toBe("closed");
    });
  });
}
