// One view of a machine-booting resource across providers: what the cluster policies
// need (role, cluster, zone, size, image, SSH keys, user data), read from the property
// names of the installed providers. Roles and clusters come from the tags every Hafen
// pool puts on its machines (AWS/OpenStack: `hafen:role`, `hafen:cluster`;
// DigitalOcean, whose tags are plain strings: `hafen-role-<role>`, `hafen-cluster-<name>`).
import { TYPES } from "./types";
import { asList, asString, at, isProps, stringsOf, UNKNOWN, type Props, type Unknown, type Value } from "./values";

export type Cloud = "aws" | "digitalocean" | "openstack";
export type Role = "control" | "worker" | "both";
export const ROLES: readonly Role[] = ["control", "worker", "both"];

export const ROLE_TAG = "hafen:role";
export const CLUSTER_TAG = "hafen:cluster";
export const DO_ROLE_PREFIX = "hafen-role-";
export const DO_CLUSTER_PREFIX = "hafen-cluster-";

export type UserDataField =
  | { readonly state: "absent" }
  | { readonly state: "unknown"; readonly field: string }
  | { readonly state: "known"; readonly field: string; readonly value: string; readonly given: "plain" | "base64" };

export interface MachineView {
  readonly cloud: Cloud;
  /** "instance" boots one machine; "template" (AWS launch template) describes many. */
  readonly kind: "instance" | "template";
  readonly role?: Role;
  readonly cluster?: string;
  /** Availability zone or region, as the resource states it; undefined = provider's pick. */
  readonly zone?: string | Unknown;
  /** The field that names the image, and its value. */
  readonly image?: { readonly field: string; readonly value: string | Unknown };
  readonly size?: { readonly field: string; readonly value: string | Unknown };
  /** Keys attached through the provider (keyName, sshKeys, keyPair). */
  readonly providerKeys: boolean | Unknown;
  /** Fields that set a login password through the provider (OpenStack adminPass). */
  readonly passwordFields: readonly string[];
  readonly userData: UserDataField;
}

function userDataOf(props: Props, field: string, given: "plain" | "base64"): UserDataField | undefined {
  const v = props[field];
  if (v === undefined || v === null || v === "") return undefined;
  if (v === UNKNOWN) return { state: "unknown", field };
  return typeof v === "string" ? { state: "known", field, value: v, given } : undefined;
}

const ABSENT: UserDataField = { state: "absent" };

function role(v: unknown): Role | undefined {
  return ROLES.find((r) => r === v);
}

/** Role and cluster from a key/value tag map (AWS tags, OpenStack metadata). */
function fromTagMap(tags: Value): { role?: Role; cluster?: string } {
  if (!isProps(tags)) return {};
  const r = role(tags[ROLE_TAG]);
  const c = asString(tags[CLUSTER_TAG]);
  return { ...(r && { role: r }), ...(typeof c === "string" && c !== "" && { cluster: c }) };
}

function fromTagList(tags: Value): { role?: Role; cluster?: string } {
  const { known } = stringsOf(tags);
  const r = role(known.find((t) => t.startsWith(DO_ROLE_PREFIX))?.slice(DO_ROLE_PREFIX.length));
  const c = known.find((t) => t.startsWith(DO_CLUSTER_PREFIX))?.slice(DO_CLUSTER_PREFIX.length);
  return { ...(r && { role: r }), ...(c && { cluster: c }) };
}

/** A launch template's instance tags (tagSpecifications with resourceType "instance"). */
function templateTags(props: Props): { role?: Role; cluster?: string } {
  const specs = asList(props["tagSpecifications"]);
  const forInstances = specs === UNKNOWN ? undefined : specs.find((s) => at(s, "resourceType") === "instance");
  return { ...fromTagMap(props["tags"]), ...fromTagMap(at(forInstances, "tags")) };
}

function optString(props: Props, field: string): { field: string; value: string | Unknown } | undefined {
  const v = asString(props[field]);
  return v === undefined || v === "" ? undefined : { field, value: v };
}

function present(v: Value): boolean | Unknown {
  if (v === UNKNOWN) return UNKNOWN;
  if (Array.isArray(v)) return v.length > 0;
  return v !== undefined && v !== null && v !== "";
}

function aws(props: Props, kind: "instance" | "template"): MachineView {
  const template = kind === "template";
  const placement = at(props["placement"], "availabilityZone");
  const zone = asString(template ? placement : props["availabilityZone"]);
  const image = optString(props, template ? "imageId" : "ami");
  const size = optString(props, "instanceType");
  return {
    cloud: "aws",
    kind,
    ...(template ? templateTags(props) : fromTagMap(props["tags"])),
    ...(zone !== undefined && zone !== "" && { zone }),
    ...(image && { image }),
    ...(size && { size }),
    // An instance launched from a template gets its key and user data from it (the
    // template is checked on its own); without its own keyName, its keys are not known here.
    providerKeys: !template && present(props["launchTemplate"]) === true && present(props["keyName"]) === false ? UNKNOWN : present(props["keyName"]),
    passwordFields: [],
    userData: (template ? userDataOf(props, "userData", "base64") : userDataOf(props, "userDataBase64", "base64") ?? userDataOf(props, "userData", "plain")) ?? ABSENT,
  };
}

function droplet(props: Props): MachineView {
  const zone = asString(props["region"]);
  const image = optString(props, "image");
  const size = optString(props, "size");
  return {
    cloud: "digitalocean",
    kind: "instance",
    ...fromTagList(props["tags"]),
    ...(zone !== undefined && zone !== "" && { zone }),
    ...(image && { image }),
    ...(size && { size }),
    providerKeys: present(props["sshKeys"]),
    passwordFields: [],
    userData: userDataOf(props, "userData", "plain") ?? ABSENT,
  };
}

function openstack(props: Props): MachineView {
  const zone = asString(props["availabilityZone"]);
  const image = optString(props, "imageName") ?? optString(props, "imageId");
  const size = optString(props, "flavorName") ?? optString(props, "flavorId");
  return {
    cloud: "openstack",
    kind: "instance",
    ...fromTagMap(props["metadata"]),
    ...(zone !== undefined && zone !== "" && { zone }),
    ...(image && { image }),
    ...(size && { size }),
    providerKeys: present(props["keyPair"]),
    passwordFields: present(props["adminPass"]) === true ? ["adminPass"] : [],
    userData: userDataOf(props, "userData", "plain") ?? ABSENT,
  };
}

/** The machine view of a resource, or undefined for types that boot no machine. */
export function machineOf(type: string, props: Props): MachineView | undefined {
  switch (type) {
    case TYPES.awsInstance:
      return aws(props, "instance");
    case TYPES.awsLaunchTemplate:
      return aws(props, "template");
    case TYPES.doDroplet:
      return droplet(props);
    case TYPES.osInstance:
      return openstack(props);
    default:
      return undefined;
  }
}
