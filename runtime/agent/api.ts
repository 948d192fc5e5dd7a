// The agent's side of /hafen/v1: which server to talk to, with which credential.
// Servers come from a finder (the discovery service, or a fixed list); on a transport
// failure the agent rotates to the next one. The bootstrap (join) token is used only
// until the machine has its own token, which is then kept on disk.
import type { UnitStatus } from "../executor/types";
import type { DesiredUnit } from "./reconcile";
import { ApiError, errorFrom, parseJsonBody, send, type Credentials, type HttpResponse, type RequestOptions } from "../client/transport";

export interface RegisterInfo {
  readonly id: string;
  readonly name: string;
  readonly primaryIP: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly role: "control" | "worker" | "both";
  readonly version: string;
  readonly agentEndpoint?: string;
  readonly agentKey?: string;
}

/** The servers say the machine's lease is gone (HTTP 410): fence and register again. */
export class LeaseLostError extends Error {}

export interface TokenStore {
  load(): Promise<string | undefined>;
  save(token: string): Promise<void>;
  clear(): Promise<void>;
}

export interface AgentApiOptions {
  /** Current API endpoints, e.g. from discovery; called again when all have failed. */
  readonly findServers: () => Promise<readonly string[]>;
  readonly bootstrapToken?: string;
  readonly tokens: TokenStore;
  /** TLS material (PEM) for HTTPS servers. */
  readonly tls?: Omit<Credentials, "token">;
}

export class AgentApi {
  private servers: readonly string[] = [];
  private index = 0;
  private token: string | undefined;
  private machineId: string | undefined;
  private readonly aborter = new AbortController();

  constructor(private readonly opts: AgentApiOptions) {}

  /** Moves to the next server after a failure. */
  rotate(): void {
    this.index++;
    if (this.index >= this.servers.length) this.servers = [];
  }

  abort(): void {
    this.aborter.abort();
  }

  private async server(): Promise<string> {
    if (this.servers.length === 0) {
      this.servers = await this.opts.findServers();
      // Start at a random server so a cluster's agents spread over its servers.
      this.index = Math.floor(Math.random() * Math.max(1, this.servers.length));
      if (this.servers.length === 0) throw new Error("no API server found yet (discovery lists none)");
    }
    return this.servers[this.index % this.servers.length]!;
  }

  private async call(path: string, opts: RequestOptions, token?: string): Promise<HttpResponse> {
    const base = await this.server();
    return send(base + path, { ...this.opts.tls, token: token ?? this.token }, { ...opts, signal: this.aborter.signal });
  }

  async register(info: RegisterInfo): Promise<{ leaseTtlSeconds: number }> {
    this.token ??= await this.opts.tokens.load();
    const body = JSON.stringify(info);
    const post = (token: string | undefined) =>
      this.call("/hafen/v1/machines/register", { method: "POST", headers: { "content-type": "application/json" }, body }, token);
    let res = await post(this.token ?? this.opts.bootstrapToken);
    if (res.status === 401 && this.token && this.opts.bootstrapToken) {
      // Our own token is no longer known (cluster rebuilt?): join again with the bootstrap token.
      await this.opts.tokens.clear();
      this.token = undefined;
      res = await post(this.opts.bootstrapToken);
    }
    if (res.status !== 200) throw errorFrom(res, "register");
    this.machineId = info.id;
    const r = parseJsonBody<{ leaseTtlSeconds: number; machineToken?: string }>(res, "register");
    if (r.machineToken) {
      this.token = r.machineToken;
      await this.opts.tokens.save(r.machineToken);
    }
    return { leaseTtlSeconds: r.leaseTtlSeconds };
  }

  private machinePath(id: string, rest: string): string {
    return `/hafen/v1/machines/${id}/${rest}`;
  }

  /** The machine this agent registered (with a client certificate it may hold no token). */
  private id(): string {
    if (!this.machineId) throw new LeaseLostError("not registered");
    return this.machineId;
  }

  private check(res: HttpResponse, what: string, ok: number): void {
    if (res.status === 410 || res.status === 401) throw new LeaseLostError(`${what}: HTTP ${res.status}`);
    if (res.status !== ok) throw errorFrom(res, what);
  }

  async heartbeat(timeoutMs: number): Promise<void> {
    const res = await this.call(this.machinePath(this.id(), "heartbeat"), { method: "POST", timeoutMs });
    this.check(res, "heartbeat", 204);
  }

  async assignments(after: number, waitMs: number): Promise<{ revision: number; units: DesiredUnit[] }> {
    const q = after >= 0 ? `?after=${after}&waitMs=${waitMs}` : "";
    const res = await this.call(this.machinePath(this.id(), `assignments${q}`), { timeoutMs: waitMs + 10_000 });
    this.check(res, "assignments", 200);
    const body = parseJsonBody<{ revision: number; units: Array<DesiredUnit & { unit: string }> }>(res, "assignments");
    if (typeof body.revision !== "number" || !Array.isArray(body.units)) throw new ApiError(res.status, "assignments: malformed answer");
    return {
      revision: body.revision,
      units: body.units.map((u) => ({ name: u.unit, hash: u.hash, options: u.options, desiredState: u.desiredState, global: u.global })),
    };
  }

  async reportStates(statuses: readonly UnitStatus[]): Promise<void> {
    const states = statuses.map((s) => ({
      name: s.name,
      hash: s.hash,
      systemdLoadState: s.loadState,
      systemdActiveState: s.activeState,
      systemdSubState: s.subState,
    }));
    const res = await this.call(this.machinePath(this.id(), "states"), {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ states }),
    });
    this.check(res, "report states", 204);
  }

  /** Asks the servers to sign this machine's certificate request (first boot of a worker). */
  async requestCertificate(csrPem: string): Promise<string> {
    this.token ??= await this.opts.tokens.load();
    const res = await this.call(
      "/hafen/v1/certificates",
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ csr: csrPem }) },
      this.token ?? this.opts.bootstrapToken,
    );
    if (res.status !== 200) throw errorFrom(res, "certificate request");
    const body = parseJsonBody<{ certificate?: unknown }>(res, "certificate request");
    if (typeof body.certificate !== "string") throw new ApiError(res.status, "certificate request: no certificate in the answer");
    return body.certificate;
  }
}
