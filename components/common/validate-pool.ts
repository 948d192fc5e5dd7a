// Validation of one pool's arguments, whatever the caller typed: the fields every pool
// has, then its provider's own. Problems carry the path under `at` (e.g. `pools[2]`).
import { LIMITS, NAME_RE } from "./defaults";
import { RESERVED_METADATA } from "./plan";
import { Problems, type FieldPath } from "./problems";
import { checkCidr, intIn, isRecord, metadataMap, optBool, optInputString, optString, reqInputString, reqString, stringList, wrongType, type Obj } from "./read";
import { POOL_PROVIDERS, type PoolArgs, type PoolProvider } from "./types";
import { validateBareMetal } from "./validate-baremetal";

const ROLES = ["control", "worker", "both"] as const;

function poolName(p: Problems, o: Obj, at: FieldPath): void {
  const name = reqString(p, o, "name", at, "a pool name such as workers");
  if (name !== undefined && !NAME_RE.test(name)) {
    p.add("invalid-value", [...at, "name"], name, "pool names use lowercase letters, digits and inner '-' (they become part of host names and tags)");
  }
}

export function operatorCidrs(p: Problems, o: Obj, key: string, at: FieldPath, publicApi: boolean): void {
  const list = stringList(p, o, key, at, "CIDRs");
  list?.forEach((c, i) => {
    if (typeof c !== "string") return;
    const bad = checkCidr(c);
    if (bad) p.add("invalid-value", [...at, key, i], c, bad);
    else if (/\/0$/.test(c)) {
      p.add("conflict", [...at, key, i], c, `${c} opens SSH and the API to the whole internet; list your operators' networks${publicApi ? "" : ", or set publicApi: true (unsafe) to open the API alone"}`);
    }
  });
}

function aws(p: Problems, o: Obj, at: FieldPath): void {
  reqInputString(p, o, "instanceType", at, 'an EC2 instance type such as "t3.small"');
  reqInputString(p, o, "ami", at, "the AMI id of a Flatcar or Fedora CoreOS image");
  reqInputString(p, o, "vpcId", at, "the VPC of the subnets");
  const subnets = stringList(p, o, "subnetIds", at, "subnet ids", true);
  if (o["subnetIds"] === undefined) p.add("missing-field", [...at, "subnetIds"], undefined, "subnetIds is required: at least one subnet id");
  else if (subnets?.length === 0) p.add("invalid-value", [...at, "subnetIds"], [], "give at least one subnet id");
  const zones = stringList(p, o, "availabilityZones", at, "availability zone names");
  if (zones && subnets && zones.length !== subnets.length) {
    p.add("conflict", [...at, "availabilityZones"], zones, `availabilityZones is parallel to subnetIds: give ${subnets.length} zone(s), one per subnet`);
  }
  optString(p, o, "region", at, 'a region name such as "eu-central-1"');
  optBool(p, o, "publicIp", at);
  if (o["rootVolumeGb"] !== undefined) intIn(p, o, "rootVolumeGb", at, 4, 16384);
  optInputString(p, o, "keyName", at, "an EC2 key pair name");
}

function digitalocean(p: Problems, o: Obj, at: FieldPath): void {
  reqInputString(p, o, "size", at, 'a Droplet size slug such as "s-2vcpu-4gb"');
  const region = reqString(p, o, "region", at, 'a region slug such as "fra1"');
  if (region !== undefined && !/^[a-z0-9]+$/.test(region)) p.add("invalid-value", [...at, "region"], region, 'region slugs are lowercase letters and digits, e.g. "fra1"');
  reqInputString(p, o, "image", at, "the image slug or id of Flatcar or Fedora CoreOS");
  optInputString(p, o, "vpcUuid", at, "a VPC id");
  stringList(p, o, "tags", at, "tag names")?.forEach((t, i) => {
    if (typeof t === "string" && !/^[A-Za-z0-9:_-]{1,255}$/.test(t)) p.add("invalid-value", [...at, "tags", i], t, "DigitalOcean tags hold letters, digits, ':', '-' and '_'");
  });
}

function openstack(p: Problems, o: Obj, at: FieldPath): void {
  reqInputString(p, o, "flavorName", at, "a Nova flavor name");
  reqInputString(p, o, "networkId", at, "the Neutron network id for the ports");
  const hasName = o["imageName"] !== undefined;
  const hasId = o["imageId"] !== undefined;
  if (hasName === hasId) p.add(hasName ? "conflict" : "missing-field", [...at, hasName ? "imageId" : "imageName"], undefined, "give exactly one of imageName and imageId");
  optInputString(p, o, "imageName", at, "a Glance image name");
  optInputString(p, o, "imageId", at, "a Glance image id");
  optString(p, o, "availabilityZone", at, "a Nova availability zone");
  optString(p, o, "region", at, "an OpenStack region");
  stringList(p, o, "secGroups", at, "security group ids", true);
  optInputString(p, o, "floatingIpPool", at, "the external network to take floating IPs from");
}

