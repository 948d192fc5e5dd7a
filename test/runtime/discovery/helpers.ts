// Helpers for the discovery tests: raw HTTP calls (no client library in the way), a
// private CA made with openssl, and the service run as a child of the built binary.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HAFEN_BIN } from "../../support/cli";

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface HttpOptions {
  readonly body?: string | Buffer;
  readonly contentType?: string;
  readonly headers?: Record<string, string | number>;
  /** Send the body chunked (no Content-Length). */
  readonly chunked?: boolean;
  readonly ca?: string;
  readonly timeoutMs?: number;
}

export function http(method: string, url: string, opts: HttpOptions = {}): Promise<HttpAnswer> {
  const send = url.startsWith("https:") ? httpsRequest : httpRequest;
  const headers: Record<string, string | number> = { ...opts.headers };
  if (opts.contentType) headers["Content-Type"] = opts.contentType;
  if (opts.body !== undefined && !opts.chunked) headers["Content-Length"] = Buffer.byteLength(opts.body);
  // The path goes out exactly as written (a URL object would resolve "/../").
  const origin = /^https?:\/\/[^/]+/.exec(url)![0];
  const { hostname, port } = new URL(origin);
  const path = url.slice(origin.length) || "/";
  return new Promise((resolve, reject) => {
    const req = send({ hostname, port, path, method, headers, agent: false, timeout: opts.timeoutMs ?? 10_000, ...(opts.ca ? { ca: opts.ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

export const FORM = "application/x-www-form-urlencoded";
export const form = (value: string): string => `value=${encodeURIComponent(value)}`;

/** A CA and a server certificate for 127.0.0.1, made with the openssl command. */
export function makeCerts(dir: string): { ca: string; cert: string; key: string; caFile: string; certFile: string; keyFile: string } {
  const f = (name: string) => join(dir, name);
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  run(["req", "-x509", ...ec, "-keyout", f("ca.key"), "-out", f("ca.pem"), "-days", "2", "-subj", "/CN=hafen-test-ca"]);
  run(["req", ...ec, "-keyout", f("srv.key"), "-out", f("srv.csr"), "-subj", "/CN=127.0.0.1"]);
  writeFileSync(f("ext.cnf"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
  run(["x509", "-req", "-in", f("srv.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-CAcreateserial", "-out", f("srv.pem"), "-days", "2", "-extfile", f("ext.cnf")]);
  const read = (name: string) => readFileSync(f(name), "utf8");
  return { ca: read("ca.pem"), cert: read("srv.pem"), key: read("srv.key"), caFile: f("ca.pem"), certFile: f("srv.pem"), keyFile: f("srv.key") };
}

export interface ServiceProcess {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  log(): string;
  readonly exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<ServiceProcess>();

/** Starts `hafen discovery serve` (the built binary) and waits for its listening line. */
export async function startService(args: string[], timeoutMs = 10_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [HAFEN_BIN, "discovery", "serve", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code} before listening:\n${out}`));
    });
  });
  const service: ServiceProcess = {
    url,
    port: Number(new URL(url).port),
    process: child,
    log: () => out,
    exited,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      running.delete(service);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const t = setTimeout(() => child.kill("SIGKILL"), 5000);
        const code = await exited;
        clearTimeout(t);
        return code;
      }
      return child.exitCode;
    },
  };
  running.add(service);
  return service;
}

if (typeof afterAll === "function") {
  afterAll(async () => {
    await Promise.all([...running].map((s) => s.stop("SIGKILL")));
  });
}
