// fleet API v1 conformance, machines: GET /machines with pagination (machines registered
// the way agents register, with the bootstrap token), PATCH /machines JSON-Patch of
// metadata (fleet's value forms, all-or-nothing validation, overrides that outlive a
// machine leaving and rejoining), and the engine placing units by PATCHed metadata.
import { startControlPlane, eventually, type TestControlPlane } from "../../support/cluster";
import { FleetHttp, expectEmpty, expectError, jsonOf, machineId, registerMachine, storeFingerprint } from "../../support/fleet-http";
import { Engine } from "../../../runtime/engine";
import { encodePageToken } from "../../../runtime/api/pagination";
import { keyspace } from "../../../runtime/cluster/keys";
import type { RecordingExecutor } from "../../../runtime/executor/recording";

interface Machine {
  id: string;
  primaryIP: string;
  metadata: Record<string, string>;
}

const ks = keyspace();
const mdPath = (id: string, k: string) => `/${id}/metadata/${k}`;

describe("GET /fleet/v1/machines and PATCH /fleet/v1/machines", () => {
  let cp: TestControlPlane;
  let api: FleetHttp;
  const ids = Array.from({ length: 150 }, (_, i) => machineId(0x1000 + i));

  beforeAll(async () => {
    cp = await startControlPlane({ leaseTtlSeconds: 60 });
    api = new FleetHttp(cp.server.url, cp.adminToken);
    expect(jsonOf(await api.get("/machines"))).toEqual({ machines: [] });
    for (let i = 0; i < ids.length; i += 10) {
      await Promise.all(
        ids.slice(i, i + 10).map((id, j) =>
          registerMachine(cp.server.url, cp.bootstrapToken, { id, primaryIP: `10.0.${i / 10}.${j + 1}`, metadata: { zone: `z${(i + j) % 3}` } }),
        ),
      );
    }
  });
  afterAll(async () => {
    await cp.stop();
  });

  async function machine(id: string): Promise<Machine | undefined> {
    return (await api.all<Machine>("/machines", "machines")).find((m) => m.id === id);
  }

  /** Sends a PATCH that must be refused and proves that nothing was applied. */
  async function refuses(body: unknown, status: number, message?: RegExp | string, contentType?: string | null) {
    const before = await storeFingerprint(cp.store);
    const listBefore = await api.all("/machines", "machines");
    expectError(await api.patch("/machines", body, contentType === undefined ? {} : { contentType }), status, message);
    expect(await storeFingerprint(cp.store)).toEqual(before);
    expect(await api.all("/machines", "machines")).toEqual(listBefore);
  }

  it("150 machines come in pages of 100 and 50, sorted by id, each with id, primaryIP and metadata only", async () => {
    const { pages, tokens } = await api.pages<Machine>("/machines", "machines");
    expect(pages.map((p) => p.length)).toEqual([100, 50]);
    expect(tokens).toHaveLength(1);
    expect(pages.flat().map((m) => m.id)).toEqual(ids);
    expect(pages[0]![0]).toEqual({ id: ids[0], primaryIP: "10.0.0.1", metadata: { zone: "z0" } });
    for (const m of pages.flat()) expect(Object.keys(m).sort()).toEqual(["id", "metadata", "primaryIP"]);
  });

  it("bad page tokens → 400; /v1-alpha pages the same way", async () => {
    expectError(await api.get("/machines?nextPageToken=bogus"), 400, /invalid value of nextPageToken/);
    expectError(await api.get(`/machines?nextPageToken=${encodePageToken({ limit: 100, page: 0 })}`), 400, /nextPageToken/);
    const alpha = await api.with({ prefix: "/v1-alpha" }).pages<Machine>("/machines", "machines");
    expect(alpha.pages.map((p) => p.length)).toEqual([100, 50]);
  });

  it("add (documented plain value) and replace (fleet server's {value:{value}} form) → 204, merged over announced metadata", async () => {
    const [a, b] = [ids[0]!, ids[1]!];
    const res = await api.patch("/machines", [
      { op: "add", path: mdPath(a, "region"), value: "eu-west" },
      { op: "replace", path: mdPath(b, "zone"), value: { value: "zz" } },
      { op: "add", path: mdPath(b, "disk"), value: { value: "ssd" } },
    ]);
    expectEmpty(res, 204);
    expect(await machine(a)).toEqual({ id: a, primaryIP: "10.0.0.1", metadata: { zone: "z0", region: "eu-west" } });
    expect((await machine(b))!.metadata).toEqual({ zone: "zz", disk: "ssd" });
  });

  it("operations apply in order: add then replace then remove of one key in one request", async () => {
    const c = ids[2]!;
    expectEmpty(
      await api.patch("/machines", [
        { op: "add", path: mdPath(c, "k"), value: "1" },
        { op: "replace", path: mdPath(c, "k"), value: "2" },
        { op: "add", path: mdPath(c, "keep"), value: "yes" },
        { op: "remove", path: mdPath(c, "k") },
      ]),
      204,
    );
    expect((await machine(c))!.metadata).toEqual({ zone: "z2", keep: "yes" });
  });

  it("remove hides a key the machine announced itself (fleet merges a removal over announced metadata)", async () => {
    const d = ids[3]!;
    expectEmpty(await api.patch("/machines", [{ op: "remove", path: mdPath(d, "zone") }]), 204);
    expect((await machine(d))!.metadata).toEqual({});
  });

  it("keys that are special in JavaScript (__proto__, constructor) are ordinary metadata keys", async () => {
    const g = ids[6]!;
    expectEmpty(
      await api.patch("/machines", [
        { op: "add", path: mdPath(g, "__proto__"), value: "p" },
        { op: "add", path: mdPath(g, "constructor"), value: "c" },
      ]),
      204,
    );
    expect(Object.entries((await machine(g))!.metadata).sort()).toEqual([["__proto__", "p"], ["constructor", "c"], ["zone", "z0"]]);
    expectEmpty(await api.patch("/machines", [{ op: "remove", path: mdPath(g, "__proto__") }]), 204);
    expect(Object.entries((await machine(g))!.metadata).sort()).toEqual([["constructor", "c"], ["zone", "z0"]]);
  });

  it("an empty operation list → 204 and nothing changes", async () => {
    const before = await storeFingerprint(cp.store);
    expectEmpty(await api.patch("/machines", []), 204);
    const after = await storeFingerprint(cp.store);
    expect(after.kvs).toEqual(before.kvs);
  });

  const ok = { op: "add", path: mdPath(machineId(0x1000), "fine"), value: "yes" };
  it.each([
    ["an unknown op", { op: "move", path: mdPath(ids[0]!, "x"), value: "a" }, /invalid op/],
    ["JSON-Patch test", { op: "test", path: mdPath(ids[0]!, "x"), value: "a" }, /invalid op/],
    ["a missing op", { path: mdPath(ids[0]!, "x"), value: "a" }, /invalid op/],
    ["a path without metadata", { op: "add", path: `/${ids[0]}/foo`, value: "a" }, /path/],
    ["a path without a key", { op: "add", path: `/${ids[0]}/metadata/`, value: "a" }, /path/],
    ["a nested key", { op: "add", path: `/${ids[0]}/metadata/a/b`, value: "a" }, /path/],
    ["a relative path", { op: "add", path: `${ids[0]}/metadata/x`, value: "a" }, /path/],
    ["a key with a blank", { op: "add", path: `/${ids[0]}/metadata/a b`, value: "a" }, /path/],
    ["a number path", { op: "add", path: 5, value: "a" }, /path/],
    ["a missing path", { op: "remove" }, /path/],
    ["add without value", { op: "add", path: mdPath(ids[0]!, "x") }, /value/],
    ["replace with an empty value", { op: "replace", path: mdPath(ids[0]!, "x"), value: "" }, /value/],
    ["add with {value:\"\"}", { op: "add", path: mdPath(ids[0]!, "x"), value: { value: "" } }, /value/],
    ["a number value", { op: "add", path: mdPath(ids[0]!, "x"), value: 5 }, /value/],
    ["a null value", { op: "add", path: mdPath(ids[0]!, "x"), value: null }, /value/],
    ["a list value", { op: "add", path: mdPath(ids[0]!, "x"), value: ["a"] }, /value/],
    ["{value: number}", { op: "add", path: mdPath(ids[0]!, "x"), value: { value: 5 } }, /value/],
    ["a string entry", "add", /object/],
    ["a null entry", null, /object/],
  ])("%s → 400 and nothing applied, even after a valid operation in the same list", async (_what, bad, message) => {
    await refuses([ok, bad], 400, message);
  });

  it.each([
    ["an object", { op: "add", path: mdPath(machineId(0x1000), "x"), value: "a" }, /array/],
    ["null", "null", /array/],
    ["malformed JSON", '[{"op":"add",', /JSON/],
    ["empty", "", /body|JSON/],
  ])("a body that is not a JSON-Patch list (%s) → 400", async (_what, body, message) => {
    await refuses(body, 400, message);
  });

  it("Content-Type: JSON-Patch's own media type and none at all (as fleet's tests send) are accepted; others → 415", async () => {
    const e = ids[4]!;
    expectEmpty(await api.patch("/machines", [{ op: "add", path: mdPath(e, "a"), value: "1" }], { contentType: "application/json-patch+json" }), 204);
    expectEmpty(await api.patch("/machines", [{ op: "add", path: mdPath(e, "b"), value: "2" }], { contentType: null }), 204);
    expect((await machine(e))!.metadata).toEqual({ zone: "z1", a: "1", b: "2" });
    await refuses([{ op: "add", path: mdPath(e, "c"), value: "3" }], 415, /Content-Type/, "text/plain");
  });

  it("metadata for a machine that is not registered yet is kept and shows once it registers", async () => {
    const late = machineId(0xbeef);
    expectEmpty(await api.patch("/machines", [{ op: "add", path: mdPath(late, "role"), value: "db" }]), 204);
    expect(await machine(late)).toBeUndefined();
    await registerMachine(cp.server.url, cp.bootstrapToken, { id: late, metadata: { zone: "z9" } });
    expect((await machine(late))!.metadata).toEqual({ zone: "z9", role: "db" });
  });

  it("PATCHed metadata persists across the machine re-registering and across it leaving and rejoining", async () => {
    const id = machineId(0xcafe);
    const reg = await registerMachine(cp.server.url, cp.bootstrapToken, { id, metadata: { zone: "a", disk: "hdd" } });
    expectEmpty(
      await api.patch("/machines", [
        { op: "replace", path: mdPath(id, "disk"), value: "ssd" },
        { op: "add", path: mdPath(id, "rack"), value: "r1" },
        { op: "remove", path: mdPath(id, "zone") },
      ]),
      204,
    );
    expect((await machine(id))!.metadata).toEqual({ disk: "ssd", rack: "r1" });
    // Re-registering with its own token and new announced metadata: overrides still win.
    await registerMachine(cp.server.url, reg.machineToken, { id, metadata: { zone: "b", disk: "nvme", gpu: "yes" } });
    expect((await machine(id))!.metadata).toEqual({ disk: "ssd", rack: "r1", gpu: "yes" });
    // Leaving: its lease ends (as when it dies), so it is no longer listed...
    const lease = (await cp.store.get(ks.machine(id)))!.lease!;
    await cp.store.revokeLease(lease);
    expect(await machine(id)).toBeUndefined();
    // ...and rejoining brings the overrides back.
    await registerMachine(cp.server.url, cp.bootstrapToken, { id, metadata: { zone: "c", disk: "hdd" } });
    expect((await machine(id))!.metadata).toEqual({ disk: "ssd", rack: "r1" });
  });

  it("/v1-alpha PATCH works the same", async () => {
    const f = ids[5]!;
    expectEmpty(await api.with({ prefix: "/v1-alpha" }).patch("/machines", [{ op: "add", path: mdPath(f, "alpha"), value: "1" }]), 204);
    expect((await machine(f))!.metadata).toMatchObject({ alpha: "1" });
  });
});

