// The machine model: what one machine boots with, as plain data. `loadMachine()` turns
// untrusted input (parsed YAML/JSON, or a TypeScript object of the same shape) into a
// `Machine` with every default filled in; the renderers take only `Machine`.
// The YAML field names are exactly the TypeScript ones (see machine/README.md).

export type OsFamily = "flatcar" | "fedora-coreos";
export const OS_FAMILIES: readonly OsFamily[] = ["flatcar", "fedora-coreos"];

export interface Machine {
  /** RFC 1123 host name; unset leaves the provider's default. */
  readonly hostname?: string;
  /** Default "flatcar". Fedora CoreOS boots Ignition only (no cloud-config). */
  readonly os: OsFamily;
  /** Keys for the default `core` user. */
  readonly sshAuthorizedKeys: readonly string[];
  readonly users: readonly User[];
  readonly files: readonly FileSpec[];
  readonly units: readonly UnitSpec[];
  /** The Hafen runtime on this machine; absent = a plain machine. */
  readonly hafen?: HafenSettings;
  /** Local machines only: every path Hafen writes (files, settings, ExecStart
   *  arguments) is rebased under this directory. Unit contents are not rewritten. */
  readonly root?: string;
}

export interface User {
  readonly name: string;
  readonly groups: readonly string[];
  readonly sshAuthorizedKeys: readonly string[];
  /** crypt(3) hash. Discouraged: prefer SSH keys (the policy pack flags it). */
  readonly passwordHash?: string;
  readonly system: boolean;
  readonly homeDir?: string;
  readonly shell?: string;
}

/** Where a file's bytes come from: inline text, inline bytes, or fetched and verified. */
export type FileContents =
  | { readonly source: "text"; readonly text: string }
  | { readonly source: "bytes"; readonly bytes: Uint8Array }
  | { readonly source: "url"; readonly url: string; readonly sha256: string };

export interface FileSpec {
  /** Absolute, normalized; on local machines rebased under `root` when rendered. */
  readonly path: string;
  /** Permission bits, 0..0o7777; default 0o644. */
  readonly mode: number;
  readonly owner?: string;
  readonly group?: string;
  readonly contents: FileContents;
}

/** What coreos-cloudinit runs after writing a unit (systemctl verbs it accepts). */
export const UNIT_COMMANDS = ["start", "stop", "restart", "reload", "try-restart", "reload-or-restart", "reload-or-try-restart"] as const;
export type UnitCommand = (typeof UNIT_COMMANDS)[number];

export interface DropIn {
  readonly name: string;
  readonly contents: string;
}

export interface UnitSpec {
  readonly name: string;
  /** Unit file text; absent for units the OS ships (e.g. docker.service). */
  readonly contents?: string;
  readonly command?: UnitCommand;
  readonly enable: boolean;
  /** cloud-config: write under /run (not persistent). Ignition has no such notion. */
  readonly runtime: boolean;
  readonly mask: boolean;
  readonly dropIns: readonly DropIn[];
}

export type MachineRole = "control" | "worker" | "both";
export type StoreKind = "embedded" | "etcd";
export type ContainerEngine = "docker" | "podman";

export type Launch =
  /** Local machines: `node hafen.js …` as host processes. */
  | {
      readonly style: "host";
      readonly node: string;
      readonly hafen: string;
      readonly etcd: string;
      /**
       * How the agent runs units: "process" (default) spawns them; "recording" only
       * records starts and stops — for control-plane benchmarks, never for real work.
       */
      readonly executor?: "process" | "recording";
    }
  /** Flatcar/Fedora CoreOS: runtime in the Node image, etcd in the etcd image, by digest. */
  | { readonly style: "container"; readonly engine: ContainerEngine; readonly nodeImage: string; readonly etcdImage: string };

/**
 * The Hafen runtime settings for one machine — a contract with the runtime, which reads
 * them from /etc/hafen/machine.json (rebased under `root` on local machines) and
 * validates them with `parseHafenSettings()`.
 */
export interface HafenSettings {
  /** control/both run the API server; every machine runs the agent. */
  readonly role: MachineRole;
  /** Discovery token URL: https://HOST/<32 hex>, or http://127.0.0.1:PORT/<32 hex> locally. */
  readonly discovery: string;
  /** etcd: control machines also run an etcd member bootstrapping through `discovery`. */
  readonly store: StoreKind;
  /** fleet machine metadata; keys [A-Za-z0-9_-], values non-empty without , = " or spaces. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Defaults 7480 (API), 7481 (agent: journal relay from servers), 2379, 2380. */
  readonly ports: { readonly api: number; readonly agent: number; readonly etcdClient: number; readonly etcdPeer: number };
  /** Machine name announced to the cluster; default: the machine's host name. */
  readonly name?: string;
  /**
   * Address the API server and agent bind to. Default 0.0.0.0 on cloud machines (the
   * firewall the pool creates limits who reaches it); local clusters use 127.0.0.1.
   */
  readonly bindAddress: string;
  /** Address announced to peers (API endpoint, primary IP, etcd URLs); default: found at start. */
  readonly advertiseAddress?: string;
  /**
   * Credentials servers accept, as SHA-256 hashes only (not secrets, safe in user data).
   * Admin tokens are for the CLI and Pulumi; the bootstrap token lets a new machine join
   * once, until `bootstrapExpiresAt` (ISO 8601). Client certificates signed by `tls.caFile`
   * are accepted too.
   */
  readonly auth?: {
    readonly adminTokenSha256: readonly string[];
    readonly bootstrapTokenSha256?: string;
    readonly bootstrapExpiresAt?: string;
  };
  /** File holding the short-lived join token; the token itself is an entry in `files`. */
  readonly bootstrapTokenFile?: string;
  /**
   * Paths on the machine. `caFile` (the cluster CA certificate) alone means the runtime
   * issues this machine's certificate at boot: control machines fetch the CA key sealed in
   * the discovery service and open it with the bootstrap token, workers send a CSR to the
   * servers. certFile and keyFile (together or not at all) are for certificates the
   * operator provides; no private key ever needs to travel in user data.
   */
  readonly tls?: { readonly caFile: string; readonly certFile?: string; readonly keyFile?: string };
  /** Default /var/lib/hafen. */
  readonly dataDir: string;
  readonly launch: Launch;
  /** Where container-launched machines fetch the runtime bundle (unused for host launch). */
  readonly runtime?: { readonly url: string; readonly sha256: string };
  /** Machine lease TTL in seconds, default 5; etcd grants no less than 2. */
  readonly leaseTtlSeconds: number;
}

export const HAFEN_DEFAULTS = {
  ports: { api: 7480, agent: 7481, etcdClient: 2379, etcdPeer: 2380 },
  bindAddress: "0.0.0.0",
  dataDir: "/var/lib/hafen",
  leaseTtlSeconds: 5,
  etcd: "/usr/bin/etcd",
} as const;

export const DEFAULT_FILE_MODE = 0o644;

/** Bytes of a file's inline contents; undefined for fetched files. */
export function inlineBytes(c: FileContents): Uint8Array | undefined {
  switch (c.source) {
    case "text":
      return Buffer.from(c.text, "utf8");
    case "bytes":
      return c.bytes;
    case "url":
      return undefined;
    default: {
      const _never: never = c;
      return _never;
    }
  }
}
