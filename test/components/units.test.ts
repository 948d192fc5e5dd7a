// Units through the Cluster and the Unit component under mocks: the cluster's units become
// Unit children holding the cluster's client config as a secret, the options fleet gets,
// and the options fleet gets. (A unit given as an Output is linted in the program when it
// resolves — components/unit/lint.ts, tested in unit-provider.test.ts.)
import { Cluster } from "../../components/cluster";
import { childRecorder, installMocks, isSecretInput, plain, registered, resolve, settle } from "./mocks";
import { awsPool, clusterArgs } from "./fixtures";

installMocks();

const WEB = "[Unit]\nDescription=web\n\n[Service]\nExecStart=/usr/bin/sleep 1000\n\n[X-Fleet]\nMachineMetadata=role=worker\n";

test("a cluster's units are Unit children with its client config (secret) and the options fleet gets", async () => {
  const rec = childRecorder();
  const c = new Cluster("web", clusterArgs({ pools: [awsPool({ count: 1 })], units: [{ name: "web@1.service", contents: WEB }] }), { transformations: rec.transformations });
  await Promise.all([resolve(c.machines), resolve(c.clientConfig), resolve(c.units[0]!.hash)]);
  await settle();
  const unit = rec.children.find((x) => x.type === "hafen:index:Unit")!;
  expect(unit.name).toBe("web-web@1.service");
  expect(unit.parent).toBe(c);
  expect(unit.resource).toBe(c.units[0]);
  const r = registered.find((x) => x.type === "pulumi-nodejs:dynamic/hafen:Unit" && x.name === "web-web@1.service")!;
  expect(isSecretInput(r.inputs.cluster)).toBe(true);
  expect(plain<{ endpoint: string; token: string }>(r.inputs.cluster)).toMatchObject({ endpoint: expect.stringMatching(/^https:\/\/203\.0\.113\.\d+:7480$/), token: expect.stringMatching(/^hfa_/) });
  expect(r.inputs).toMatchObject({
    name: "web@1.service",
    desiredState: "launched",
    submitted: [
      { section: "Unit", name: "Description", value: "web" },
      { section: "Service", name: "ExecStart", value: "/usr/bin/sleep 1000" },
      { section: "X-Fleet", name: "MachineMetadata", value: "role=worker" },
    ],
  });
  // The component's registered inputs are the unit's definition, never credentials.
  const comp = registered.find((x) => x.type === "hafen:index:Unit" && x.name === "web-web@1.service")!;
  expect(comp.inputs).toEqual({ name: "web@1.service", contents: WEB, desiredState: "launched" });
  expect(await resolve(c.units[0]!.hash)).toMatch(/^[0-9a-f]{40}$/);
});

test("the Cluster registers the facts the policy pack reads", async () => {
  const c = new Cluster("facts", clusterArgs({ pools: [awsPool({ count: 3 })] }));
  await resolve(c.machines);
  await settle();
  const r = registered.find((x) => x.type === "hafen:index:Cluster" && x.name === "facts")!;
  expect(r.inputs).toMatchObject({ name: "facts", controlCount: 3, local: false, store: "etcd", tls: { enabled: true }, discovery: { size: 3, managed: false } });
  expect(JSON.stringify(r.inputs)).not.toMatch(/hfa_|hfb_|PRIVATE KEY/);
});
