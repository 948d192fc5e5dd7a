import { ManualClock } from "../../../runtime/clock";
import { RecordingExecutor } from "../../../runtime/executor/recording";
import type { UnitSpec } from "../../../runtime/executor/types";

const unit = (i: number): UnitSpec => ({ name: `u${i}.service`, hash: `h${i}`, options: [{ section: "Service", name: "ExecStart", value: "/bin/sleep 1000" }] });

test("records calls with the injected clock's time and spawns nothing", async () => {
  const clock = new ManualClock(5000);
  const ex = new RecordingExecutor({ clock, monotonic: () => clock.now() });
  await ex.load(unit(1));
  clock.advance(10);
  await ex.start("u1.service");
  clock.advance(10);
  await ex.stop("u1.service");
  await ex.unload("u1.service");
  expect(ex.calls).toEqual([
    { at: 5000, op: "load", unit: "u1.service", hash: "h1" },
    { at: 5010, op: "start", unit: "u1.service" },
    { at: 5020, op: "stop", unit: "u1.service" },
    { at: 5020, op: "stop", unit: "u1.service" },
    { at: 5020, op: "unload", unit: "u1.service" },
  ]);
  expect(ex.events()).toEqual([
    { at: 5010, mono: 5010, unit: "u1.service", event: "started" },
    { at: 5020, mono: 5020, unit: "u1.service", event: "stopped", detail: "success" },
  ]);
});

test("10,000 units load, start and stop; the event record stays bounded", async () => {
  const ex = new RecordingExecutor({ clock: new ManualClock(), eventCapacity: 1000 });
  let changes = 0;
  ex.onChange(() => changes++);
  for (let i = 0; i < 10_000; i++) await ex.load(unit(i));
  for (let i = 0; i < 10_000; i++) await ex.start(`u${i}.service`);
  const listed = await ex.list();
  expect(listed).toHaveLength(10_000);
  expect(listed.every((s) => s.activeState === "active" && s.subState === "running")).toBe(true);
  expect(changes).toBe(20_000);
  expect(ex.events()).toHaveLength(1000);
  expect(ex.events()[999]).toMatchObject({ unit: "u9999.service", event: "started" });
  expect(ex.events()[0]).toMatchObject({ unit: "u9000.service", event: "started" });
  await ex.close();
  expect(ex.events().every((e) => e.event === "stopped")).toBe(true);
});

test("a replaced unit keeps its state and shows the new hash", async () => {
  const ex = new RecordingExecutor();
  await ex.load(unit(1));
  await ex.start("u1.service");
  await ex.load({ ...unit(1), hash: "new" });
  expect(await ex.list()).toEqual([{ name: "u1.service", hash: "new", loadState: "loaded", activeState: "active", subState: "running" }]);
  await ex.close();
});
