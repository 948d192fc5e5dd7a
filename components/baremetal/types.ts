// Arguments of the bare-metal pool. Plain data (not Inputs) wherever the pool must
// validate at preview: names, MACs, images and install options decide the documents the
// boot service will hold, and a typo there should fail `pulumi preview`, not a boot.
import type { ConfigFormat, MachineRole } from "../../machine";

/** A boot image: fetched by iPXE from a URL, or served from the boot service's assets
 *  cache (uploaded there beforehand with its SHA-256; see runtime/boot/README.md). */
export type PxeImageSource = { readonly url: string; readonly sha256: string } | { readonly asset: string; readonly sha256: string };

/** The PXE images of one OS (their documented kernel arguments are added by the service). */
export type PxeImageArgs =
  /** flatcar_production_pxe.vmlinuz + flatcar_production_pxe_image.cpio.gz */
  | { readonly os: "flatcar"; readonly kernel: PxeImageSource; readonly initrd: readonly PxeImageSource[] }
  /** fedora-coreos-*-live-kernel, -live-initramfs and -live-rootfs */
  | { readonly os: "fedora-coreos"; readonly kernel: PxeImageSource; readonly initrd: readonly PxeImageSource[]; readonly rootfs: PxeImageSource };

/** Install to disk instead of running from RAM. Set the machine to boot from disk
 *  first: a blank disk falls through to PXE, which installs; later boots use the disk. */
export interface InstallArgs {
  /** e.g. /dev/sda or /dev/disk/by-id/wwn-0x5000c500a0b1c2d3 */
  readonly disk: string;
  /** Flatcar only: flatcar-install -C (stable, beta, alpha, lts). Default the image's channel. */
  readonly channel?: string;
  /** Flatcar only: flatcar-install -V. Default the image's version. */
  readonly version?: string;
  /** Flatcar only: flatcar-install -b, an image mirror for machines without internet. */
  readonly baseUrl?: string;
}

export interface BareMetalMachineArgs {
  /** Unique in the pool: lowercase letters, digits and inner "-". The boot service's group
   *  and profile for this machine are named `<pool>-<name>`. */
  readonly name: string;
  /** The MAC the machine PXE-boots from (any of 52:54:00:12:34:56, 52-54-00-12-34-56, 525400123456). */
  readonly mac: string;
  /** SMBIOS UUID; when given, the machine must report it too (a stricter match). */
  readonly uuid?: string;
  /** SMBIOS serial number; when given, the machine must report it too. */
  readonly serial?: string;
  /** Overrides the pool's `install`; `false` runs this machine from RAM. */
  readonly install?: InstallArgs | false;
  /** Kernel arguments after the pool's (e.g. console=ttyS1,115200n8). */
  readonly kernelArgs?: readonly string[];
  /** The address the machine will have (DHCP reservation or static), for outputs and
   *  firewall rules; "" or absent when unknown. */
  readonly address?: string;
}

/** The boot service's API: its base URL and a token from its --token-file. */
export interface BootEndpointArgs {
  readonly url: string;
  /** Stored as a secret. */
  readonly token: string;
  /** PEM CA for an HTTPS service with a private CA. */
  readonly ca?: string;
}

export interface PoolSpec {
  readonly poolName: string;
  readonly image: PxeImageArgs;
  /** Default "ignition". Fedora CoreOS takes only Ignition. */
  readonly format?: ConfigFormat;
  readonly machines: readonly BareMetalMachineArgs[];
  /** Default for every machine; absent = run from RAM. */
  readonly install?: InstallArgs;
  /** Kernel arguments for every machine. Default none. */
  readonly kernelArgs?: readonly string[];
  /** Reported in the machines output. Default "worker". */
  readonly role?: MachineRole;
}
