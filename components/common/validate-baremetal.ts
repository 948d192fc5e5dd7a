// Validation of a Cluster's bare-metal pool arguments: the shape of `boot`, `image` and
// the machine list (names, MACs, addresses). What the boot service itself would refuse
// in the documents (image URLs, install options, kernel arguments) is checked at preview
// by rendering them with the service's own validator (validate.ts previewBareMetal).
import { isIP } from "node:net";
import { normalizeMac } from "../../runtime/boot/selectors";
import { Problems, type FieldPath } from "./problems";
import { isDeferred, isRecord, oneOf, reqString, stringList, wrongType, type Obj } from "./read";

/** The boot service's rule for group/profile names and machine names. */
export const BAREMETAL_NAME_RE = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

function boot(p: Problems, o: Obj, at: FieldPath): void {
  const b = o["boot"];
  if (b === undefined) return void p.add("missing-field", [...at, "boot"], b, "boot is required: {url, token} of the Hafen boot service (`hafen boot serve`)");
  if (isDeferred(b)) return;
  if (!isRecord(b)) return void wrongType(p, [...at, "boot"], b, "a mapping {url, token, ca?}");
  const url = reqString(p, b, "url", [...at, "boot"], "the boot service's base URL, http(s)://host:port");
  if (url !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(url)) p.add("invalid-value", [...at, "boot", "url"], url, "expected the boot service's base URL, http(s)://host:port, with no path");
  if (b["token"] === undefined) p.add("missing-field", [...at, "boot", "token"], undefined, "token is required: one of the boot service's --token-file tokens (a Pulumi secret)");
  else if (typeof b["token"] !== "string" && !isDeferred(b["token"])) wrongType(p, [...at, "boot", "token"], "(not shown)", "a token string (or an Output of one)");
}

function image(p: Problems, o: Obj, at: FieldPath): void {
  const i = o["image"];
  if (i === undefined) return void p.add("missing-field", [...at, "image"], i, "image is required: {os, kernel, initrd[, rootfs]} PXE images (components/baremetal/README.md)");
  if (!isRecord(i)) return void wrongType(p, [...at, "image"], i, "a mapping {os, kernel, initrd[, rootfs]}");
  oneOf(p, i, "os", [...at, "image"], ["flatcar", "fedora-coreos"] as const);
}

function machine(p: Problems, m: unknown, at: FieldPath, needsAddress: string | undefined, seen: { names: Map<string, number>; macs: Map<string, number> }, i: number): void {
  if (!isRecord(m)) return void wrongType(p, at, m, "a machine mapping {name, mac, …}");
  const name = reqString(p, m, "name", at, "a machine name such as m1");
  if (name !== undefined && !BAREMETAL_NAME_RE.test(name)) p.add("invalid-value", [...at, "name"], name, 'machine names are 1-32 lowercase letters, digits and inner "-" (host name <cluster>-<pool>-<name>)');
  else if (name !== undefined && seen.names.has(name)) p.add("duplicate", [...at, "name"], name, `machine name "${name}" is also machines[${seen.names.get(name)}].name`);
  else if (name !== undefined) seen.names.set(name, i);
  const mac = reqString(p, m, "mac", at, "the MAC the machine PXE-boots from");
  const n = mac === undefined ? undefined : normalizeMac(mac);
  if (n && "error" in n) p.add("invalid-value", [...at, "mac"], mac, n.error);
  else if (n && seen.macs.has(n.value)) p.add("duplicate", [...at, "mac"], mac, `MAC ${mac} is also machines[${seen.macs.get(n.value)}].mac`);
  else if (n) seen.macs.set(n.value, i);
  const address = m["address"];
  if (address !== undefined && address !== "" && (typeof address !== "string" || isIP(address) === 0)) p.add("invalid-value", [...at, "address"], address, "expected the machine's IP address (a DHCP reservation or static address)");
  else if ((address === undefined || address === "") && needsAddress) p.add("missing-field", [...at, "address"], address, needsAddress);
}

/** Checks bare-metal pool `o` at `at` (its PoolBase fields are checked by the caller). */
export function validateBareMetal(p: Problems, o: Obj, at: FieldPath): void {
  if (o["count"] !== undefined) p.add("conflict", [...at, "count"], o["count"], "a bare-metal pool lists its machines; remove count (it is machines.length)");
  boot(p, o, at);
  image(p, o, at);
  if (o["format"] !== undefined) oneOf(p, o, "format", at, ["cloud-config", "ignition"] as const);
  stringList(p, o, "kernelArgs", at, "kernel arguments");
  if (o["install"] !== undefined && !isRecord(o["install"])) wrongType(p, [...at, "install"], o["install"], "a mapping {disk, …}");
  const list = o["machines"];
  if (!Array.isArray(list)) return void p.add(list === undefined ? "missing-field" : "wrong-type", [...at, "machines"], list, "machines is required: a list of {name, mac, address?, …}");
  if (list.length === 0) return void p.add("invalid-value", [...at, "machines"], list, "give at least one machine");
  const control = o["role"] === "control" || o["role"] === "both";
  const needsAddress = control ? "control machines need their address: it is the API endpoint other machines and the client config use" : undefined;
  const seen = { names: new Map<string, number>(), macs: new Map<string, number>() };
  list.forEach((m, i) => machine(p, m, [...at, "machines", i], needsAddress, seen, i));
}
