// A small typed client for the boot service's API, for the CLI and for Pulumi's dynamic
// provider. It must stay serialisable by Pulumi's closure serialiser (the provider ships
// it): only node:http/https, no module-level state, no class field initialisers.
import * as http from "node:http";
import * as https from "node:https";

export interface BootEndpoint {
  /** Base URL of the service, e.g. https://boot.example.net:7483 */
  readonly url: string;
  /** A token listed in the service's --token-file. */
  readonly token: string;
  /** PEM of the CA that signed the service's certificate (HTTPS with a private CA). */
  readonly ca?: string;
  readonly timeoutMs?: number;
}

export interface ProblemJson {
  readonly code: string;
  readonly file?: string;
  readonly line?: number;
  readonly path: string;
  readonly value: string;
  readonly message: string;
}

export class BootApiError extends Error {
  readonly status: number;
  readonly problems: readonly ProblemJson[];
  constructor(status: number, message: string, problems: readonly ProblemJson[] = []) {
    super(message);
    this.name = "BootApiError";
    this.status = status;
    this.problems = problems;
  }
}

export interface Change {
  readonly groups?: Readonly<Record<string, unknown>>;
  readonly profiles?: Readonly<Record<string, unknown>>;
  readonly absent?: { readonly groups?: readonly string[]; readonly profiles?: readonly string[] };
}

export interface BootStatus {
  readonly generation: number;
  readonly groups: number;
  readonly profiles: number;
  readonly assets: number | null;
  readonly lastReload: { readonly at: string; readonly ok: boolean; readonly problems: readonly ProblemJson[] };
}

/** One request; the answer's JSON body, or BootApiError with the service's message. */
export function bootRequest(ep: BootEndpoint, method: string, path: string, body?: unknown, raw?: Buffer): Promise<{ status: number; body: unknown }> {
  const u = new URL(`/api/v1/${path}`, ep.url);
  const lib = u.protocol === "https:" ? https : http;
  const payload = raw ?? (body === undefined ? undefined : Buffer.from(JSON.stringify(body)));
  const headers: Record<string, string> = { authorization: `Bearer ${ep.token}`, accept: "application/json" };
  if (payload) headers["content-length"] = String(payload.length);
  if (payload && !raw) headers["content-type"] = "application/json";
  if (raw) headers["content-type"] = "application/octet-stream";
  return new Promise((resolve, reject) => {
    const req = lib.request(u, { method, headers, agent: false, timeout: ep.timeoutMs ?? 30_000, ...(ep.ca && { ca: ep.ca }) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown = undefined;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve({ status, body: parsed });
        const e = (parsed as { error?: { message?: string; problems?: ProblemJson[] } } | undefined)?.error;
        reject(new BootApiError(status, `${method} ${u.pathname}: HTTP ${status}: ${e?.message ?? text.slice(0, 500)}`, e?.problems ?? []));
      });
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${u.pathname} timed out`)));
    req.on("error", (err: Error) => reject(err instanceof BootApiError ? err : new BootApiError(0, `cannot reach the boot service at ${u.origin}: ${err.message}`)));
    req.end(payload);
  });
}

export async function applyChange(ep: BootEndpoint, change: Change): Promise<{ generation: number; changed: number }> {
  return (await bootRequest(ep, "POST", "apply", change)).body as { generation: number; changed: number };
}

export async function listDocs(ep: BootEndpoint, kind: "groups" | "profiles"): Promise<Record<string, unknown>> {
  const body = (await bootRequest(ep, "GET", kind)).body as Record<string, Record<string, unknown>>;
  return body[kind] ?? {};
}

export async function bootStatus(ep: BootEndpoint): Promise<BootStatus> {
  return (await bootRequest(ep, "GET", "status")).body as BootStatus;
}

export async function putAsset(ep: BootEndpoint, path: string, data: Buffer, sha256: string): Promise<{ path: string; sha256: string; size: number }> {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return (await bootRequest(ep, "PUT", `assets/${encoded}?sha256=${sha256}`, undefined, data)).body as { path: string; sha256: string; size: number };
}
