// baremetal.NodePool under Pulumi mocks: the documents its BootMachines child receives
// (one group + one profile per machine, the machine's own model inside), secrets kept
// secret, bad arguments refused at construction with the argument path — and, feeding
// the captured inputs to the real provider and service, the config a machine fetches is
// the cloud machine's config (acceptance 2 from the Pulumi side).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { NodePool, bootMachinesProvider, parseDocuments, type BootDocuments, type PxeImageArgs } from "../../../components/baremetal";
import { loadMachine, parseMachineYaml, render, type Machine } from "../../../machine";
import { machineData, startBootServer, type BootServer } from "../../../runtime/boot";
import { tempDir } from "../../support/tmp";
import { argValue, bootLikeIpxe, ipxeGet, parseScript } from "../../runtime/boot/ipxe-client";
import { FCOS_IMAGES, FLATCAR_IMAGES, KEY } from "../../runtime/boot/fixtures";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  parent?: string;
}
const registered: Registered[] = [];

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        registered.push({ type: a.type, name: a.name, inputs: a.inputs });
        return { id: `${a.name}-id`, state: { ...a.inputs, generation: 1 } };
      },
      call: () => ({}),
    },
    "hafen",
    "test",
    false,
  );
});

const resolve = <T>(o: pulumi.Output<T>) => new Promise<T>((r) => o.apply(r));

