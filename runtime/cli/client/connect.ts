// The I/O shell around config.ts: which client.json to read (flags, then HAFEN_CONFIG,
// then ~/.hafen/local/client.json), reading it and its PEM files, and turning API and
// transport failures into messages with a hint of what to do.
//
// `--endpoint URL` alone reads no file at all (local, unauthenticated use; servers that
// require a token then answer 401 and the hint names --config). `--endpoint` together
// with `--config`/HAFEN_CONFIG/the default file overrides only the file's endpoint.
import { constants, promises as fs } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { ApiClient, type ClientConfig } from "../../client/api";
import { ApiError, TransportError } from "../../client/transport";
import { checkEndpoint, checkPem, formatConfigProblem, parseClientConfig, type ConfigProblem, type ConfigResult, type PemSource } from "./config";
import { describeErrno } from "../errno";

/** Flags every client command takes (spread into the command's parseFlags options). */
export const CLIENT_FLAGS = {
  endpoint: { type: "string" },
  config: { type: "string" },
  json: { type: "boolean" },
} as const;

export const CLIENT_USAGE = `  --endpoint URL      the API to talk to (alone: no credentials are sent)
  --config FILE       client.json with endpoint and credentials (default: $HAFEN_CONFIG,
                      else ~/.hafen/local/client.json)
  --json              print JSON instead of text`;

export interface ClientFlags {
  readonly endpoint?: string;
  readonly config?: string;
}

export type ConfigOrigin =
  | { readonly kind: "flag"; readonly file: string }
  | { readonly kind: "env"; readonly file: string }
  | { readonly kind: "default"; readonly file: string }
  | { readonly kind: "endpoint-only" };

/** Largest client.json or PEM file read. */
const MAX_FILE_BYTES = 1024 * 1024;

/** Which configuration applies; pure. */
export function configOrigin(flags: ClientFlags, env: NodeJS.ProcessEnv, cwd: string): ConfigResult<ConfigOrigin> {
  if (flags.config !== undefined) return { ok: true, value: { kind: "flag", file: resolve(cwd, flags.config) } };
  if (flags.endpoint !== undefined) return { ok: true, value: { kind: "endpoint-only" } };
  if (env.HAFEN_CONFIG) return { ok: true, value: { kind: "env", file: resolve(cwd, env.HAFEN_CONFIG) } };
  const home = env.HOME;
  if (!home || !isAbsolute(home)) {
    return { ok: false, problems: [{ file: "~/.hafen/local/client.json", message: `HOME is ${home ? `"${home}", not an absolute path` : "not set"}, so the default client configuration cannot be found; pass --config FILE or --endpoint URL, or set HAFEN_CONFIG` }] };
  }
  return { ok: true, value: { kind: "default", file: join(home, ".hafen", "local", "client.json") } };
}

/** Reads a small regular file; never blocks on a FIFO. Errors are sentences. */
async function readSmallFile(path: string): Promise<{ ok: true; text: string } | { ok: false; why: string; missing: boolean }> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await handle.stat();
    if (!st.isFile()) return { ok: false, why: st.isDirectory() ? "it is a directory" : "it is not a regular file", missing: false };
    if (st.size > MAX_FILE_BYTES) return { ok: false, why: `it is ${st.size} bytes; at most ${MAX_FILE_BYTES} are read`, missing: false };
    return { ok: true, text: (await handle.readFile()).toString("utf8") };
  } catch (err) {
    return { ok: false, why: describeErrno(err), missing: (err as NodeJS.ErrnoException).code === "ENOENT" };
  } finally {
    await handle?.close();
  }
}

async function loadPem(src: PemSource, field: string, file: string): Promise<{ pem?: string; problem?: ConfigProblem }> {
  if (src.kind === "inline") return { pem: src.pem };
  const r = await readSmallFile(src.path);
  if (!r.ok) return { problem: { file, field, message: `cannot read ${src.path}: ${r.why}` } };
  const problem = checkPem(r.text, field, file, src.path);
  return problem ? { problem } : { pem: r.text };
}

function originLabel(o: ConfigOrigin): string {
  switch (o.kind) {
    case "flag":
      return "--config";
    case "env":
      return "HAFEN_CONFIG";
    case "default":
      return "the default location";
    case "endpoint-only":
      return "--endpoint";
    default: {
      const _never: never = o;
      return _never;
    }
  }
}

/** Resolves, reads and validates the client configuration. */
export async function loadClientConfig(flags: ClientFlags, env: NodeJS.ProcessEnv, cwd: string): Promise<ConfigResult<ClientConfig>> {
  const endpointProblem = flags.endpoint !== undefined ? checkEndpoint(flags.endpoint, "--endpoint") : undefined;
  if (endpointProblem) return { ok: false, problems: [endpointProblem] };
  const origin = configOrigin(flags, env, cwd);
  if (!origin.ok) return origin;
  const o = origin.value;
  if (o.kind === "endpoint-only") return { ok: true, value: { endpoint: flags.endpoint! } };
  const read = await readSmallFile(o.file);
  if (!read.ok) {
    const hint =
      read.missing && o.kind === "default"
        ? "no client configuration; start a local cluster (`hafen local up`), or pass --config FILE or --endpoint URL, or set HAFEN_CONFIG"
        : `cannot read the client configuration (from ${originLabel(o)}): ${read.why}`;
    return { ok: false, problems: [{ file: o.file, message: hint }] };
  }
  const parsed = parseClientConfig(read.text, o.file, (p) => resolve(dirname(o.file), p));
  if (!parsed.ok) return parsed;
  const problems: ConfigProblem[] = [];
  const pems: { ca?: string; cert?: string; key?: string } = {};
  for (const f of ["ca", "cert", "key"] as const) {
    const src = parsed.value[f];
    if (!src) continue;
    const r = await loadPem(src, f, o.file);
    if (r.problem) problems.push(r.problem);
    else pems[f] = r.pem;
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: { endpoint: flags.endpoint ?? parsed.value.endpoint, ...(parsed.value.token ? { token: parsed.value.token } : {}), ...pems },
  };
}

/** The API client for a command's flags; throws an Error listing every config problem. */
export async function connect(flags: ClientFlags, env: NodeJS.ProcessEnv, cwd: string): Promise<ApiClient> {
  const cfg = await loadClientConfig(flags, env, cwd);
  if (!cfg.ok) throw new Error(cfg.problems.map(formatConfigProblem).join("\n"));
  return new ApiClient(cfg.value);
}

/** A failure as one or more lines for the user, with a hint where one helps. */
export function failureMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) {
      return `${err.message}\nhint: the API needs credentials; pass --config FILE (a client.json with a token, as \`hafen local up\` writes) or set HAFEN_CONFIG`;
    }
    if (err.status === 403) return `${err.message}\nhint: this credential may not do that; use the cluster's admin client.json (--config FILE)`;
    return err.message;
  }
  if (err instanceof TransportError && (err.code === "connect" || err.code === "timeout")) {
    return `${err.message}\nhint: is the cluster up and is the endpoint right? (--endpoint, --config or HAFEN_CONFIG)`;
  }
  return err instanceof Error ? err.message : String(err);
}
