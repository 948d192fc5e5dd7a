// `hafen boot serve`: the PXE/iPXE boot service in the foreground until SIGTERM/SIGINT.
// Prints `hafen boot: listening on <url>` on stdout once it accepts requests (scripts and
// tests read the URL from it); logs go to stderr. SIGHUP reloads the data directory
// (it is also watched). Bad data at start: every problem on stderr, exit 1.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { formatBootProblem, LoadError, parseTokenFile, startBootServer, allowList, type Logger } from "../boot";
import { UsageError, type Command, type CommandContext } from "./command";
import { parseListen } from "./discovery-serve";
import { parseFlags } from "./flags";

const usage = `Usage: hafen boot serve --data DIR [--listen HOST:PORT] [--public-url URL]
                        [--token-file FILE] [--tls-cert FILE --tls-key FILE]
                        [--assets DIR] [--max-asset-bytes N] [--config-from CIDR,...]
                        [--no-watch]

Serves iPXE scripts and machine configs chosen by MAC, UUID, host name and serial
(runtime/boot/README.md). Point iPXE at <url>/boot.ipxe (DHCP filename or embedded script).

  --data DIR           groups/ and profiles/ data files (created if missing; required)
  --listen HOST:PORT   address to bind (default 127.0.0.1:7483; port 0 picks a free one)
  --public-url URL     base URL machines reach the service at, http(s)://host[:port]
                       (default: from --listen; required with 0.0.0.0 or ::)
  --token-file FILE    bearer tokens for the /api/v1/ API, one per line (or sha256:<hex>);
                       without it the API is disabled. Machine endpoints need no token.
  --tls-cert FILE      serve HTTPS with this PEM certificate chain (needs --tls-key)
  --tls-key FILE       the certificate's PEM private key
  --assets DIR         cache of kernels/initrds served at /assets/ (SHA-256 checked)
  --max-asset-bytes N  largest upload accepted into the cache (default 4294967296)
  --config-from CIDRS  serve /config and /metadata only to these networks (default: all)
  --no-watch           reload data files only on SIGHUP and API writes (e.g. on NFS)`;

function read(cwd: string, flag: string, file: string): Buffer {
  try {
    return readFileSync(resolve(cwd, file));
  } catch (err) {
    throw new UsageError(`${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function tokens(cwd: string, file: string | undefined): string[] | undefined {
  if (file === undefined) return undefined;
  const parsed = parseTokenFile(read(cwd, "--token-file", file).toString("utf8"), file);
  if (!parsed.ok) throw new UsageError(`--token-file ${parsed.message}`);
  return [...parsed.hashes];
}

function maxBytes(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(text) || Number(text) < 1) throw new UsageError(`--max-asset-bytes ${JSON.stringify(text)}: expected a whole number of bytes`);
  return Number(text);
}

function cidrs(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const list = text.split(",").map((c) => c.trim()).filter(Boolean);
  try {
    allowList(list);
  } catch (err) {
    throw new UsageError(`--config-from: ${(err as Error).message}`);
  }
  return list;
}

export const bootServe: Command = {
  words: ["boot", "serve"],
  summary: "run the PXE/iPXE boot service (per-machine scripts and configs)",
  usage,
  async run(ctx: CommandContext): Promise<number> {
    const { values, positionals } = parseFlags(ctx.args, {
      data: { type: "string" },
      listen: { type: "string" },
      "public-url": { type: "string" },
      "token-file": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      assets: { type: "string" },
      "max-asset-bytes": { type: "string" },
      "config-from": { type: "string" },
      "no-watch": { type: "boolean" },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (!values.data) throw new UsageError("--data DIR is required");
    const { host, port } = parseListen(values.listen ?? "127.0.0.1:7483");
    const [cert, key] = [values["tls-cert"], values["tls-key"]];
    if ((cert === undefined) !== (key === undefined)) throw new UsageError("--tls-cert and --tls-key go together");
    const log: Logger = (level, message) => ctx.stderr.write(`${new Date().toISOString()} ${level} ${message}\n`);
    let server;
    try {
      server = await startBootServer({
        host,
        port,
        dataDir: resolve(ctx.cwd, values.data),
        ...(values.assets !== undefined && { assetsDir: resolve(ctx.cwd, values.assets) }),
        ...(values["public-url"] !== undefined && { publicUrl: values["public-url"] }),
        ...(cert !== undefined && key !== undefined && { tls: { cert: read(ctx.cwd, "--tls-cert", cert), key: read(ctx.cwd, "--tls-key", key) } }),
        tokenHashes: tokens(ctx.cwd, values["token-file"]),
        configFrom: cidrs(values["config-from"]),
        maxAssetBytes: maxBytes(values["max-asset-bytes"]),
        watch: values["no-watch"] !== true,
        log,
      });
    } catch (err) {
      if (!(err instanceof LoadError)) throw err;
      ctx.stderr.write(`hafen boot serve: ${values.data} was refused:\n${err.problems.map((p) => `  ${formatBootProblem(p)}`).join("\n")}\n`);
      return 1;
    }
    ctx.stdout.write(`hafen boot: listening on ${server.url}\n`);
    if (!values["token-file"]) log("warn", "no --token-file: the /api/v1/ API is disabled (data files only)");
    const running = server;
    await new Promise<void>((done) => {
      const onHup = () => void running.reload();
      const stop = (signal: string) => () => {
        log("info", `${signal}: shutting down`);
        process.off("SIGHUP", onHup);
        process.off("SIGTERM", onTerm);
        process.off("SIGINT", onInt);
        done();
      };
      const onTerm = stop("SIGTERM");
      const onInt = stop("SIGINT");
      process.on("SIGHUP", onHup);
      process.once("SIGTERM", onTerm);
      process.once("SIGINT", onInt);
    });
    await running.close();
    return 0;
  },
};
