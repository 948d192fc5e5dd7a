// User-data size limits per provider, measured the way each provider counts, and the
// error (with remedies that fit this config) when a rendered config is over the limit.
import { gzip } from "./content";
import type { ExpandedMachine } from "./expand";
import { inlineBytes } from "./model";
import type { MachineProblem } from "./problems";

export const PROVIDERS = ["aws", "digitalocean", "openstack", "vsphere", "baremetal", "local"] as const;
export type Provider = (typeof PROVIDERS)[number];
export type ConfigFormat = "cloud-config" | "ignition";
export const FORMATS: readonly ConfigFormat[] = ["cloud-config", "ignition"];

export interface ProviderLimit {
  /** Bytes the provider accepts; undefined = no limit. */
  readonly limit?: number;
  /** Whether the provider counts the raw bytes or their base64 encoding. */
  readonly counts: "raw" | "base64";
  /** Whether user data may be gzip-compressed binary (coreos-cloudinit and the vSphere
   *  guestinfo `.encoding = gzip+base64` unpack it). */
  readonly gzipOk: boolean;
  readonly what: string;
}

export const LIMITS: Readonly<Record<Provider, ProviderLimit>> = {
  // EC2 RunInstances: "user data is limited to 16 KB" in raw form, before base64.
  aws: { limit: 16384, counts: "raw", gzipOk: true, what: "EC2 user data" },
  // DigitalOcean Droplet user_data: 64 KiB, a JSON string (no binary).
  digitalocean: { limit: 65536, counts: "raw", gzipOk: false, what: "DigitalOcean user_data" },
  // Nova: user_data is base64-encoded and limited to 65535 bytes in that form.
  openstack: { limit: 65535, counts: "base64", gzipOk: true, what: "OpenStack Nova user_data" },
  // VMware documents no limit for guestinfo variables; Hafen keeps them to 64 KiB of
  // base64 so the .vmx stays small (values live in it).
  vsphere: { limit: 65536, counts: "base64", gzipOk: true, what: "vSphere guestinfo *.config.data (Hafen's limit)" },
  baremetal: { counts: "raw", gzipOk: true, what: "bare-metal config served over HTTP" },
  local: { counts: "raw", gzipOk: true, what: "local machine config on disk" },
};

export interface Measurement {
  readonly provider: Provider;
  /** Bytes as the provider counts them. */
  readonly bytes: number;
  readonly limit?: number;
  readonly counts: "raw" | "base64";
  readonly fits: boolean;
  /** The same count for the whole config gzip-compressed. */
  readonly gzipBytes: number;
}

const counted = (n: number, counts: "raw" | "base64") => (counts === "raw" ? n : 4 * Math.ceil(n / 3));

export function measure(rendered: string, provider: Provider): Measurement {
  const l = LIMITS[provider];
  const raw = Buffer.from(rendered, "utf8");
  const bytes = counted(raw.length, l.counts);
  return {
    provider,
    bytes,
    ...(l.limit !== undefined && { limit: l.limit }),
    counts: l.counts,
    fits: l.limit === undefined || bytes <= l.limit,
    gzipBytes: counted(gzip(raw).length, l.counts),
  };
}

const n = (x: number) => x.toLocaleString("en-US");

/** Remedies that apply to this config, most effective first. */
export function remedies(m: Measurement, format: ConfigFormat, x: ExpandedMachine): string[] {
  const out: string[] = [];
  const l = LIMITS[m.provider];
  const big = x.files
    .map((f) => ({ path: f.path, size: inlineBytes(f.contents)?.length ?? 0 }))
    .filter((f) => f.size >= 1024)
    .sort((a, b) => b.size - a.size)
    .slice(0, 3);
  out.push(
    `fetch large files by URL with a checksum (files[].contents: {url, sha256})${big.length ? `; largest inline files: ${big.map((f) => `${f.path} (${n(f.size)} bytes)`).join(", ")}` : ""}`,
  );
  out.push(`compress file contents: Hafen already gzips them where that saves space (${format === "cloud-config" ? "write_files encoding gz+b64" : 'Ignition compression: "gzip"'}); move large unit contents into such files`);
  if (format === "ignition") {
    out.push("store the config at a URL and pass a pointer config (ignitionPointer(url, sha256): ignition.config.replace with a sha256 verification hash)");
    if (m.provider === "vsphere") out.push(`set guestinfo.ignition.config.data.encoding to gzip+base64: ${n(m.gzipBytes)} bytes then`);
  } else if (l.gzipOk) {
    out.push(`pass the whole user data gzip-compressed (coreos-cloudinit unpacks it${m.provider === "vsphere" ? "; guestinfo.coreos.config.data.encoding gzip+base64" : ""}): ${n(m.gzipBytes)} bytes then${l.limit !== undefined && m.gzipBytes <= l.limit ? ", which fits" : ", still too large"}`);
  }
  return out;
}

/** The too-large problem for a rendered config, or undefined when it fits. */
export function sizeProblem(rendered: string, provider: Provider, format: ConfigFormat, x: ExpandedMachine): MachineProblem | undefined {
  const m = measure(rendered, provider);
  if (m.fits || m.limit === undefined) return undefined;
  const l = LIMITS[provider];
  const how = m.counts === "raw" ? "bytes" : "bytes after base64";
  const list = remedies(m, format, x).map((r, i) => `(${i + 1}) ${r}`).join("; ");
  return {
    code: "too-large",
    at: [],
    value: `${n(m.bytes)} bytes`,
    message: `${format} is ${n(m.bytes)} ${how}; ${l.what} accepts at most ${n(m.limit)} ${how} (over by ${n(m.bytes - m.limit)}). Remedies: ${list}`,
  };
}
