// The discovery service's public face: the server for `hafen discovery serve` and for
// embedding (local clusters start one in-process), and the client for Hafen's servers
// and agents. Everything else in this folder is internal.
export { startDiscoveryServer, type DiscoveryServer, type DiscoveryServerOptions, type Logger, type LogLevel } from "./server";
export {
  createToken,
  getSize,
  registerServer,
  listServers,
  removeServer,
  putSealed,
  getSealed,
  deleteSealed,
  parseTokenUrl,
  type ClientError,
  type ClientResult,
  type ClientOptions,
  type ServerAnnouncement,
} from "./client";
export type { ServerInfo, ServerRecord } from "./servers";
export type { Clock } from "./registry";
export { DEFAULT_SIZE, MAX_SIZE } from "./request";
export { MAX_SEALED_TTL_SECONDS } from "./sealed";
