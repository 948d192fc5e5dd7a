// hafen-user-data-size (mandatory): user data over the provider's limit fails at create
// time (EC2, Nova) or is cut off (a truncated config boots a broken machine). Limits and
// how each provider counts them come from machine/limits.ts, shared with the renderers.
import { gzipSync } from "node:zlib";
import { LIMITS } from "../../machine";
import { defineConfig } from "../core/config";
import { inspect } from "../core/inspect";
import { machineOf } from "../core/machines";
import { label, resourcePolicy } from "../core/policy";
import { MACHINE_TYPES } from "../core/types";

const n = (x: number) => x.toLocaleString("en-US");

const counted = (bytes: number, counts: "raw" | "base64") => (counts === "raw" ? bytes : 4 * Math.ceil(bytes / 3));

export const userDataSize = resourcePolicy({
  name: "hafen-user-data-size",
  description: "User data fits the provider's limit (EC2 16 KiB raw, DigitalOcean 64 KiB, OpenStack 65,535 bytes of base64).",
  enforcementLevel: "mandatory",
  remediationSteps: "Fetch large files by URL with a SHA-256, compress, or boot from an Ignition pointer config.",
  config: defineConfig({}),
  types: MACHINE_TYPES,
  check: (r) => {
    const m = machineOf(r.type, r.props);
    if (!m || m.userData.state !== "known") return [];
    const { field, value, given } = m.userData;
    const u = inspect(value, given).userData;
    const limit = LIMITS[m.cloud];
    if (limit.limit === undefined) return [];
    // A plain field is sent as written (even when it holds base64 text); a base64 field
    // is decoded by the provider before it counts.
    const raw = given === "plain" ? Buffer.byteLength(value, "utf8") : u.bytes.length;
    const size = counted(raw, limit.counts);
    if (size <= limit.limit) return [];
    const how = limit.counts === "raw" ? "bytes" : "bytes after base64";
    const remedies = ["fetch large files by URL with a checksum (machine files[].contents: {url, sha256})"];
    if (u.format === "ignition") remedies.push("boot from a pointer config (ignitionPointer(url, sha256)) that fetches and verifies the real one");
    if (limit.gzipOk && !u.layers.includes("gzip") && u.format === "cloud-config") {
      const gz = counted(gzipSync(Buffer.from(u.text, "utf8"), { level: 9 }).length, limit.counts);
      const where = m.cloud === "aws" ? " in userDataBase64" : "";
      remedies.push(`pass the config gzip-compressed${where} (coreos-cloudinit unpacks it): ${n(gz)} ${how}${gz <= limit.limit ? ", which fits" : ", still too large"}`);
    }
    return [`${label(r)} ${field}: user data is ${n(size)} ${how}; ${limit.what} accepts at most ${n(limit.limit)} (over by ${n(size - limit.limit)}). Remedies: ${remedies.map((x, i) => `(${i + 1}) ${x}`).join("; ")}.`];
  },
});
