// Shared inputs for the component tests: a real SSH key, a runtime bundle, pool
// arguments per provider, and the values a machine's config must hold under the mocks.
import { createHash } from "node:crypto";
import { loadMachine, render, type ConfigFormat, type MachineInput, type Provider } from "../../machine";
import { ED25519 } from "../machine/fixtures/machines";
import { mockOutputs } from "./mocks";
import type { ClusterArgs } from "../../components/common/types";

export { ED25519 };

export const RUNTIME = { url: "https://bundles.example.com/hafen-0.1.0.js", sha256: "a".repeat(64) };
export const SERVICE = "https://discovery.example.com";
export const NODE_IMAGE = "docker.io/library/node:20-alpine@sha256:fb4cd12c85ee03686f6af5362a0b0d56d50c58a04632e6c0fb8363f609372293";
export const ETCD_IMAGE = "quay.io/coreos/etcd:v3.5.17@sha256:a055da833a7c013b836ed0822e8ec1f99b059658be255ad8d0fcd31b635ae3d6";

export const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
export const b64url = (b64: string) => b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

export function tokens(cluster: string): { admin: string; bootstrap: string } {
  return {
    admin: `hfa_${b64url(mockOutputs.randomBase64(`${cluster}-admin-token`))}`,
    bootstrap: `hfb_${b64url(mockOutputs.randomBase64(`${cluster}-bootstrap-token`))}`,
  };
}

export const awsPool = (over: Record<string, unknown> = {}) => ({
  provider: "aws" as const,
  name: "control",
  role: "control" as const,
  count: 3,
  instanceType: "t3.small",
  ami: "ami-0123456789abcdef0",
  vpcId: "vpc-1",
  subnetIds: ["subnet-a", "subnet-b"],
  availabilityZones: ["eu-central-1a", "eu-central-1b"],
  region: "eu-central-1",
  ...over,
});

export const doPool = (over: Record<string, unknown> = {}) => ({
  provider: "digitalocean" as const,
  name: "workers",
  role: "worker" as const,
  count: 2,
  size: "s-2vcpu-4gb",
  region: "fra1",
  image: "flatcar-stable",
  ...over,
});

export const osPool = (over: Record<string, unknown> = {}) => ({
  provider: "openstack" as const,
  name: "edge",
  role: "worker" as const,
  count: 2,
  flavorName: "m1.medium",
  imageName: "flatcar",
  networkId: "net-1",
  availabilityZone: "nova",
  floatingIpPool: "public",
  ...over,
});

export const vspherePool = (over: Record<string, unknown> = {}) => ({
  provider: "vsphere" as const,
  name: "lab",
  role: "both" as const,
  count: 1,
  connection: { url: "https://vc.example.com/sdk", username: "admin", password: "secret-pw" },
  datacenter: "DC1",
  template: "templates/flatcar",
  resourcePool: "Cluster1",
  ...over,
});

export function clusterArgs(over: Partial<ClusterArgs> & Record<string, unknown> = {}): ClusterArgs {
  return {
    pools: [awsPool()],
    discovery: { service: SERVICE },
    sshAuthorizedKeys: [ED25519],
    runtime: RUNTIME,
    ...over,
  } as ClusterArgs;
}

export interface ExpectedMachine {
  readonly cluster: string;
  readonly host: string;
  readonly role: "control" | "worker" | "both";
  readonly metadata: Record<string, string>;
  readonly store?: "etcd" | "embedded";
  readonly os?: "flatcar" | "fedora-coreos";
  /** The discovery token URL; default the mocked DiscoveryToken `<cluster>-discovery` at SERVICE. */
  readonly discovery?: string;
}

/**
 * A cloud machine's description written out by hand: the bootstrap token and the CA
 * certificate as files, `tls {caFile}` alone (the runtime issues the machine's key and
 * certificate at boot), no private key anywhere.
 */
export function expectedInput(e: ExpectedMachine): MachineInput {
  const t = tokens(e.cluster);
  const podman = e.os === "fedora-coreos";
  return {
    hostname: e.host,
    os: e.os ?? "flatcar",
    sshAuthorizedKeys: [ED25519],
    files: [
      { path: "/etc/hafen/bootstrap-token", mode: 0o600, contents: { text: t.bootstrap } },
      { path: "/etc/hafen/tls/ca.pem", mode: 0o644, contents: { text: mockOutputs.certPem(`${e.cluster}-ca`) } },
    ],
    hafen: {
      role: e.role,
      discovery: e.discovery ?? mockOutputs.token(SERVICE, `${e.cluster}-discovery`),
      store: e.store ?? "etcd",
      metadata: e.metadata,
      bindAddress: "0.0.0.0",
      auth: { adminTokenSha256: [sha256(t.admin)], bootstrapTokenSha256: sha256(t.bootstrap) },
      bootstrapTokenFile: "/etc/hafen/bootstrap-token",
      tls: { caFile: "/etc/hafen/tls/ca.pem" },
      launch: { style: "container", engine: podman ? "podman" : "docker", nodeImage: NODE_IMAGE, etcdImage: ETCD_IMAGE },
      runtime: RUNTIME,
      leaseTtlSeconds: 5,
    },
  };
}

/** Renders a machine description written out by hand, as the pools must have. */
export function expectedConfig(input: MachineInput, format: ConfigFormat, provider: Provider): string {
  const m = loadMachine(input);
  if (!m.ok) throw new Error(JSON.stringify(m.problems));
  const r = render(m.value, { format, provider });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.value.text;
}
