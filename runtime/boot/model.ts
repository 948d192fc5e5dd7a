// The boot service's data, as validated values. Groups say WHO (selectors) gets WHAT
// (a profile); profiles say what to boot (kernel, initrds, arguments, optional install to
// disk) and which machine config to serve. Each lives in its own file under the data
// directory (groups/<name>.yaml, profiles/<name>.yaml) so an operator can review them.
import type { ConfigFormat } from "../../machine";
import type { Selectors } from "./selectors";

/** An image the machine fetches: from anywhere by URL, or from this service's assets cache. */
export type ImageRef =
  /** iPXE fetches the URL itself; it cannot check the SHA-256, which is recorded for
   *  review and for `hafen boot` tooling. Cache the image to have it verified. */
  | { readonly source: "url"; readonly url: string; readonly sha256: string }
  /** Served from `/assets/<path>`; the service refuses the profile unless the cached file
   *  has exactly this SHA-256 (files are hashed when written and at start). */
  | { readonly source: "asset"; readonly path: string; readonly sha256: string };

/** Install to disk instead of running from RAM. `disk` is a /dev path. */
export interface FlatcarInstall {
  readonly disk: string;
  /** flatcar-install -C (stable, beta, alpha, lts). */
  readonly channel?: string;
  /** flatcar-install -V (e.g. 3975.2.0 or current). */
  readonly version?: string;
  /** flatcar-install -b: an image mirror, for machines without internet. */
  readonly baseUrl?: string;
}

export interface FcosInstall {
  readonly disk: string;
}

export type BootSpec =
  | {
      readonly os: "flatcar";
      readonly kernel: ImageRef;
      readonly initrd: readonly ImageRef[];
      readonly args: readonly string[];
      readonly install?: FlatcarInstall;
    }
  | {
      readonly os: "fedora-coreos";
      readonly kernel: ImageRef;
      readonly initrd: readonly ImageRef[];
      /** The live rootfs image, passed as coreos.live.rootfs_url. */
      readonly rootfs: ImageRef;
      readonly args: readonly string[];
      readonly install?: FcosInstall;
    };

export interface Profile {
  readonly name: string;
  readonly description?: string;
  readonly boot: BootSpec;
  readonly format: ConfigFormat;
  /** The machine description exactly as written (machine/README.md), possibly with
   *  `{{boot.*}}` variables; validated at load, rendered per request. */
  readonly machine: unknown;
  /** Variables the profile uses, by name (e.g. "mac", "metadata.role"). */
  readonly variables: readonly string[];
}

/** The part of a profile its machine config depends on (checked even when boot is bad). */
export type ProfileConfig = Pick<Profile, "name" | "format" | "machine" | "variables">;

export interface Group {
  readonly name: string;
  readonly description?: string;
  readonly profile: string;
  /** Empty = the default group. */
  readonly selector: Selectors;
  readonly metadata: Readonly<Record<string, string>>;
}

/** One consistent, validated set of groups and profiles. */
export interface BootData {
  readonly groups: ReadonlyMap<string, Group>;
  readonly profiles: ReadonlyMap<string, Profile>;
}

/** Names of groups and profiles (= their file names without extension). */
export const NAME = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;
export const NAME_TEXT = "1-64 lowercase letters, digits, '.', '_' or '-', starting and ending with a letter or digit";

export type DocKind = "group" | "profile";
export const DIRS: Readonly<Record<DocKind, string>> = { group: "groups", profile: "profiles" };
