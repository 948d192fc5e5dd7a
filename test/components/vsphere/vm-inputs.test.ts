import { checkVmInputs, diffVm, inventoryPaths, same, type VmInputs } from "../../../components/vsphere/vm-inputs";

const base: VmInputs = {
  connection: { url: "https://vc.example.com/sdk", username: "u", password: "p" },
  datacenter: "DC1",
  template: "templates/flatcar",
  resourcePool: "Cluster1",
  name: "m1",
  numCpus: 2,
  memoryMb: 2048,
  guestinfo: { "guestinfo.ignition.config.data": "e30=", "guestinfo.ignition.config.data.encoding": "base64" },
};

describe("checkVmInputs", () => {
  test("valid inputs have no problems", () => {
    expect(checkVmInputs(base)).toEqual([]);
    expect(checkVmInputs({ ...base, folder: "hafen", datastore: "ds1", extraConfig: { "disk.EnableUUID": "TRUE" }, waitForIp: false, ipTimeoutMs: 1000 })).toEqual([]);
  });

  test("collects every problem at once, each with its field path, value and what is accepted", () => {
    const bad = {
      connection: { url: "ftp://vc", username: "", password: 42, insecure: true, caPem: "nope" },
      datacenter: "a/b",
      template: "",
      resourcePool: 7,
      name: "x".repeat(81),
      numCpus: 1.5,
      memoryMb: 1023,
      guestinfo: { "ignition.config.data": "x" },
      extraConfig: { "guestinfo.sneaky": "x", "bad key": "v" },
      waitForIp: "yes",
      ipTimeoutMs: -1,
    };
    const fields = checkVmInputs(bad).map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        "connection.url",
        "connection.username",
        "connection.password",
        "connection.caPem",
        "connection.insecure",
        "datacenter",
        "template",
        "resourcePool",
        "name",
        "numCpus",
        "memoryMb",
        'guestinfo["ignition.config.data"]',
        'extraConfig["guestinfo.sneaky"]',
        'extraConfig["bad key"]',
        "waitForIp",
        "ipTimeoutMs",
      ]),
    );
    const url = checkVmInputs(bad).find((p) => p.field === "connection.url")!;
    expect(url).toMatchObject({ value: "ftp://vc", accepted: expect.stringMatching(/https: URL/) });
  });

  test("never echoes the password", () => {
    const problems = checkVmInputs({ ...base, connection: { url: "nope", username: "u", password: ["hunter2"] } });
    expect(JSON.stringify(problems)).not.toContain("hunter2");
  });

  test("plain http is refused except for loopback simulators; URL credentials refused", () => {
    expect(checkVmInputs({ ...base, connection: { ...base.connection, url: "http://vc.example.com/sdk" } })[0]).toMatchObject({ field: "connection.url" });
    expect(checkVmInputs({ ...base, connection: { ...base.connection, url: "http://127.0.0.1:8989/sdk" } })).toEqual([]);
    const withCreds = checkVmInputs({ ...base, connection: { ...base.connection, url: "https://u:secret@vc/sdk" } });
    expect(withCreds[0]).toMatchObject({ field: "connection.url" });
    expect(JSON.stringify(withCreds)).not.toContain("secret");
  });

  test("non-object inputs and connection", () => {
    expect(checkVmInputs(null)[0]).toMatchObject({ field: "" });
    expect(checkVmInputs({ ...base, connection: "x" })[0]).toMatchObject({ field: "connection" });
  });
});

describe("inventoryPaths", () => {
  test("relative paths resolve inside the datacenter; '/' paths are absolute", () => {
    expect(inventoryPaths(base)).toEqual({ template: "DC1/vm/templates/flatcar", folder: "DC1/vm", resourcePool: "DC1/host/Cluster1" });
    expect(inventoryPaths({ ...base, template: "/Other/vm/t", folder: "hafen/prod", datastore: "ds1" })).toEqual({
      template: "Other/vm/t",
      folder: "DC1/vm/hafen/prod",
      resourcePool: "DC1/host/Cluster1",
      datastore: "DC1/datastore/ds1",
    });
  });
});

describe("diffVm", () => {
  test("no change, no diff (key order and undefined optional fields do not matter)", () => {
    const reordered = { ...base, guestinfo: { "guestinfo.ignition.config.data.encoding": "base64", "guestinfo.ignition.config.data": "e30=" }, folder: "" };
    expect(diffVm(base, reordered)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false, hardware: false });
  });

  test("guestinfo, template or placement changes replace; same name means delete first", () => {
    const d = diffVm(base, { ...base, guestinfo: { "guestinfo.x": "1" }, template: "templates/fcos" });
    expect(d).toMatchObject({ changes: true, replaces: ["template", "guestinfo"], deleteBeforeReplace: true });
    expect(diffVm(base, { ...base, name: "m2" })).toMatchObject({ replaces: ["name"], deleteBeforeReplace: false });
    expect(diffVm(base, { ...base, connection: { ...base.connection, url: "https://other/sdk" } }).replaces).toEqual(["connection.url"]);
  });

  test("CPU/memory update in place; credentials and wait settings change nothing on the VM", () => {
    expect(diffVm(base, { ...base, numCpus: 4 })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false, hardware: true });
    expect(diffVm(base, { ...base, connection: { ...base.connection, password: "new" } })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false, hardware: false });
    expect(diffVm(base, { ...base, ipTimeoutMs: 5 })).toMatchObject({ changes: true, hardware: false, replaces: [] });
  });

  test("same() is structural", () => {
    expect(same({ a: 1, b: { c: [1] } }, { b: { c: [1] }, a: 1 })).toBe(true);
    expect(same([1, 2], [2, 1])).toBe(false);
    expect(same({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(same({ a: 1 }, { a: 2 })).toBe(false);
  });
});
