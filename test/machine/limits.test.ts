import { createHash } from "node:crypto";
import { formatProblem, LIMITS, measure, PROVIDERS, render, type ConfigFormat, type Provider } from "../../machine";
import { mustLoad } from "./fixtures/machines";

/** Deterministic incompressible bytes (a SHA-256 chain), so gzip cannot rescue them. */
function noise(n: number): Uint8Array {
  const out = Buffer.alloc(n);
  let block = Buffer.from("hafen");
  for (let off = 0; off < n; off += 32) {
    block = createHash("sha256").update(block).digest();
    block.copy(out, off);
  }
  return new Uint8Array(out);
}

function machineWithBlob(bytes: number) {
  return mustLoad({ files: [{ path: "/opt/blob.bin", contents: { bytes: noise(bytes) } }, { path: "/etc/small", contents: { text: "hi\n" } }] });
}

describe("measure: bytes as each provider counts them", () => {
  it("counts raw bytes for EC2 and DigitalOcean, base64 for OpenStack and vSphere", () => {
    expect(measure("abcd", "aws")).toMatchObject({ bytes: 4, counts: "raw", limit: 16384, fits: true });
    expect(measure("abcd", "digitalocean")).toMatchObject({ bytes: 4, limit: 65536 });
    expect(measure("abcd", "openstack")).toMatchObject({ bytes: 8, counts: "base64", limit: 65535 });
    expect(measure("abcd", "vsphere")).toMatchObject({ bytes: 8, counts: "base64", limit: 65536 });
    expect(measure("ä", "aws").bytes).toBe(2);
  });

  it("puts the limits exactly where the providers do", () => {
    expect(measure("x".repeat(16384), "aws").fits).toBe(true);
    expect(measure("x".repeat(16385), "aws").fits).toBe(false);
    expect(measure("x".repeat(65536), "digitalocean").fits).toBe(true);
    expect(measure("x".repeat(65537), "digitalocean").fits).toBe(false);
    // 49,149 raw bytes are 65,532 in base64; 49,152 are 65,536 > 65,535.
    expect(measure("x".repeat(49149), "openstack").fits).toBe(true);
    expect(measure("x".repeat(49152), "openstack").fits).toBe(false);
  });

  it("has no limit for bare metal and local machines", () => {
    for (const p of ["baremetal", "local"] as const) {
      expect(LIMITS[p].limit).toBeUndefined();
      expect(measure("x".repeat(1 << 20), p).fits).toBe(true);
    }
  });
});

describe("render refuses configs over the provider's limit", () => {
  const cases: [Provider, number, RegExp][] = [
    ["aws", 20000, /EC2 user data accepts at most 16,384 bytes/],
    ["digitalocean", 70000, /DigitalOcean user_data accepts at most 65,536 bytes/],
    ["openstack", 50000, /OpenStack Nova user_data accepts at most 65,535 bytes after base64/],
    ["vsphere", 50000, /vSphere guestinfo .* accepts at most 65,536 bytes after base64/],
  ];
  const formats: ConfigFormat[] = ["cloud-config", "ignition"];

  it.each(cases.flatMap(([p, n, re]) => formats.map((f) => [p, f, n, re] as const)))("%s, %s", (provider, format, size, limitText) => {
    const m = machineWithBlob(size);
    const r = render(m, { format, provider });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(1);
    const p = r.problems[0]!;
    expect(p.code).toBe("too-large");
    const msg = formatProblem(p);
    expect(msg).toMatch(limitText);
    const measured = measure(renderText(m, format), provider).bytes;
    expect(msg).toContain(`is ${measured.toLocaleString("en-US")} bytes`);
    expect(msg).toMatch(/fetch large files by URL with a checksum .*largest inline files: \/opt\/blob\.bin \(\d{2},\d{3} bytes\)/);
    expect(msg).toMatch(/compress file contents/);
    if (format === "ignition") expect(msg).toMatch(/pointer config/);
    if (format === "cloud-config" && provider !== "digitalocean") expect(msg).toMatch(/gzip-compressed .*still too large/);
    if (provider === "digitalocean") expect(msg).not.toMatch(/whole user data gzip/);
  });

  it.each(PROVIDERS.map((p) => [p]))("accepts a small config for %s and reports its size", (provider) => {
    const r = render(machineWithBlob(1000), { format: "cloud-config", provider });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.size).toMatchObject({ provider, fits: true, bytes: measure(r.value.text, provider).bytes });
  });

  it("says when gzip-compressing the whole user data would make it fit", () => {
    const big = mustLoad({ units: Array.from({ length: 200 }, (_, i) => ({ name: `u${i}.service`, contents: `[Service]\nExecStart=/usr/bin/docker run --rm --name u${i} example.com/image:${i}\nRestart=always\n` })) });
    const r = render(big, { format: "cloud-config", provider: "aws" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatProblem(r.problems[0]!)).toMatch(/gzip-compressed \(coreos-cloudinit unpacks it\): [\d,]+ bytes then, which fits/);
  });

  it("accepts anything for local machines", () => {
    expect(render(machineWithBlob(200000), { format: "ignition", provider: "local" }).ok).toBe(true);
  });
});

function renderText(m: ReturnType<typeof machineWithBlob>, format: ConfigFormat): string {
  const r = render(m, { format, provider: "local" });
  if (!r.ok) throw new Error("render failed");
  return r.value.text;
}
