// The boot service over HTTP, asked exactly as iPXE 1.21.1 asks (raw requests, its
// User-Agent, its ${mac:hexhyp}/${uuid}/${...:uristring} expansions and its re-encoding
// of the query): each machine gets its own script and config, precedence and the
// default group hold, unknown machines get 404 (acceptance 1); and a machine's config is
// byte-for-byte what a cloud machine with the same description gets (acceptance 2).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { machineData, startBootServer, type BootServer } from "../../../runtime/boot";
import { parseMachineYaml, render, type Machine } from "../../../machine";
import { ignitionValidate } from "../../support/validators";
import { argValue, bootLikeIpxe, ipxeGet, parseScript } from "./ipxe-client";
import { dataDir, fcosProfile, flatcarProfile } from "./fixtures";

const CLOUD_MACHINE: Machine = (() => {
  const r = parseMachineYaml(readFileSync(join(__dirname, "../../../examples/machine.yaml"), "utf8"));
  if (!r.ok) throw new Error("examples/machine.yaml does not load");
  return r.value;
})();

const MAC1 = "52:54:00:00:00:01";
const MAC2 = "52:54:00:00:00:02";
const UUID2 = "4c4c4544-0042-3510-8052-b4c04f4b4e31";

let server: BootServer;
const logs: string[] = [];

beforeAll(async () => {
  const dir = dataDir(
    {
      default: { profile: "flatcar-live", metadata: { name: "unassigned" } },
      "control-1": { profile: "control-ign", selector: { mac: MAC1 } },
      "control-1-cc": { profile: "control-cc", selector: { mac: MAC1, serial: "SN 0001" } },
      "node-2-mac": { profile: "flatcar-live", selector: { mac: MAC2 }, metadata: { name: "by-mac" } },
      "node-2-exact": { profile: "fcos", selector: { mac: MAC2, uuid: UUID2 } },
    },
    {
      "flatcar-live": flatcarProfile(),
      "control-ign": flatcarProfile({ machine: machineData(CLOUD_MACHINE) }),
      "control-cc": flatcarProfile({ format: "cloud-config", machine: machineData(CLOUD_MACHINE) }),
      fcos: fcosProfile(),
    },
  );
  server = await startBootServer({ host: "127.0.0.1", port: 0, dataDir: dir, watch: false, log: (l, m) => logs.push(`${l} ${m}`) });
});
afterAll(async () => server?.close());

