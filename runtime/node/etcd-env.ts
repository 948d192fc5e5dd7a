// The environment an etcd member of a control machine starts with (etcd reads every
// flag from ETCD_* variables), computed from the machine's settings and its own address.
// Pure: the command around it only writes the file. The member bootstraps through the
// cluster's discovery token; a member beyond the token's size exits instead of becoming
// a proxy (etcd 3.4's default fallback), as design.md asks of late members.
import { join } from "node:path";
import type { HafenSettings } from "../../machine";
import { hostPort } from "./address";

/** `tls`: the machine's certificate files (runtime/tls/ensure.ts), when the cluster uses TLS. */
export function etcdEnvironment(
  s: HafenSettings,
  opts: { name: string; ip: string; tls?: { caFile: string; certFile: string; keyFile: string } },
): Record<string, string> {
  const tls = opts.tls;
  const scheme = tls ? "https" : "http";
  const local = opts.ip === "127.0.0.1";
  const peerUrl = `${scheme}://${hostPort(opts.ip, s.ports.etcdPeer)}`;
  const clientUrl = `${scheme}://${hostPort(opts.ip, s.ports.etcdClient)}`;
  const loopbackClient = `${scheme}://127.0.0.1:${s.ports.etcdClient}`;
  const env: Record<string, string> = {
    ETCD_NAME: opts.name,
    ETCD_DATA_DIR: join(s.dataDir, "etcd"),
    ETCD_DISCOVERY: s.discovery,
    ETCD_DISCOVERY_FALLBACK: "exit",
    ETCD_LISTEN_PEER_URLS: peerUrl,
    ETCD_INITIAL_ADVERTISE_PEER_URLS: peerUrl,
    ETCD_LISTEN_CLIENT_URLS: local ? loopbackClient : `${loopbackClient},${clientUrl}`,
    ETCD_ADVERTISE_CLIENT_URLS: clientUrl,
    ETCD_LOGGER: "zap",
    ETCD_LOG_LEVEL: "warn",
  };
  if (tls) {
    Object.assign(env, {
      ETCD_CERT_FILE: tls.certFile,
      ETCD_KEY_FILE: tls.keyFile,
      ETCD_TRUSTED_CA_FILE: tls.caFile,
      ETCD_CLIENT_CERT_AUTH: "true",
      ETCD_PEER_CERT_FILE: tls.certFile,
      ETCD_PEER_KEY_FILE: tls.keyFile,
      ETCD_PEER_TRUSTED_CA_FILE: tls.caFile,
      ETCD_PEER_CLIENT_CERT_AUTH: "true",
    });
  }
  // etcd (Go) trusts a private CA for an https discovery URL only through SSL_CERT_FILE.
  if (s.discovery.startsWith("https:") && s.tls?.caFile) env.SSL_CERT_FILE = s.tls.caFile;
  return env;
}

/** KEY=VALUE lines readable by systemd's EnvironmentFile= and `docker run --env-file`. */
export function envFileText(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => {
      if (/[\n\r\0]/.test(v)) throw new Error(`${k} contains a line break; refusing to write an env file that would split it`);
      return `${k}=${v}\n`;
    })
    .join("");
}
