// Pulumi mocks for the component tests. Every registration is recorded (type, name,
// inputs as the engine receives them); cloud resources get deterministic outputs derived
// from their names (addresses, ids, PEMs, random bytes), so a test can compute what a
// machine's config must contain. A transformation on the component under test records
// each child's props (Outputs intact, to check secrecy) and its parent.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly custom: boolean;
}

export const registered: Registered[] = [];

const hash = (s: string) => createHash("sha256").update(s).digest();

/** Fake PEM of realistic size, unique per name. */
export function pemFor(label: string, name: string, chars: number): string {
  let body = "";
  for (let i = 0; body.length < chars; i++) body += hash(`${name}/${i}`).toString("base64").replace(/=+$/, "");
  const lines = body.slice(0, chars).match(/.{1,64}/g)!.join("\n");
  return `-----BEGIN ${label}-----\n${lines}\n-----END ${label}-----\n`;
}

const octet = (name: string, i: number) => 1 + (hash(name)[i]! % 250);

export const mockOutputs = {
  randomBase64: (name: string) => hash(`random/${name}`).toString("base64"),
  privateKeyPem: (name: string, algorithm = "RSA") => pemFor(algorithm === "RSA" ? "RSA PRIVATE KEY" : "EC PRIVATE KEY", `key/${name}`, algorithm === "RSA" ? 1592 : 160),
  certPem: (name: string) => pemFor("CERTIFICATE", `cert/${name}`, 1080),
  instanceIp: (name: string) => `10.0.${octet(name, 0)}.${octet(name, 1)}`,
  eipIp: (name: string) => `203.0.113.${octet(name, 2)}`,
  dropletPublic: (name: string) => `198.51.100.${octet(name, 3)}`,
  dropletPrivate: (name: string) => `10.110.${octet(name, 4)}.${octet(name, 5)}`,
  portIp: (name: string) => `192.168.${octet(name, 6)}.${octet(name, 7)}`,
  floatingIp: (name: string) => `192.0.2.${octet(name, 8)}`,
  vmIp: (name: string) => `172.16.${octet(name, 9)}.${octet(name, 10)}`,
  token: (service: string, name: string) => `${service.replace(/\/+$/, "")}/${hash(`token/${name}`).toString("hex").slice(0, 32)}`,
};

/** Fixed "now" of the SealedSecret mock: expiresAt = this + ttl. */
export const MOCK_NOW = Date.parse("2030-01-01T00:00:00Z");

/**
 * The state a real provider would report for a resource: its inputs plus realistic
 * outputs (addresses, ids, PEMs, random bytes). Exported for other test runners (the
 * policy tests run whole stacks with it).
 */
export function mockState(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  switch (type) {
    case "random:index/randomBytes:RandomBytes":
      return { ...inputs, base64: mockOutputs.randomBase64(name), hex: hash(`random/${name}`).toString("hex") };
    case "tls:index/privateKey:PrivateKey":
      return { ...inputs, privateKeyPem: mockOutputs.privateKeyPem(name, inputs.algorithm), publicKeyPem: "pub" };
    case "tls:index/selfSignedCert:SelfSignedCert":
    case "tls:index/locallySignedCert:LocallySignedCert":
      return { ...inputs, certPem: mockOutputs.certPem(name) };
    case "tls:index/certRequest:CertRequest":
      return { ...inputs, certRequestPem: pemFor("CERTIFICATE REQUEST", name, 400) };
    case "aws:ec2/instance:Instance":
      return { ...inputs, privateIp: mockOutputs.instanceIp(name), arn: `arn:aws:ec2:eu-central-1:123456789012:instance/${name}` };
    case "aws:ec2/eip:Eip":
      return { ...inputs, publicIp: mockOutputs.eipIp(name) };
    case "digitalocean:index/droplet:Droplet":
      return { ...inputs, ipv4Address: mockOutputs.dropletPublic(name), ipv4AddressPrivate: mockOutputs.dropletPrivate(name) };
    case "openstack:networking/port:Port":
      return { ...inputs, allFixedIps: [mockOutputs.portIp(name)] };
    case "openstack:networking/floatingIp:FloatingIp":
      return { ...inputs, address: mockOutputs.floatingIp(name) };
    case "pulumi-nodejs:dynamic/hafen:DiscoveryToken":
      return { ...inputs, url: mockOutputs.token(inputs.service, name) };
    case "pulumi-nodejs:dynamic/hafen:SealedSecret":
      return { ...inputs, ttlSeconds: inputs.ttlSeconds ?? 86400, expiresAt: MOCK_NOW + (inputs.ttlSeconds ?? 86400) * 1000 };
    case "pulumi-nodejs:dynamic/vsphere:Vm":
      return { ...inputs, moref: `vm-${name}`, ipAddress: mockOutputs.vmIp(name), powerState: "poweredOn" };
    default:
      return { ...inputs };
  }
}

let installed = false;

export function installMocks(): void {
  if (installed) return;
  installed = true;
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, custom: args.custom ?? false });
        return { id: args.custom ? `${args.name}-id` : undefined, state: mockState(args.type, args.name, args.inputs) };
      },
      call: (args) => ({ ...args.inputs }),
    },
    "hafen",
    "test",
    false,
  );
  // Registrations outlive the constructors (dynamic providers are serialised first): let
  // each test's finish inside the test, or jest tears modules down under them.
  if (typeof afterEach === "function") afterEach(() => settle());
}

/** Waits until every registration Pulumi has started is answered. */
export function settle(): Promise<void> {
  return (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

export interface Child {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, any>;
  readonly parent?: pulumi.Resource;
  readonly resource: pulumi.Resource;
  /** The resources it was told to wait for (`dependsOn`). */
  readonly dependsOn: readonly unknown[];
  readonly opts: pulumi.ResourceOptions;
}

/** A transformation that records every resource created under the component it is given to. */
export function childRecorder(): { children: Child[]; transformations: pulumi.ResourceTransformation[] } {
  const children: Child[] = [];
  const record: pulumi.ResourceTransformation = (a) => {
    const d = a.opts.dependsOn;
    const dependsOn = d === undefined ? [] : Array.isArray(d) ? d : [d];
    children.push({ type: a.type, name: a.name, props: a.props as Record<string, any>, parent: a.opts.parent, resource: a.resource, dependsOn, opts: a.opts });
    return undefined;
  };
  return { children, transformations: [record] };
}

export function resolve<T>(o: pulumi.Input<T>): Promise<T> {
  return new Promise((r) => pulumi.output(o).apply((v) => r(v as T)));
}

export async function isSecret(v: unknown): Promise<boolean> {
  return pulumi.Output.isInstance(v) ? pulumi.isSecret(v as pulumi.Output<unknown>) : false;
}

/** Pulumi's wire marker of a secret value ("4dabf…" = the secret signature). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** True when an input the engine received was marked secret. */
export function isSecretInput(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE;
}

/** An input as the engine received it, with a secret marker removed. */
export function plain<T = unknown>(v: unknown): T {
  return (isSecretInput(v) ? (v as { value: unknown }).value : v) as T;
}
