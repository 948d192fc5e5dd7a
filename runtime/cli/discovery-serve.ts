// `hafen discovery serve`: runs the discovery service in the foreground until SIGTERM or
// SIGINT. Prints `hafen discovery: listening on <url>` on stdout once it accepts
// requests (scripts and tests read the URL from it); logs go to stderr.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError, type Command, type CommandContext } from "./command";
import { parseFlags } from "./flags";
import { startDiscoveryServer, type LogLevel, type Logger } from "../discovery/server";

const usage = `Usage: hafen discovery serve --data DIR [--listen HOST:PORT] [--public-url URL]
                             [--tls-cert FILE --tls-key FILE] [--poll-timeout DURATION]
                             [--log-level debug|info|warn|error]

Serves etcd's v2 discovery protocol (etcd members bootstrap with --discovery <token URL>)
and Hafen's own records under /_hafen/<token>/: server announcements (servers/<id>) and
sealed first-boot secrets (sealed/<name>, encrypted by the stack with the bootstrap token;
kept at most 7 days, 16 per token). Tokens come from GET /new?size=N.

  --data DIR            where tokens, registrations and sealed records are kept (required)
  --listen HOST:PORT    address to bind (default 127.0.0.1:7482; port 0 picks a free one)
  --public-url URL      base of the token URLs handed out, http(s)://host[:port]
                        (default: from --listen; required with 0.0.0.0 or ::)
  --tls-cert FILE       serve HTTPS with this PEM certificate chain (needs --tls-key)
  --tls-key FILE        the certificate's PEM private key
  --poll-timeout DUR    how long a long-poll waits before an empty answer (default 60s)
  --log-level LEVEL     debug shows idle long-polls too (default info)`;

const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

export const discoveryServe: Command = {
  words: ["discovery", "serve"],
  summary: "run the discovery service (etcd v2 discovery protocol + Hafen server records)",
  usage,
  async run(ctx: CommandContext): Promise<number> {
    const { values, positionals } = parseFlags(ctx.args, {
      data: { type: "string" },
      listen: { type: "string" },
      "public-url": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "poll-timeout": { type: "string" },
      "log-level": { type: "string" },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (!values.data) throw new UsageError("--data DIR is required");
    const { host, port } = parseListen(values.listen ?? "127.0.0.1:7482");
    const level = values["log-level"] ?? "info";
    if (!LEVELS.includes(level as LogLevel)) throw new UsageError(`--log-level ${JSON.stringify(level)}: expected one of ${LEVELS.join(", ")}`);
    const pollTimeoutMs = values["poll-timeout"] === undefined ? undefined : parseDuration(values["poll-timeout"]);
    const tls = readTls(ctx.cwd, values["tls-cert"], values["tls-key"]);
    const log = makeLogger(ctx, level as LogLevel);
    let stopWith: ((code: number) => void) | undefined;
    let failedEarly = false;
    const server = await startDiscoveryServer({
      host,
      port,
      dataDir: resolve(ctx.cwd, values.data),
      publicUrl: values["public-url"],
      tls,
      pollTimeoutMs,
      log,
      onFatal: () => (stopWith ? stopWith(1) : (failedEarly = true)),
    });
    ctx.stdout.write(`hafen discovery: listening on ${server.url}\n`);
    const code = await untilStopped(log, (stop) => {
      stopWith = stop;
      if (failedEarly) stop(1);
    });
    await server.close();
    return code;
  },
};

/** Resolves with 0 on SIGTERM/SIGINT, or with the code given to `stop` (storage failure). */
function untilStopped(log: Logger, expose: (stop: (code: number) => void) => void): Promise<number> {
  return new Promise((done) => {
    const finish = (code: number) => {
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
      done(code);
    };
    const onTerm = () => {
      log("info", "SIGTERM: shutting down");
      finish(0);
    };
    const onInt = () => {
      log("info", "SIGINT: shutting down");
      finish(0);
    };
    process.once("SIGTERM", onTerm);
    process.once("SIGINT", onInt);
    expose(finish);
  });
}

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s]*):([0-9]{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : -1;
  if (!m || port > 65535) throw new UsageError(`--listen ${JSON.stringify(text)}: expected HOST:PORT, e.g. 127.0.0.1:7482 or [::1]:7482`);
  return { host: m[1]!, port };
}

export function parseDuration(text: string): number {
  const m = /^([0-9]{1,7})(ms|s)$/.exec(text);
  const ms = m ? Number(m[1]) * (m[2] === "s" ? 1000 : 1) : 0;
  if (!m || ms < 10 || ms > 600_000) throw new UsageError(`--poll-timeout ${JSON.stringify(text)}: expected a duration like 60s or 500ms, from 10ms to 600s`);
  return ms;
}

function readTls(cwd: string, cert: string | undefined, key: string | undefined): { cert: Buffer; key: Buffer } | undefined {
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) throw new UsageError("--tls-cert and --tls-key go together");
  const read = (flag: string, file: string): Buffer => {
    try {
      return readFileSync(resolve(cwd, file));
    } catch (err) {
      throw new UsageError(`${flag} ${file}: ${(err as Error).message}`);
    }
  };
  return { cert: read("--tls-cert", cert), key: read("--tls-key", key) };
}

function makeLogger(ctx: CommandContext, level: LogLevel): Logger {
  const min = LEVELS.indexOf(level);
  return (l, message) => {
    if (LEVELS.indexOf(l) >= min) ctx.stderr.write(`${new Date().toISOString()} ${l} ${message}\n`);
  };
}
