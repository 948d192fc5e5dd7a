import { formatProblem, hafenParts, parseHafenSettings, settingsJson, type HafenSettings } from "../../machine";
import { execArg, execLine } from "../../machine/unit-text";
import { containerLaunch, ETCD_IMAGE, hafenInput, HOST_LAUNCH, mustLoad, NODE_IMAGE, SHA, TOKEN } from "./fixtures/machines";

function settings(over: Record<string, unknown> = {}): HafenSettings {
  const r = parseHafenSettings(hafenInput(over));
  if (!r.ok) throw new Error(r.problems.map(formatProblem).join("\n"));
  return r.value;
}

function unitText(parts: ReturnType<typeof hafenParts>, name: string): string {
  const u = parts.units.find((x) => x.name === name);
  if (!u?.contents) throw new Error(`no ${name} among ${parts.units.map((x) => x.name).join(", ")}`);
  return u.contents;
}

describe("parseHafenSettings (the runtime's check of machine.json)", () => {
  it.each([null, [], "x", 1, true])("refuses %p with one clear problem", (v) => {
    const r = parseHafenSettings(v);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map(formatProblem)).toEqual([expect.stringMatching(/^\(document\): (wrong-type|missing-field): .*mapping of Hafen runtime settings/)]);
  });

  it("lists every missing required field at once", () => {
    const r = parseHafenSettings({});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.at.join("."))).toEqual(["role", "discovery", "store", "launch"]);
  });

  it("reads back exactly what the renderer writes into machine.json, for every launch style", () => {
    for (const over of [{}, { launch: containerLaunch("podman") }, { launch: HOST_LAUNCH, runtime: undefined, tls: { caFile: "/etc/hafen/ca.pem" } }]) {
      const s = settings(over);
      const file = hafenParts(s).files[0]!;
      expect(file).toMatchObject({ path: "/etc/hafen/machine.json", mode: 0o600 });
      const text = file.contents.source === "text" ? file.contents.text : "";
      expect(text).toBe(settingsJson(s));
      expect(parseHafenSettings(JSON.parse(text))).toEqual({ ok: true, value: s });
    }
  });

  it("accepts loopback http discovery URLs for local clusters only", () => {
    expect(settings({ discovery: `http://127.0.0.1:7001/${TOKEN}` }).discovery).toBe(`http://127.0.0.1:7001/${TOKEN}`);
    expect(parseHafenSettings(hafenInput({ discovery: `http://10.0.0.1/${TOKEN}` })).ok).toBe(false);
    expect(parseHafenSettings(hafenInput({ discovery: `https://d.example.com/${TOKEN}?x=1` })).ok).toBe(false);
    expect(parseHafenSettings(hafenInput({ discovery: `https://d.example.com/${TOKEN.toUpperCase()}` })).ok).toBe(false);
  });
});

