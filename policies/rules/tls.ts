// hafen-tls (mandatory): etcd peer and client traffic and the Hafen API are encrypted.
// Judged from what the machine will run: Hafen's settings file in the user data
// (/etc/hafen/machine.json `tls`, which the runtime turns into etcd's and the API's TLS
// flags), etcd flags or ETCD_* variables a config sets by hand, and a Cluster's `tls`.
// `tls.caFile` alone is TLS on: the runtime issues the machine's certificate at boot
// (control machines sign their own with the CA key fetched sealed from discovery,
// workers send a CSR to the servers), which is how a Cluster's machines boot — no key
// in user data. certFile/keyFile are for certificates the operator provides.
// Local clusters (discovery on 127.0.0.1) listen on loopback only and may use plain
// HTTP (design.md "Credentials").
import { defineConfig, booleanField } from "../core/config";
import { isLoopbackUrl } from "../core/discovery";
import { clusterFacts } from "../core/hafen-components";
import { inspect, type Inspection } from "../core/inspect";
import { machineOf } from "../core/machines";
import { label, resourcePolicy, type ResourceView } from "../core/policy";
import { MACHINE_TYPES, TYPES } from "../core/types";

const config = defineConfig({
  allowLocal: booleanField(true, "Let local clusters (discovery URL on 127.0.0.1/localhost) run without TLS."),
});

/** etcd's own URL flags and variables, as a unit or env file would set them. */
const ETCD_URLS = /(?:--|ETCD_)(listen[-_]client[-_]urls|listen[-_]peer[-_]urls|advertise[-_]client[-_]urls|initial[-_]advertise[-_]peer[-_]urls)(?:=|\s+)["']?([^\s"']+)/gi;

/** Non-loopback http:// URLs etcd is told to use, with where they are. */
export function plainEtcdUrls(ins: Inspection): string[] {
  const texts = [
    ...ins.boot.units.flatMap((u) => [{ where: `${u.where} (${u.name})`, text: u.contents ?? "" }, ...u.dropIns.map((d) => ({ where: `${u.where} drop-in ${d.name}`, text: d.contents }))]),
    ...ins.boot.files.map((f) => ({ where: `${f.where} (${f.path})`, text: f.text ?? "" })),
  ];
  const out: string[] = [];
  for (const { where, text } of texts) {
    for (const m of text.matchAll(ETCD_URLS)) {
      const plain = m[2]!.split(",").filter((u) => u.toLowerCase().startsWith("http://") && !isLoopbackUrl(u));
      if (plain.length) out.push(`${where}: ${m[1]!.toLowerCase().replace(/_/g, "-")}=${plain.join(",")}`);
    }
  }
  return out;
}

function machineFindings(r: ResourceView, allowLocal: boolean): string[] {
  const m = machineOf(r.type, r.props);
  if (!m || m.userData.state !== "known") return [];
  const { field } = m.userData;
  const ins = inspect(m.userData.value, m.userData.given);
  const out = plainEtcdUrls(ins).map((u) => `${label(r)} ${field} ${u}: etcd is told to use plain http on a network address; use https:// URLs with --cert-file/--key-file (client) and --peer-cert-file/--peer-key-file (peer), or let Hafen run etcd from its settings with tls set.`);
  const s = ins.settings;
  if (!s) return out;
  const local = s.discovery !== undefined && isLoopbackUrl(s.discovery);
  if (local && allowLocal) return out;
  const at = `${label(r)} ${field} ${s.where} (/etc/hafen/machine.json)`;
  if (!s.tls?.caFile) {
    out.push(`${at}: no tls settings, so etcd peer and client traffic and the Hafen API would run unencrypted. Set hafen.tls {caFile} (the cluster CA certificate; the runtime issues the machine's certificate at boot), or {caFile, certFile, keyFile} for certificates you provide on the machine — never a key in user data.`);
  }
  return out;
}

export const tls = resourcePolicy({
  name: "hafen-tls",
  description: "etcd peer and client traffic and the Hafen API use TLS (local clusters on 127.0.0.1 excepted).",
  enforcementLevel: "mandatory",
  remediationSteps: "Set the machine settings' tls {caFile} (certificates issued at boot) or {caFile, certFile, keyFile}; give etcd https:// URLs.",
  config,
  types: [...MACHINE_TYPES, TYPES.hafenCluster],
  check: (r, c) => {
    if (r.type !== TYPES.hafenCluster) return machineFindings(r, c.allowLocal);
    const facts = clusterFacts(r.name, r.props);
    if (facts.tls !== false || (facts.local === true && c.allowLocal)) return [];
    return [`${label(r)} tls: false switches TLS off for etcd and the Hafen API of cluster "${facts.name}"; only local clusters may run without it. Remove tls: false.`];
  },
});
