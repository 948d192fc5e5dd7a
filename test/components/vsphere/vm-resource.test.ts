// VsphereVm under Pulumi mocks: the inputs the engine receives, the secret connection,
// and that the provider serialises (a dynamic provider that cannot be serialised fails
// only at `pulumi up`, so this is checked here).
import Module from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { VsphereVm } from "../../../components/vsphere/vm";
import { vmProvider } from "../../../components/vsphere/vm-provider";
import { startVcsim, type Vcsim } from "../../support/vcsim";
import { describeWithSim } from "./sim";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: "vm-1", state: { ...args.inputs, moref: "vm-1", ipAddress: "192.0.2.10", powerState: "poweredOn" } };
      },
      call: () => ({}),
    },
    "hafen",
    "test",
    false,
  );
});

function resolve<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((r) => o.apply(r));
}

describeWithSim("the serialised provider (what Pulumi ships to its dynamic provider host)", () => {
  let sim: Vcsim;
  beforeAll(async () => {
    sim = await startVcsim();
  }, 300_000);
  afterAll(async () => sim?.stop());

  test("loads from its text alone and creates and deletes a VM", async () => {
    const provider = vmProvider();
    const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    // Load it the way the dynamic provider host does: as a fresh module from text.
    const m = new Module("serialized-vm-provider");
    m.paths = module.paths;
    (m as unknown as { _compile(code: string, file: string): void })._compile(sf.text, join(tmpdir(), "serialized-vm-provider.js"));
    const shipped = (m.exports as Record<string, () => typeof provider>)[sf.exportName]!();
    const inputs = {
      connection: { url: sim.url, username: sim.username, password: sim.password },
      datacenter: sim.datacenter,
      template: "hafen-template",
      resourcePool: "DC0_C0",
      name: "shipped-1",
      numCpus: 1,
      memoryMb: 512,
      extraConfig: { "SET.guest.ipAddress": "192.0.2.99" },
    };
    const r = await shipped.create(inputs);
    expect(r.outs).toMatchObject({ ipAddress: "192.0.2.99", powerState: "poweredOn" });
    await shipped.delete!(r.id, r.outs!);
    expect(await shipped.read!(r.id, r.outs!)).toEqual({});
  }, 60_000);
});

test("registers a dynamic vsphere:Vm with its inputs, a serialised provider and a secret connection", async () => {
  const password = pulumi.output("pw-in-config");
  const vm = new VsphereVm("m1", {
    connection: { url: "https://vc.example.com/sdk", username: "u", password },
    datacenter: "DC1",
    template: "templates/flatcar",
    resourcePool: "Cluster1",
    name: "m1",
    numCpus: 2,
    memoryMb: 2048,
    guestinfo: { "guestinfo.coreos.config.data": "e30=", "guestinfo.coreos.config.data.encoding": "base64" },
  });
  expect(await resolve(vm.ipAddress)).toBe("192.0.2.10");
  expect(await resolve(vm.moref)).toBe("vm-1");
  expect(await resolve(vm.id)).toBe("vm-1");
  const r = registered.find((x) => x.name === "m1")!;
  expect(r.type).toBe("pulumi-nodejs:dynamic/vsphere:Vm");
  expect(r.inputs).toMatchObject({ datacenter: "DC1", template: "templates/flatcar", numCpus: 2, memoryMb: 2048, name: "m1" });
  expect(typeof r.inputs["__provider"]).toBe("string");
  const connection = (vm as unknown as { connection: pulumi.Output<unknown> }).connection;
  expect(await pulumi.isSecret(connection)).toBe(true);
}, 20_000);
