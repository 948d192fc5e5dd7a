// Data directories for the boot service tests: profiles for each OS, and a writer that
// lays groups/profiles out as the service reads them.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../support/tmp";

export const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEgEiqyUrlUt80JclZze8TzDuGonwlTemn60NSudFK4q hafen-example";
export const sha = (digit: string) => digit.repeat(64);

export const FLATCAR_IMAGES = {
  kernel: { url: "https://stable.release.flatcar-linux.net/amd64-usr/3975.2.0/flatcar_production_pxe.vmlinuz", sha256: sha("a") },
  initrd: [{ url: "https://stable.release.flatcar-linux.net/amd64-usr/3975.2.0/flatcar_production_pxe_image.cpio.gz", sha256: sha("b") }],
};

const FCOS = "https://builds.coreos.fedoraproject.org/prod/streams/stable/builds/40.20240519.3.0/x86_64/fedora-coreos-40.20240519.3.0";
export const FCOS_IMAGES = {
  kernel: { url: `${FCOS}-live-kernel-x86_64`, sha256: sha("c") },
  initrd: [{ url: `${FCOS}-live-initramfs.x86_64.img`, sha256: sha("d") }],
  rootfs: { url: `${FCOS}-live-rootfs.x86_64.img`, sha256: sha("e") },
};

export function flatcarProfile(over: { format?: string; install?: unknown; args?: string[]; machine?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    boot: { os: "flatcar", ...FLATCAR_IMAGES, args: over.args ?? ["console=ttyS0,115200n8"], ...(over.install !== undefined && { install: over.install }) },
    config: { format: over.format ?? "ignition", machine: over.machine ?? { hostname: "{{boot.metadata.name}}", sshAuthorizedKeys: [KEY] } },
  };
}

export function fcosProfile(over: { install?: unknown; machine?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    boot: { os: "fedora-coreos", ...FCOS_IMAGES, args: [], ...(over.install !== undefined && { install: over.install }) },
    config: { format: "ignition", machine: over.machine ?? { os: "fedora-coreos", sshAuthorizedKeys: [KEY] } },
  };
}

export type Docs = Record<string, string | Record<string, unknown>>;

/** Writes docs (objects as JSON in NAME.json, strings as given in NAME or NAME.yaml). */
export function writeDocs(dir: string, kind: "groups" | "profiles", docs: Docs): void {
  mkdirSync(join(dir, kind), { recursive: true });
  for (const [name, doc] of Object.entries(docs)) {
    const file = typeof doc === "string" ? (/\.[a-z]+$/.test(name) ? name : `${name}.yaml`) : `${name}.json`;
    writeFileSync(join(dir, kind, file), typeof doc === "string" ? doc : `${JSON.stringify(doc, null, 2)}\n`);
  }
}

export function dataDir(groups: Docs, profiles: Docs): string {
  const dir = tempDir("hafen-boot-data-");
  writeDocs(dir, "groups", groups);
  writeDocs(dir, "profiles", profiles);
  return dir;
}
