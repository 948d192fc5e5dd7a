// Inputs for the policy tests. Resource properties are typed with the installed
// providers' own Args types (type-only imports: `tsc` checks the shapes, nothing loads at
// run time), and Hafen machines' user data is rendered by machine/'s real renderers, so
// the compliant cases are what Hafen itself produces.
import type * as aws from "@pulumi/aws";
import type * as digitalocean from "@pulumi/digitalocean";
import type * as openstack from "@pulumi/openstack";
import type { Unwrap } from "@pulumi/pulumi";
import { loadMachine, render, type ConfigFormat, type Provider } from "../../machine";

/** A test public key made with ssh-keygen (no private key kept). */
export const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEgEiqyUrlUt80JclZze8TzDuGonwlTemn60NSudFK4q hafen-example";
export const TOKEN = "6a1f0e4b9c2d47e8a3b5c7d9e1f20314";
export const DISCOVERY_HOST = "discovery.hafen.example.com";
export const DISCOVERY = `https://${DISCOVERY_HOST}/${TOKEN}`;
export const SHA = "50d858e0985ecc7f60418aaf0cc5ab587f42c2570a884095a9e8ccacd0f6545c";
export const BOOTSTRAP_TOKEN = `hfb_${"Q".repeat(40)}`;
export const ADMIN_TOKEN = `hfa_${"x7".repeat(16)}`;
/** Not a real key: the header and a body of the right shape are what scanners look for. */
export const PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ".repeat(2)}\n-----END OPENSSH PRIVATE KEY-----\n`;
/** Operator-provided certificates (paths on the machine); Clusters give `{caFile}` alone. */
export const TLS = { caFile: "/etc/hafen/tls/ca.pem", certFile: "/etc/hafen/tls/server.pem", keyFile: "/etc/hafen/tls/server-key.pem" };

export type Role = "control" | "worker" | "both";

/** A Hafen machine as a pool would describe it: SSH keys, bootstrap token, the CA
 *  certificate's path (the runtime issues the machine's certificate), container launch. */
export function hafenMachine(role: Role, over: Record<string, unknown> = {}, hafenOver: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sshAuthorizedKeys: [KEY],
    files: [{ path: "/etc/hafen/bootstrap-token", mode: "0600", contents: { text: `${BOOTSTRAP_TOKEN}\n` } }],
    hafen: {
      role,
      discovery: DISCOVERY,
      store: "etcd",
      bootstrapTokenFile: "/etc/hafen/bootstrap-token",
      tls: { caFile: TLS.caFile },
      launch: { style: "container", engine: "docker", nodeImage: `docker.io/library/node:20-alpine@sha256:${"a".repeat(64)}`, etcdImage: `quay.io/coreos/etcd:v3.5.17@sha256:${"b".repeat(64)}` },
      runtime: { url: "https://bundles.example.com/hafen.js", sha256: SHA },
      ...hafenOver,
    },
    ...over,
  };
}

/** The user data machine/ renders for a machine input (throws when it refuses). */
export function userData(input: Record<string, unknown>, format: ConfigFormat = "cloud-config", provider: Provider = "aws"): string {
  const m = loadMachine(input);
  if (!m.ok) throw new Error(`fixture machine is invalid: ${m.problems.map((p) => `${p.at.join(".")}: ${p.message}`).join("; ")}`);
  const r = render(m.value, { format, provider });
  if (!r.ok) throw new Error(`fixture machine does not render: ${r.problems.map((p) => p.message).join("; ")}`);
  return r.value.text;
}

export const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");

/** Typed provider props, handed to policies as the plain records CrossGuard passes. */
const plain = <T>(x: T): Record<string, unknown> => x as unknown as Record<string, unknown>;

export const awsInstance = (p: Unwrap<aws.ec2.InstanceArgs>) => plain(p);
export const awsLaunchTemplate = (p: Unwrap<aws.ec2.LaunchTemplateArgs>) => plain(p);
export const awsSecurityGroup = (p: Unwrap<aws.ec2.SecurityGroupArgs>) => plain(p);
export const awsSecurityGroupRule = (p: Unwrap<aws.ec2.SecurityGroupRuleArgs>) => plain(p);
export const awsIngressRule = (p: Unwrap<aws.vpc.SecurityGroupIngressRuleArgs>) => plain(p);
export const doDroplet = (p: Unwrap<digitalocean.DropletArgs>) => plain(p);
export const doFirewall = (p: Unwrap<digitalocean.FirewallArgs>) => plain(p);
export const osInstance = (p: Unwrap<openstack.compute.InstanceArgs>) => plain(p);
export const osSecGroupRule = (p: Unwrap<openstack.networking.SecGroupRuleArgs>) => plain(p);
export const osComputeSecGroup = (p: Unwrap<openstack.compute.SecGroupArgs>) => plain(p);

export const T = {
  awsInstance: "aws:ec2/instance:Instance",
  awsLaunchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  awsSecurityGroup: "aws:ec2/securityGroup:SecurityGroup",
  awsDefaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  awsSecurityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  awsIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  doDroplet: "digitalocean:index/droplet:Droplet",
  doFirewall: "digitalocean:index/firewall:Firewall",
  osInstance: "openstack:compute/instance:Instance",
  osSecGroupRule: "openstack:networking/secGroupRule:SecGroupRule",
  osComputeSecGroup: "openstack:compute/secGroup:SecGroup",
  cluster: "hafen:index:Cluster",
  unit: "hafen:index:Unit",
} as const;

/** An AWS control machine of cluster `cluster` in `zone`, booting Hafen's cloud-config. */
export function awsControl(cluster: string, zone: string, role: Role = "control", ud = userData(hafenMachine(role))): Record<string, unknown> {
  return awsInstance({
    ami: "ami-0123456789abcdef0",
    instanceType: "m6i.large",
    availabilityZone: zone,
    keyName: "ops",
    userData: ud,
    tags: { "hafen:role": role, "hafen:cluster": cluster },
  });
}
