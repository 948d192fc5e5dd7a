// One machine's boot config as plain data: the machine model (machine/) filled from the
// cluster's settings, the machine's plan and the resolved secrets, then validated and
// rendered. Pure: the pools call it inside `apply` with real values, validation calls it
// at construction with placeholders of the same sizes.
import { createHash } from "node:crypto";
import { formatPath as machinePath, loadMachine, render, type ConfigFormat, type Machine, type MachineInput, type MachineProblem, type OsFamily, type Provider, type StoreKind } from "../../machine";
import { engineFor, PATHS } from "./defaults";
import type { MachinePlan } from "./plan";

/** Cluster-wide settings every machine shares (known at preview). */
export interface MachineStatic {
  readonly os: OsFamily;
  readonly store: StoreKind;
  readonly sshAuthorizedKeys: readonly string[];
  readonly images: { readonly node: string; readonly etcd: string };
  readonly leaseTtlSeconds: number;
  readonly bootstrapExpiresAt?: string;
}

/** Values known only at deployment (secrets, other resources' outputs). No private key:
 *  machines get the CA certificate and issue their own keys at boot. */
export interface MachineValues {
  readonly discoveryUrl: string;
  readonly adminToken: string;
  readonly bootstrapToken: string;
  readonly caCertPem: string;
  readonly runtime?: { readonly url: string; readonly sha256: string };
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function file(path: string, text: string, mode: number): Record<string, unknown> {
  return { path, mode, contents: { text } };
}

/** The machine description (machine/'s input shape) for one machine. */
export function machineInput(st: MachineStatic, m: MachinePlan, v: MachineValues): MachineInput {
  return {
    hostname: m.hostname,
    os: st.os,
    sshAuthorizedKeys: [...st.sshAuthorizedKeys],
    files: [file(PATHS.bootstrapToken, v.bootstrapToken, 0o600), file(PATHS.caCert, v.caCertPem, 0o644)],
    hafen: {
      role: m.role,
      discovery: v.discoveryUrl,
      store: st.store,
      metadata: { ...m.metadata },
      bindAddress: "0.0.0.0",
      auth: {
        adminTokenSha256: [sha256Hex(v.adminToken)],
        bootstrapTokenSha256: sha256Hex(v.bootstrapToken),
        ...(st.bootstrapExpiresAt !== undefined && { bootstrapExpiresAt: st.bootstrapExpiresAt }),
      },
      bootstrapTokenFile: PATHS.bootstrapToken,
      // caFile alone: the runtime issues the machine's certificate at boot.
      tls: { caFile: PATHS.caCert },
      launch: { style: "container", engine: engineFor(st.os), nodeImage: st.images.node, etcdImage: st.images.etcd },
      ...(v.runtime && { runtime: { url: v.runtime.url, sha256: v.runtime.sha256 } }),
      leaseTtlSeconds: st.leaseTtlSeconds,
    },
  };
}

export type BuildResult = { readonly ok: true; readonly machine: Machine; readonly text: string; readonly bytes: number } | { readonly ok: false; readonly problems: readonly MachineProblem[] };

/** Validates the machine and renders it for `provider`, checking its user-data limit. */
export function buildConfig(input: MachineInput, format: ConfigFormat, provider: Provider): BuildResult {
  const loaded = loadMachine(input);
  if (!loaded.ok) return { ok: false, problems: loaded.problems };
  const r = render(loaded.value, { format, provider });
  if (!r.ok) return { ok: false, problems: r.problems };
  return { ok: true, machine: loaded.value, text: r.value.text, bytes: r.value.size.bytes };
}

/** For errors thrown at deployment: every problem of one machine's config, one per line. */
export function describeMachineProblems(hostname: string, problems: readonly MachineProblem[]): string {
  return `machine ${hostname}: its config is invalid:\n${problems.map((p) => `  ${machinePath(p.at) || "(config)"}: ${p.code}: ${p.message}`).join("\n")}`;
}