describe("the engine places units by PATCHed metadata", () => {
  let cp: TestControlPlane;
  let api: FleetHttp;
  const A = "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3";
  const B = "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4";
  const exec = new Map<string, RecordingExecutor>();

  beforeAll(async () => {
    cp = await startControlPlane({ engine: (store) => new Engine({ store, id: "e1", leaseTtlSeconds: 1, debounceMs: 5 }) });
    api = new FleetHttp(cp.server.url, cp.adminToken);
    exec.set(A, (await cp.startAgent({ id: A, name: "a", metadata: { region: "eu" } })).executor as RecordingExecutor);
    exec.set(B, (await cp.startAgent({ id: B, name: "b", metadata: { region: "us", disk: "ssd" } })).executor as RecordingExecutor);
    await eventually(async () => (await api.all("/machines", "machines")).length === 2, 5000, "two machines");
  });
  afterAll(async () => {
    await cp.stop();
  });

  const unit = async (name: string) => jsonOf(await api.get(`/units/${name}`)) as { currentState: string; machineID?: string };

  it("a unit waits for matching metadata, runs where a PATCH adds it, and stops when a PATCH removes it", async () => {
    const options = [
      { section: "Service", name: "ExecStart", value: "/bin/sleep 3000" },
      { section: "X-Fleet", name: "MachineMetadata", value: "region=ap" },
    ];
    expectEmpty(await api.put("/units/ap.service", { desiredState: "launched", options }), 201);
    // Nothing matches yet: the engine leaves it unplaced.
    await eventually(async () => (await cp.store.get(ks.unschedulableUnit("ap.service"))) !== undefined, 5000, "ap.service unschedulable");
    expect(await unit("ap.service")).toMatchObject({ currentState: "inactive" });
    expect((await unit("ap.service")).machineID).toBeUndefined();

    expectEmpty(await api.patch("/machines", [{ op: "replace", path: mdPath(A, "region"), value: "ap" }]), 204);
    const placed = await eventually(async () => {
      const u = await unit("ap.service");
      return u.currentState === "launched" && u;
    }, 8000, "ap.service launched on A");
    expect(placed.machineID).toBe(A);
    expect(exec.get(A)!.events().filter((e) => e.unit === "ap.service").map((e) => e.event)).toEqual(["started"]);

    expectEmpty(await api.patch("/machines", [{ op: "remove", path: mdPath(A, "region") }]), 204);
    await eventually(() => exec.get(A)!.events().some((e) => e.unit === "ap.service" && e.event === "stopped"), 8000, "ap.service stopped on A");
    await eventually(async () => (await unit("ap.service")).machineID === undefined, 8000, "ap.service unplaced");
    expect(exec.get(B)!.calls.filter((c) => c.unit === "ap.service")).toEqual([]);
  });

  it("removing an announced key through PATCH takes the machine out of matching for that key", async () => {
    const options = [
      { section: "Service", name: "ExecStart", value: "/bin/sleep 3000" },
      { section: "X-Fleet", name: "MachineMetadata", value: "disk=ssd" },
    ];
    expectEmpty(await api.put("/units/ssd.service", { desiredState: "launched", options }), 201);
    await eventually(async () => (await unit("ssd.service")).machineID === B, 8000, "ssd.service on B");
    expectEmpty(await api.patch("/machines", [{ op: "remove", path: mdPath(B, "disk") }]), 204);
    await eventually(() => exec.get(B)!.events().some((e) => e.unit === "ssd.service" && e.event === "stopped"), 8000, "ssd.service stopped on B");
    expect(exec.get(A)!.calls.filter((c) => c.unit === "ssd.service")).toEqual([]);
  });
});