describe("hafenParts: the units that run the runtime", () => {
  it("picks units by role and store", () => {
    const names = (over: Record<string, unknown>) => hafenParts(settings(over)).units.map((u) => u.name);
    expect(names({ role: "control", store: "etcd" })).toEqual(["hafen-fetch.service", "hafen-etcd.service", "hafen-server.service", "hafen-agent.service"]);
    expect(names({ role: "both", store: "embedded" })).toEqual(["hafen-fetch.service", "hafen-server.service", "hafen-agent.service"]);
    expect(names({ role: "worker", store: "etcd" })).toEqual(["hafen-fetch.service", "hafen-agent.service"]);
    expect(names({ role: "worker", store: "embedded", launch: HOST_LAUNCH, runtime: undefined })).toEqual(["hafen-agent.service"]);
    for (const u of hafenParts(settings()).units) expect(u).toMatchObject({ command: "start", enable: true, runtime: false, mask: false, dropIns: [] });
  });

  it("runs the agent in the pinned Node image with the mounts it needs (docker)", () => {
    const agent = unitText(hafenParts(settings({ role: "worker" })), "hafen-agent.service");
    expect(agent).toBe(
      [
        "[Unit]",
        "Description=Hafen agent (runs this machine's share of the cluster's units)",
        "Wants=network-online.target",
        "After=network-online.target docker.service hafen-fetch.service",
        "Requires=docker.service hafen-fetch.service",
        "",
        "[Service]",
        "ExecStartPre=-/usr/bin/docker rm -f hafen-agent",
        `ExecStart=/usr/bin/docker run --rm --name hafen-agent --net host -v /etc/hafen:/etc/hafen:ro -v /opt/hafen:/opt/hafen:ro -v /var/lib/hafen:/var/lib/hafen -v /etc/machine-id:/etc/machine-id:ro -v /run/systemd:/run/systemd -v /run/dbus/system_bus_socket:/run/dbus/system_bus_socket ${NODE_IMAGE} node --max-semi-space-size=2 --no-opt --optimize-for-size --no-sparkplug /opt/hafen/hafen.js agent --settings /etc/hafen/machine.json`,
        "ExecStop=/usr/bin/docker stop hafen-agent",
        "TimeoutStartSec=15min",
        "Restart=always",
        "RestartSec=5",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
      ].join("\n"),
    );
  });

  it("orders the server after etcd and the agent after the server; podman needs no daemon", () => {
    const parts = hafenParts(settings({ role: "both", launch: containerLaunch("podman") }));
    const server = unitText(parts, "hafen-server.service");
    expect(server).toContain("Wants=network-online.target hafen-etcd.service\nAfter=network-online.target hafen-fetch.service hafen-etcd.service\nRequires=hafen-fetch.service\n");
    expect(server).toContain(`ExecStart=/usr/bin/podman run --rm --name hafen-server --net host -v /etc/hafen:/etc/hafen:ro -v /opt/hafen:/opt/hafen:ro -v /var/lib/hafen:/var/lib/hafen ${NODE_IMAGE} node /opt/hafen/hafen.js server --settings /etc/hafen/machine.json\n`);
    expect(unitText(parts, "hafen-agent.service")).toContain("After=network-online.target hafen-fetch.service hafen-server.service\n");
  });

  it("computes etcd's environment in ExecStartPre and runs the pinned etcd image with it", () => {
    const etcd = unitText(hafenParts(settings()), "hafen-etcd.service");
    expect(etcd).toContain("RuntimeDirectory=hafen\nExecStartPre=-/usr/bin/docker rm -f hafen-etcd\n");
    expect(etcd).toContain(
      `ExecStartPre=/usr/bin/docker run --rm --name hafen-etcd-env --net host -v /etc/hafen:/etc/hafen:ro -v /opt/hafen:/opt/hafen:ro -v /run/hafen:/run/hafen ${NODE_IMAGE} node /opt/hafen/hafen.js etcd-env --settings /etc/hafen/machine.json --out /run/hafen/etcd.env\n`,
    );
    expect(etcd).toContain(`ExecStart=/usr/bin/docker run --rm --name hafen-etcd --net host --env-file /run/hafen/etcd.env -v /var/lib/hafen:/var/lib/hafen -v /etc/hafen:/etc/hafen:ro ${ETCD_IMAGE} /usr/local/bin/etcd\n`);
  });

  it("downloads the bundle, verifies its SHA-256 and only then moves it into place", () => {
    const fetch = unitText(hafenParts(settings()), "hafen-fetch.service");
    const exec = fetch.split("\n").filter((l) => l.startsWith("ExecStart="));
    expect(exec).toEqual([
      "ExecStart=/usr/bin/mkdir -p /opt/hafen",
      "ExecStart=/usr/bin/curl --fail --silent --show-error --location --retry 10 --retry-connrefused --output /opt/hafen/hafen.js.hafen-part https://bundles.example.com/hafen.js",
      `ExecStart=/bin/sh -c "echo '${SHA}  /opt/hafen/hafen.js.hafen-part' | /usr/bin/sha256sum --check --strict --quiet"`,
      "ExecStart=/usr/bin/chmod 0644 /opt/hafen/hafen.js.hafen-part",
      "ExecStart=/usr/bin/mv -f /opt/hafen/hafen.js.hafen-part /opt/hafen/hafen.js",
    ]);
    expect(fetch).toContain("Type=oneshot\nRemainAfterExit=yes\n");
  });

  it("rebases every machine path under root for local machines (host processes)", () => {
    const m = mustLoad({
      root: "/tmp/hafen-local/m2",
      files: [{ path: "/etc/hafen/token", contents: { text: "t" } }],
      hafen: hafenInput({ launch: HOST_LAUNCH, runtime: undefined, discovery: `http://127.0.0.1:7001/${TOKEN}`, bootstrapTokenFile: "/etc/hafen/token" }),
    });
    const parts = hafenParts(m.hafen!, { root: m.root });
    expect(parts.files[0]!.path).toBe("/tmp/hafen-local/m2/etc/hafen/machine.json");
    const json = JSON.parse(parts.files[0]!.contents.source === "text" ? parts.files[0]!.contents.text : "{}");
    expect(json).toMatchObject({ dataDir: "/tmp/hafen-local/m2/var/lib/hafen", bootstrapTokenFile: "/tmp/hafen-local/m2/etc/hafen/token" });
    const etcd = unitText(parts, "hafen-etcd.service");
    expect(etcd).toContain("EnvironmentFile=-/tmp/hafen-local/m2/run/hafen/etcd.env\n");
    expect(etcd).toContain("ExecStartPre=/usr/local/bin/node /opt/hafen-pkg/dist/hafen.js etcd-env --settings /tmp/hafen-local/m2/etc/hafen/machine.json --out /tmp/hafen-local/m2/run/hafen/etcd.env\n");
    expect(etcd).toContain("ExecStart=/usr/bin/etcd\n");
    expect(etcd).not.toMatch(/docker|TimeoutStartSec|RuntimeDirectory/);
    expect(unitText(parts, "hafen-agent.service")).toContain("ExecStart=/usr/local/bin/node --max-semi-space-size=2 --no-opt --optimize-for-size --no-sparkplug /opt/hafen-pkg/dist/hafen.js agent --settings /tmp/hafen-local/m2/etc/hafen/machine.json\n");
  });
});

describe("systemd command-line quoting", () => {
  it("leaves plain words alone and quotes/escapes the rest", () => {
    expect(execArg("/usr/bin/docker")).toBe("/usr/bin/docker");
    expect(execArg("a b")).toBe('"a b"');
    expect(execArg("https://x/a%20b?c=$HOME")).toBe('"https://x/a%%20b?c=$$HOME"');
    expect(execArg('say "hi" \\ now')).toBe('"say \\"hi\\" \\\\ now"');
    expect(execLine(["/bin/rm", "-f", "x"], "-")).toBe("-/bin/rm -f x");
  });
});