/** Mocks receive secrets wrapped in Pulumi's secret envelope; this is the plain value. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
function unsecret(v: unknown): unknown {
  const o = v as Record<string, unknown> | undefined;
  return o && typeof o === "object" && SECRET_SIG in o ? o["value"] : v;
}
const documentsOf = (r: Registered): BootDocuments => parseDocuments(unsecret(r.inputs["documents"]) as string) as BootDocuments;

const CLOUD_MACHINE: Machine = (() => {
  const r = parseMachineYaml(readFileSync(join(__dirname, "../../../examples/machine.yaml"), "utf8"));
  if (!r.ok) throw new Error("examples/machine.yaml does not load");
  return r.value;
})();

const FLATCAR: PxeImageArgs = { os: "flatcar", ...FLATCAR_IMAGES };
const TOKEN = "pool-boot-token-0123456789abcdef";

function model(hostname: string): Machine {
  const r = loadMachine({ hostname, sshAuthorizedKeys: [KEY], files: [{ path: "/etc/blob", mode: 0o600, contents: { base64: "AAECAwT/" } }] });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.value;
}

test("one group and one profile per machine, with the machine's model, selectors and install choice", async () => {
  const pool = new NodePool("rack-a", {
    boot: { url: "http://boot.example:7483/", token: TOKEN },
    image: FLATCAR,
    format: "cloud-config",
    install: { disk: "/dev/sda" },
    kernelArgs: ["console=ttyS0,115200n8"],
    machines: [
      { name: "m1", mac: "52-54-00-A1-00-01", address: "10.0.0.11" },
      { name: "m2", mac: "525400a10002", uuid: "4C4C4544-0042-3510-8052-B4C04F4B4E31", install: false, kernelArgs: ["flatcar.autologin"] },
    ],
    machine: (m) => model(m.name),
  });
  const infos = await resolve(pool.machines);
  expect(infos).toEqual([
    { name: "m1", provider: "baremetal", pool: "rack-a", role: "worker", publicIp: "10.0.0.11", privateIp: "10.0.0.11", mac: "52:54:00:a1:00:01", group: "rack-a-m1", configUrl: "http://boot.example:7483/config?mac=52-54-00-a1-00-01" },
    { name: "m2", provider: "baremetal", pool: "rack-a", role: "worker", publicIp: "", privateIp: "", mac: "52:54:00:a1:00:02", group: "rack-a-m2", configUrl: "http://boot.example:7483/config?mac=52-54-00-a1-00-02&uuid=4c4c4544-0042-3510-8052-b4c04f4b4e31" },
  ]);
  expect(await resolve(pool.bootScriptUrl)).toBe("http://boot.example:7483/boot.ipxe");
  const r = registered.find((x) => x.type === "pulumi-nodejs:dynamic/baremetal:BootMachines" && x.name === "rack-a")!;
  expect((r.inputs["documents"] as Record<string, unknown>)[SECRET_SIG]).toBeDefined(); // sent as a secret
  expect((r.inputs["endpoint"] as Record<string, unknown>)[SECRET_SIG]).toBeDefined();
  const docs = documentsOf(r);
  expect(Object.keys(docs.groups)).toEqual(["rack-a-m1", "rack-a-m2"]);
  expect(docs.groups["rack-a-m2"]).toEqual({
    description: "Hafen bare-metal pool rack-a, machine m2 (managed by Pulumi)",
    profile: "rack-a-m2",
    selector: { mac: "525400a10002", uuid: "4C4C4544-0042-3510-8052-B4C04F4B4E31" },
    metadata: { pool: "rack-a", machine: "m2" },
  });
  const profiles = docs.profiles as Record<string, { boot: Record<string, unknown>; config: { format: string; machine: unknown } }>;
  expect(profiles["rack-a-m1"]!.boot).toEqual({ os: "flatcar", ...FLATCAR_IMAGES, args: ["console=ttyS0,115200n8"], install: { disk: "/dev/sda" } });
  expect(profiles["rack-a-m2"]!.boot).toEqual({ os: "flatcar", ...FLATCAR_IMAGES, args: ["console=ttyS0,115200n8", "flatcar.autologin"] });
  expect(profiles["rack-a-m1"]!.config).toEqual({ format: "cloud-config", machine: machineData(model("m1")) });
  expect(await pulumi.isSecret(pool.resource.documents)).toBe(true);
  expect(await pulumi.isSecret((pool.resource as unknown as { endpoint: pulumi.Output<unknown> }).endpoint)).toBe(true);
});

test("models given as secret Outputs (with binary files) are resolved and validated", async () => {
  const pool = new NodePool("rack-b", {
    boot: pulumi.secret({ url: "http://boot.example:7483", token: TOKEN }),
    image: FLATCAR,
    machines: [{ name: "m1", mac: "52:54:00:b1:00:01" }],
    machine: [pulumi.secret(model("b1"))],
  });
  const docs = parseDocuments(await resolve(pool.resource.documents)) as BootDocuments;
  expect((docs.profiles["rack-b-m1"] as { config: { machine: unknown } }).config.machine).toEqual(machineData(model("b1")));
});

test("bad arguments fail at construction, every one named by its path", () => {
  const make = (over: Partial<ConstructorParameters<typeof NodePool>[1]>, name = "bad") => () =>
    new NodePool(name, { boot: { url: "http://b:1", token: TOKEN }, image: FLATCAR, machines: [{ name: "m1", mac: "52:54:00:00:00:01" }], machine: () => model("x"), ...over });
  expect(make({ machines: [{ name: "M_1", mac: "52:54:00:00:00:01" }, { name: "m2", mac: "nope" }, { name: "m3", mac: "52-54-00-00-00-01" }, { name: "m3", mac: "52:54:00:00:00:04" }] })).toThrow(
    [
      "hafen:baremetal:NodePool bad: 4 problem(s):",
      '  machines[0].name: "M_1" must be 1-32 lowercase letters, digits and inner "-"',
      '  machines[1].mac: MAC "nope" is not accepted; expected 6 hex octets as 52:54:00:12:34:56, 52-54-00-12-34-56 (iPXE ${mac:hexhyp}) or 525400123456',
      "  machines[2].mac: 52-54-00-00-00-01 is also machines[0].mac",
      "  machines[3].name: m3 is also machines[2].name",
    ].join("\n"),
  );
  expect(make({ machine: [model("a"), model("b")] })).toThrow("machine: 2 machine models for 1 machines; give one per machine");
  expect(make({ image: { os: "fedora-coreos", ...FCOS_IMAGES }, format: "cloud-config" })).toThrow(/machines\[0\] \(m1\): config\.format: unsupported: Fedora CoreOS boots Ignition only/);
  expect(make({ install: { disk: "sda" } })).toThrow(/machines\[0\] \(m1\): boot\.install\.disk: invalid-value: expected a device path under \/dev/);
  expect(make({ kernelArgs: ["ignition.config.url=http://evil/"] })).toThrow(/machines\[0\] \(m1\): boot\.args\[0\]: conflict: ignition\.config\.url is generated by the boot service/);
  expect(make({ image: { os: "flatcar", kernel: { url: "ftp://x/k", sha256: "0".repeat(64) }, initrd: [] } })).toThrow(/boot\.kernel\.url: invalid-value: URL scheme ftp: is not supported[\s\S]*boot\.initrd: invalid-value: give at least one initrd/);
});

describe("against a real boot service", () => {
  let server: BootServer;
  beforeAll(async () => {
    server = await startBootServer({ host: "127.0.0.1", port: 0, dataDir: tempDir("hafen-pool-boot-"), watch: false, tokenHashes: [createHash("sha256").update(TOKEN).digest("hex")] });
  });
  afterAll(async () => server?.close());

  test("acceptance 2: the pool's machine boots with exactly the cloud machine's config", async () => {
    const pool = new NodePool("rack-c", { boot: { url: server.url, token: TOKEN }, image: FLATCAR, machines: [{ name: "control-1", mac: "52:54:00:c1:00:01" }], machine: [CLOUD_MACHINE] });
    await resolve(pool.machines);
    const r = registered.find((x) => x.type === "pulumi-nodejs:dynamic/baremetal:BootMachines" && x.name === "rack-c")!;
    const created = await bootMachinesProvider().create({ endpoint: { url: server.url, token: TOKEN }, documents: unsecret(r.inputs["documents"]) as string });
    const { script } = await bootLikeIpxe(server.url, { mac: "52:54:00:c1:00:01" });
    const configUrl = argValue(parseScript(script.body).args, "ignition.config.url")!;
    expect(configUrl).toBe((await resolve(pool.machines))[0]!.configUrl);
    const served = await ipxeGet(configUrl);
    const cloud = render(CLOUD_MACHINE, { format: "ignition", provider: "aws" });
    expect(cloud.ok && cloud.value.text).toBe(served.body);
    await bootMachinesProvider().delete!(created.id, created.outs!);
  });
});
