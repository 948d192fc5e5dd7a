// DiscoveryToken's provider against a real discovery service (in-process, 127.0.0.1,
// temp data dir): create asks /new?size=N, the URL works for etcd's protocol, diff
// replaces on any change, read notices a token the service lost, delete is a no-op.
// The same calls run on the provider as Pulumi ships it (serialised).
import { startDiscoveryServer, getSize, type DiscoveryServer } from "../../runtime/discovery";
import { tokenProvider } from "../../components/discovery/provider";
import { checkServiceUrl, diffToken } from "../../components/discovery/inputs";
import { tempDir } from "../support/tmp";
import { shipped } from "./serialize";

let server: DiscoveryServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDir();
  server = await startDiscoveryServer({ host: "127.0.0.1", port: 0, dataDir });
});
afterAll(async () => server?.close());

describe.each([
  ["in-process", async () => tokenProvider()],
  ["serialised", async () => shipped(tokenProvider(), "token-provider")],
])("DiscoveryToken provider (%s)", (_label, make) => {
  test("create makes a token of the asked size; its id is not the token", async () => {
    const p = await make();
    const r = await p.create({ service: server.url, size: 3 });
    expect(r.outs!.url).toMatch(new RegExp(`^${server.url}/[0-9a-f]{32}$`));
    expect(r.id).toMatch(/^[0-9a-f]{32}$/);
    expect(r.outs!.url).not.toContain(r.id);
    const size = await getSize(r.outs!.url);
    expect(size).toEqual({ ok: true, value: 3 });
    const read = await p.read!(r.id, r.outs);
    expect(read).toEqual({ id: r.id, props: r.outs });
    await expect(p.delete!(r.id, r.outs!)).resolves.toBeUndefined();
    expect(await getSize(r.outs!.url)).toEqual({ ok: true, value: 3 });
  });

  test("check refuses a bad service, size and CA, naming each property", async () => {
    const p = await make();
    const r = await p.check!({} as never, { service: "ftp://x", size: 0, ca: "nope" } as never);
    expect(r.failures!.map((f) => f.property).sort()).toEqual(["ca", "service", "size"]);
    expect(r.failures!.find((f) => f.property === "size")!.reason).toContain("from 1 to 99");
    const ok = await p.check!({} as never, { service: server.url, size: 5 });
    expect(ok.failures).toBeUndefined();
  });

  test("create against a service that is not there fails with the reason", async () => {
    const p = await make();
    await expect(p.create({ service: "http://127.0.0.1:1", size: 3 })).rejects.toThrow(/DiscoveryToken: http:\/\/127\.0\.0\.1:1\/new\?size=3: unreachable/);
  });

  test("read of a token the service does not know reports it gone", async () => {
    const p = await make();
    const url = `${server.url}/${"ab".repeat(16)}`;
    expect(await p.read!("x", { service: server.url, size: 3, url })).toEqual({});
  });

  test("diff replaces on size, service or CA change, and only then", async () => {
    const p = await make();
    const olds = { service: server.url, size: 3, url: `${server.url}/${"0".repeat(32)}` };
    expect(await p.diff!("x", olds, { service: server.url, size: 3 })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(await p.diff!("x", olds, { service: server.url, size: 5 })).toMatchObject({ changes: true, replaces: ["size"] });
    expect(await p.diff!("x", olds, { service: "https://other.example", size: 3 })).toMatchObject({ replaces: ["service"] });
  });
});

test("service URLs: an origin only", () => {
  expect(checkServiceUrl("https://d.example.com")).toBeUndefined();
  expect(checkServiceUrl("http://127.0.0.1:4001/")).toBeUndefined();
  for (const bad of ["d.example.com", "https://d.example.com/new", "https://u:p@d.example.com", "https://d.example.com?x=1", "ftp://d.example.com", ""]) {
    expect(checkServiceUrl(bad)).toContain("expected the discovery service's base URL");
  }
  expect(diffToken({ service: "a", size: 1 }, { service: "a", size: 1, ca: "" })).toEqual({ changes: false, replaces: [] });
});