function vsphere(p: Problems, o: Obj, at: FieldPath): void {
  const c = o["connection"];
  if (!isRecord(c)) {
    if (c === undefined) p.add("missing-field", [...at, "connection"], c, "connection is required: {url, username, password}");
    else wrongType(p, [...at, "connection"], c, "a mapping {url, username, password}");
  } else {
    const cat = [...at, "connection"];
    reqString(p, c, "url", cat, "the vCenter SDK URL, e.g. https://vcenter.example.com/sdk");
    reqString(p, c, "username", cat, "a vCenter user");
    if (c["password"] === undefined) p.add("missing-field", [...cat, "password"], undefined, "password is required (a Pulumi secret)");
    optBool(p, c, "insecure", cat);
    if (c["insecure"] === true && c["caPem"] !== undefined) p.add("conflict", [...cat, "insecure"], true, "insecure and caPem conflict; give one");
  }
  for (const key of ["datacenter", "template", "resourcePool"]) reqString(p, o, key, at, "a vSphere inventory name");
  optString(p, o, "folder", at, "a VM folder path");
  optString(p, o, "datastore", at, "a datastore name");
  intIn(p, o, "numCpus", at, 1, 768, 2);
  const mem = intIn(p, o, "memoryMb", at, 256, 24 * 1024 * 1024, 4096);
  if (mem !== undefined && mem % 4 !== 0) p.add("invalid-value", [...at, "memoryMb"], mem, "memoryMb must be a multiple of 4 (MiB)");
}

function local(p: Problems, o: Obj, at: FieldPath): void {
  const count = typeof o["count"] === "number" ? o["count"] : undefined;
  const control = intIn(p, o, "control", at, 1, LIMITS.localCount, 1);
  if (control !== undefined && count !== undefined && control > count) {
    p.add("conflict", [...at, "control"], control, `control (${control}) cannot exceed count (${count})`);
  }
  optString(p, o, "dir", at, "an absolute directory path");
  if (typeof o["dir"] === "string" && !o["dir"].startsWith("/")) p.add("invalid-value", [...at, "dir"], o["dir"], "dir must be an absolute path");
  if (o["role"] !== undefined) p.add("conflict", [...at, "role"], o["role"], 'a local pool mixes roles: say how many machines run the server with "control" instead of role');
}

/** Checks pool `o` at `at`; returns its provider when known. */
export function validatePool(p: Problems, o: unknown, at: FieldPath, publicApi: boolean): PoolProvider | undefined {
  if (!isRecord(o)) return wrongType(p, at, o, "a pool mapping with provider, name, role and count");
  const provider = o["provider"];
  if (typeof provider !== "string" || !(POOL_PROVIDERS as readonly string[]).includes(provider)) {
    p.add("unknown-provider", [...at, "provider"], provider, `provider must be one of ${POOL_PROVIDERS.map((x) => `"${x}"`).join(", ")}`);
    return undefined;
  }
  poolName(p, o, at);
  const max = provider === "local" ? LIMITS.localCount : LIMITS.poolCount;
  if (provider !== "baremetal") intIn(p, o, "count", at, 1, max);
  metadataMap(p, o, "metadata", at, RESERVED_METADATA);
  const kind = provider as PoolProvider;
  if (kind !== "local") {
    if (o["role"] === undefined) p.add("missing-field", [...at, "role"], undefined, `role is required: one of ${ROLES.map((r) => `"${r}"`).join(", ")}`);
    else if (!(ROLES as readonly unknown[]).includes(o["role"])) p.add("invalid-value", [...at, "role"], o["role"], `role must be one of ${ROLES.map((r) => `"${r}"`).join(", ")}`);
    operatorCidrs(p, o, "operatorCidrs", at, publicApi);
  }
  const checks: Record<PoolProvider, (p: Problems, o: Obj, at: FieldPath) => void> = { aws, digitalocean, openstack, vsphere, baremetal: validateBareMetal, local };
  checks[kind](p, o, at);
  return kind;
}

/** True when the pool is usable as typed PoolArgs (no problem recorded under its path). */
export function poolIsSound(p: Problems, at: FieldPath): boolean {
  return !p.list.some((x) => at.every((seg, i) => x.at[i] === seg));
}

export type { PoolArgs };