test("/boot.ipxe chains with iPXE's own variables, and the chain leads to the machine's script", async () => {
  const boot = await ipxeGet(`${server.url}/boot.ipxe`);
  expect(boot.status).toBe(200);
  expect(boot.body).toBe(`#!ipxe\n# Hafen boot service: fetch this machine's own script, chosen by its MAC, UUID, host name and serial.\nchain ${server.url}/ipxe?mac=\${mac:hexhyp}&uuid=\${uuid}&hostname=\${hostname:uristring}&serial=\${serial:uristring}\n`);
  const { chainUrl, script } = await bootLikeIpxe(server.url, { mac: MAC1 });
  expect(chainUrl).toBe(`${server.url}/ipxe?mac=52-54-00-00-00-01&uuid=&hostname=&serial=`);
  expect(script.status).toBe(200);
  expect(script.body).toMatch(/^#!ipxe\n# Hafen boot service: group control-1, profile control-ign \(flatcar, live\)\n/);
  expect(logs).toContain("info GET /ipxe 200 group=control-1");
});

test("acceptance 2: the config a bare-metal machine fetches is exactly the cloud machine's config", async () => {
  const { script } = await bootLikeIpxe(server.url, { mac: MAC1 });
  const configUrl = argValue(parseScript(script.body).args, "ignition.config.url")!;
  const ign = await fetch(configUrl); // Ignition fetches it, not iPXE
  const body = await ign.text();
  const cloud = render(CLOUD_MACHINE, { format: "ignition", provider: "aws" });
  expect(cloud.ok && cloud.value.text).toBe(body);
  expect(ignitionValidate(body).ok).toBe(true);
  // The same machine with cloud-config, chosen by MAC and serial (more specific than MAC alone).
  const cc = await bootLikeIpxe(server.url, { mac: MAC1, serial: "SN 0001" });
  expect(cc.chainUrl).toContain("&serial=SN%200001");
  const ccUrl = argValue(parseScript(cc.script.body).args, "cloud-config-url")!;
  expect(ccUrl).toBe(`${server.url}/config?mac=52-54-00-00-00-01&serial=SN%200001`);
  const served = await ipxeGet(ccUrl);
  const cloudCc = render(CLOUD_MACHINE, { format: "cloud-config", provider: "digitalocean" });
  expect(cloudCc.ok && cloudCc.value.text).toBe(served.body);
});

test("selector precedence over HTTP: MAC+UUID beats MAC, MAC beats the default, unknown machines get the default", async () => {
  const exact = await bootLikeIpxe(server.url, { mac: MAC2, uuid: UUID2 });
  expect(exact.script.body).toContain("group node-2-exact, profile fcos (fedora-coreos, live)");
  const byMac = await bootLikeIpxe(server.url, { mac: MAC2, uuid: "00000000-0000-0000-0000-000000000009" });
  expect(byMac.script.body).toContain("group node-2-mac, profile flatcar-live");
  const meta = await ipxeGet(`${server.url}/metadata?mac=52-54-00-00-00-02`);
  expect(meta.body).toBe("HAFEN_GROUP=node-2-mac\nHAFEN_PROFILE=flatcar-live\nHAFEN_MAC=52:54:00:00:00:02\nNAME=by-mac\n");
  const stranger = await bootLikeIpxe(server.url, { mac: "52:54:00:ff:ff:ff", hostname: "whoever" });
  expect(stranger.script.body).toContain("group default, profile flatcar-live");
  const cfgUrl = argValue(parseScript(stranger.script.body).args, "ignition.config.url")!;
  const cfg = JSON.parse((await ipxeGet(cfgUrl)).body) as { storage: { files: { path: string; contents: { source: string } }[] } };
  expect(cfg.storage.files.find((f) => f.path === "/etc/hostname")?.contents.source).toBe("data:,unassigned%0A");
});

test("a serial that smuggles another machine's MAC gets 400, not that machine's script", async () => {
  const r = await bootLikeIpxe(server.url, { mac: "52:54:00:ff:ff:ff", serial: `x&mac=52-54-00-00-00-01` });
  expect(r.script.status).toBe(400);
  expect(r.script.body).toBe('bad request: query parameter "mac" appears more than once\n');
});

test("other methods, paths and garbage targets get clear errors", async () => {
  expect((await fetch(`${server.url}/config?mac=52-54-00-00-00-01`, { method: "POST" })).status).toBe(405);
  const head = await fetch(`${server.url}/ipxe?mac=52-54-00-00-00-01`, { method: "HEAD" });
  expect(head.status).toBe(200);
  expect(await (await fetch(`${server.url}/pxelinux.cfg/default`)).text()).toBe("no such endpoint /pxelinux.cfg/default; machines use /boot.ipxe, /ipxe, /config, /metadata\n");
  expect((await ipxeGet(`${server.url}/ipxe`, "/ipxe?mac=%ZZ")).status).toBe(400);
  expect((await ipxeGet(`${server.url}/assets/x`)).status).toBe(404);
  expect((await fetch(`${server.url}/api/v1/status`)).status).toBe(403); // no --token-file: API disabled
  expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true, generation: 1 });
});

describe("with no default group", () => {
  let strict: BootServer;
  beforeAll(async () => {
    const dir = dataDir({ only: { profile: "p", selector: { mac: MAC1 }, metadata: { name: "only" } } }, { p: flatcarProfile() });
    strict = await startBootServer({ host: "127.0.0.1", port: 0, dataDir: dir, watch: false, configFrom: ["10.0.0.0/8"] });
  });
  afterAll(async () => strict?.close());

  test("an unknown machine gets 404 on every machine endpoint, never another machine's script or config", async () => {
    const r = await bootLikeIpxe(strict.url, { mac: MAC2, uuid: UUID2, hostname: "only" });
    expect(r.script).toMatchObject({ status: 404, body: `no group matches this machine (mac="52:54:00:00:00:02", uuid="${UUID2}", hostname="only") and there is no default group\n` });
    for (const path of ["/config", "/metadata"]) expect((await ipxeGet(`${strict.url}${path}?mac=52-54-00-00-00-02`)).status).toBe(403);
  });

  test("--config-from keeps /config and /metadata from other networks; scripts are still served", async () => {
    const known = await bootLikeIpxe(strict.url, { mac: MAC1 });
    expect(known.script.status).toBe(200);
    const cfg = await ipxeGet(argValue(parseScript(known.script.body).args, "ignition.config.url")!);
    expect(cfg).toMatchObject({ status: 403, body: "/config is served only to the boot networks (--config-from)\n" });
  });
});
