// Defaults shared by the pools. Images are pinned by digest (the machine layer refuses
// anything else); the digests below are the multi-arch index digests of the tags named,
// taken from public build logs — verify them against the registry before production use
// and override them with `images` in the cluster args.
import type { ConfigFormat, OsFamily } from "./types";

export const DEFAULT_IMAGES = {
  node: "docker.io/library/node:20-alpine@sha256:fb4cd12c85ee03686f6af5362a0b0d56d50c58a04632e6c0fb8363f609372293",
  etcd: "quay.io/coreos/etcd:v3.5.17@sha256:a055da833a7c013b836ed0822e8ec1f99b059658be255ad8d0fcd31b635ae3d6",
} as const;

export const PORTS = { ssh: 22, api: 7480, agent: 7481, etcdClient: 2379, etcdPeer: 2380 } as const;

/** Where the machine configs put what a machine boots with (under /etc/hafen, which every
 *  runtime container mounts read-only): the short-lived bootstrap token and the CA
 *  certificate. Nothing else secret: keys are issued at boot (components/README.md "TLS"). */
export const PATHS = {
  bootstrapToken: "/etc/hafen/bootstrap-token",
  caCert: "/etc/hafen/tls/ca.pem",
} as const;

export const TLS_DEFAULTS = { caValidityHours: 87_600 } as const;

/** Name of the sealed CA key in the discovery service: the runtime asks for exactly this
 *  (runtime/tls/ensure.ts). Lifetime and renewal: discovery/sealed.ts. */
export const SEALED_CA_KEY_NAME = "ca-key";

export const LIMITS = {
  /** Machines in one cloud pool (EC2/Nova quotas are the real bound; this catches typos). */
  poolCount: 1000,
  /** Machines in the local pool: each is a process tree on this computer. */
  localCount: 20,
  /** Cluster and pool names: `<cluster>-<pool>-<i>` must fit a 63-character DNS label. */
  hostnameMax: 63,
} as const;

/** Flatcar ships Docker, Fedora CoreOS Podman (machine/README.md). */
export function engineFor(os: OsFamily): "docker" | "podman" {
  switch (os) {
    case "flatcar":
      return "docker";
    case "fedora-coreos":
      return "podman";
    default: {
      const _never: never = os;
      return _never;
    }
  }
}

export function defaultFormat(os: OsFamily): ConfigFormat {
  return os === "fedora-coreos" ? "ignition" : "cloud-config";
}

/** Names for clusters and pools: DNS label characters, so host names and tags stay valid. */
export const NAME_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
