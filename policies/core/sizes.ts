// Memory of common machine sizes, in MiB. Deliberately partial: a size not covered here
// (or in the policy's `extraSizes` config) is not judged. Sources: the providers' size
// tables (AWS instance types, DigitalOcean slugs, OpenStack's classic m1 flavors).
import type { Cloud } from "./machines";

/** GiB per vCPU of AWS families sized medium = 1 vCPU, large = 2, xlarge = 4, Nxlarge = 4N. */
const AWS_GIB_PER_VCPU: Readonly<Record<string, number>> = { c: 2, m: 4, r: 8 };

/** Variants with their family's memory ratio (c5n, z1d, x2iedn etc. differ: not judged). */
const AWS_SAME_RATIO = ["", "a", "d", "ad", "g", "gd", "i", "id", "ia", "i-flex"];

/** Burstable families: fixed memory per size name. */
const AWS_BURSTABLE_MIB: Readonly<Record<string, number>> = {
  nano: 512,
  micro: 1024,
  small: 2048,
  medium: 4096,
  large: 8192,
  xlarge: 16384,
  "2xlarge": 32768,
};

function awsVcpus(size: string): number | undefined {
  if (size === "medium") return 1;
  if (size === "large") return 2;
  if (size === "xlarge") return 4;
  const m = /^(\d+)xlarge$/.exec(size);
  return m ? 4 * Number(m[1]) : undefined;
}

function awsMiB(type: string): number | undefined {
  const m = /^([a-z]+)(\d+)([a-z-]*)\.([0-9a-z]+)$/.exec(type.toLowerCase());
  if (!m) return undefined;
  const [family, variant, size] = [m[1]!, m[3]!, m[4]!];
  if (family === "t") return AWS_BURSTABLE_MIB[size];
  if (!AWS_SAME_RATIO.includes(variant)) return undefined;
  const perVcpu = AWS_GIB_PER_VCPU[family];
  const vcpus = awsVcpus(size);
  return perVcpu !== undefined && vcpus !== undefined ? perVcpu * vcpus * 1024 : undefined;
}

const DO_CPU_OPTIMIZED_MIB: Readonly<Record<string, number>> = { "c-2": 4096, "c-4": 8192, "c-8": 16384, "c-16": 32768, "c-32": 65536 };

/** DigitalOcean slugs name their memory: s-1vcpu-2gb, s-1vcpu-512mb-10gb, g-2vcpu-8gb, 1gb. */
function doMiB(slug: string): number | undefined {
  const s = slug.toLowerCase();
  if (s in DO_CPU_OPTIMIZED_MIB) return DO_CPU_OPTIMIZED_MIB[s];
  const m = /(?:^|-)(\d+)(mb|gb)(?:-|$)/.exec(s);
  if (!m) return undefined;
  return m[2] === "gb" ? Number(m[1]) * 1024 : Number(m[1]);
}

const OPENSTACK_MIB: Readonly<Record<string, number>> = {
  "m1.tiny": 512,
  "m1.small": 2048,
  "m1.medium": 4096,
  "m1.large": 8192,
  "m1.xlarge": 16384,
};

/** MiB of a size on a cloud; `extra` (from config) wins over the built-in table. */
export function memoryMiB(cloud: Cloud, size: string, extra: Readonly<Record<string, number>> = {}): number | undefined {
  if (size in extra) return extra[size];
  switch (cloud) {
    case "aws":
      return awsMiB(size);
    case "digitalocean":
      return doMiB(size);
    case "openstack":
      return OPENSTACK_MIB[size.toLowerCase()];
    default: {
      const _never: never = cloud;
      return _never;
    }
  }
}
