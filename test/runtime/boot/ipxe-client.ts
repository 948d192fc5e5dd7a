// Requests exactly as iPXE 1.21.1 makes them, for the boot service tests:
//  - settings expansion in script lines: ${mac:hexhyp} → 52-54-00-12-34-56, ${uuid} →
//    lowercase 8-4-4-4-12, ${name} raw, ${name:uristring} URI-encoded with iPXE's
//    "escape everything" set (/#:@?=& plus %, whitespace and non-printing), unset → "";
//  - the HTTP request target: 1.21.1 parses the URI, percent-DECODES path and query, and
//    re-encodes them escaping only #:@? plus %, whitespace and non-printing (src/core/
//    uri.c before commit 1844aacc, Nov 2021) — so `&` and `=` inside a value arrive raw;
//  - the request itself: GET, Host, `User-Agent: iPXE/1.21.1`, `Connection: keep-alive`,
//    written on a raw socket so nothing normalizes the target.
import { connect } from "node:net";

export interface IpxeSettings {
  /** Lowercase colon form, as iPXE stores it. */
  readonly mac: string;
  readonly uuid?: string;
  readonly hostname?: string;
  readonly serial?: string;
}

const isPrint = (c: number) => c >= 0x20 && c < 0x7f;

function uriEncode(raw: string, escaped: string): string {
  let out = "";
  for (const b of Buffer.from(raw, "latin1")) {
    const ch = String.fromCharCode(b);
    out += !isPrint(b) || ch === " " || ch === "%" || escaped.includes(ch) ? `%${b.toString(16).toUpperCase().padStart(2, "0")}` : ch;
  }
  return out;
}

function uriDecode(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Expands ${...} the way iPXE does for the settings these tests use. */
export function expandSettings(line: string, s: IpxeSettings): string {
  return line.replace(/\$\{([a-z-]+)(?::([a-z]+))?\}/g, (_, name: string, type: string | undefined) => {
    const raw = (s as unknown as Record<string, string | undefined>)[name];
    if (raw === undefined) return "";
    if (name === "mac") return type === "hexhyp" ? raw.replace(/:/g, "-") : raw;
    return type === "uristring" ? uriEncode(raw, "/#:@?=&") : raw;
  });
}

/** The request target iPXE 1.21.1 sends for an absolute http URL. */
export function requestTarget121(url: string): { host: string; port: number; target: string } {
  const m = /^http:\/\/([^/:]+):(\d+)(\/[^?#]*)?(?:\?([^#]*))?/.exec(url);
  if (!m) throw new Error(`not an http URL with a port: ${url}`);
  const path = uriEncode(uriDecode(m[3] ?? "/"), "#:@?");
  const query = m[4] === undefined ? "" : `?${uriEncode(uriDecode(m[4]), "#:@?")}`;
  return { host: m[1]!, port: Number(m[2]), target: `${path}${query}` };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** One GET as iPXE 1.21.1 writes it; `target` overrides the computed request target. */
export function ipxeGet(url: string, target?: string): Promise<RawResponse> {
  const t = requestTarget121(url);
  const request = `GET ${target ?? t.target} HTTP/1.1\r\nHost: ${t.host}:${t.port}\r\nUser-Agent: iPXE/1.21.1\r\nConnection: keep-alive\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const sock = connect(t.port, t.host);
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => sock.destroy(new Error(`no complete answer for ${target ?? t.target} within 5 s`)), 5000);
    sock.on("error", (e) => (clearTimeout(timer), reject(e)));
    sock.on("data", (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const [statusLine, ...lines] = buf.subarray(0, end).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      for (const l of lines) headers[l.slice(0, l.indexOf(":")).toLowerCase()] = l.slice(l.indexOf(":") + 1).trim();
      const length = Number(headers["content-length"] ?? "0");
      if (buf.length < end + 4 + length) return;
      clearTimeout(timer);
      sock.end();
      resolve({ status: Number(statusLine!.split(" ")[1]), headers, body: buf.subarray(end + 4, end + 4 + length).toString("utf8") });
    });
    sock.write(request);
  });
}

/** What iPXE does with /boot.ipxe: fetch it, expand the chain line, fetch that. */
export async function bootLikeIpxe(base: string, settings: IpxeSettings): Promise<{ chainUrl: string; script: RawResponse }> {
  const first = await ipxeGet(`${base}/boot.ipxe`);
  if (first.status !== 200 || !first.body.startsWith("#!ipxe\n")) throw new Error(`boot.ipxe: ${first.status} ${first.body}`);
  const chain = first.body.split("\n").find((l) => l.startsWith("chain "));
  if (!chain) throw new Error(`no chain line in ${first.body}`);
  const chainUrl = expandSettings(chain.slice("chain ".length).trim(), settings);
  return { chainUrl, script: await ipxeGet(chainUrl) };
}

/** The parts of a machine's iPXE script: kernel URL and arguments, initrds. */
export function parseScript(text: string): { kernel: string; args: string[]; initrds: { name: string; url: string }[]; boots: boolean } {
  const lines = text.split("\n").filter((l) => l && !l.startsWith("#"));
  const kernel = lines.find((l) => l.startsWith("kernel "))?.split(" ").slice(1) ?? [];
  const initrds = lines
    .filter((l) => l.startsWith("initrd "))
    .map((l) => {
      const m = /^initrd --name (\S+) (\S+)$/.exec(l);
      if (!m) throw new Error(`unexpected initrd line ${l}`);
      return { name: m[1]!, url: m[2]! };
    });
  return { kernel: kernel[0] ?? "", args: kernel.slice(1), initrds, boots: lines[lines.length - 1] === "boot" };
}

/** The value of KEY=VALUE in a kernel argument list. */
export function argValue(args: readonly string[], key: string): string | undefined {
  const a = args.find((x) => x.startsWith(`${key}=`));
  return a === undefined ? undefined : a.slice(key.length + 1);
}
