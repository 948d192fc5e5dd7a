// Machine configs for VMware guests travel in VMX `guestinfo.*` keys (extraConfig):
//   Ignition (Flatcar, Fedora CoreOS): guestinfo.ignition.config.data (+ .encoding)
//   coreos-cloudinit (Flatcar cloud-config): guestinfo.coreos.config.data (+ .encoding)
// Both readers accept the encodings "base64" and "gzip+base64" (Ignition's vmware
// provider; coreos-cloudinit's DecodeContent also knows b64/gz aliases we never write).
// Pure: the same config always yields the same keys (gzip output carries no mtime).
import { gunzipSync, gzipSync } from "node:zlib";
import { VsphereError } from "./types";

export type GuestinfoFormat = "ignition" | "cloud-config";
export type GuestinfoEncoding = "base64" | "gzip+base64";

export interface GuestinfoOptions {
  /**
   * "auto" (default) picks gzip+base64 when it is shorter than plain base64, which is
   * every config of more than a few hundred bytes.
   */
  readonly encoding?: GuestinfoEncoding | "auto";
}

export function guestinfoKeys(format: GuestinfoFormat): { readonly data: string; readonly encoding: string } {
  switch (format) {
    case "ignition":
      return { data: "guestinfo.ignition.config.data", encoding: "guestinfo.ignition.config.data.encoding" };
    case "cloud-config":
      return { data: "guestinfo.coreos.config.data", encoding: "guestinfo.coreos.config.data.encoding" };
    default: {
      const never: never = format;
      throw new VsphereError({ kind: "invalid-input", field: "format", value: String(never), accepted: '"ignition" or "cloud-config"' });
    }
  }
}

/** The two guestinfo keys that hand `config` to a guest reading `format`. */
export function guestinfoFor(config: string, format: GuestinfoFormat, opts: GuestinfoOptions = {}): Record<string, string> {
  const keys = guestinfoKeys(format);
  if (typeof config !== "string" || config.length === 0) {
    throw new VsphereError({ kind: "invalid-input", field: "config", value: String(config), accepted: "a non-empty rendered machine config" });
  }
  const choice = opts.encoding ?? "auto";
  const raw = Buffer.from(config, "utf8");
  const plain = (): string => raw.toString("base64");
  const zipped = (): string => gzipSync(raw, { level: 9 }).toString("base64");
  let encoding: GuestinfoEncoding;
  let data: string;
  switch (choice) {
    case "base64":
      [encoding, data] = ["base64", plain()];
      break;
    case "gzip+base64":
      [encoding, data] = ["gzip+base64", zipped()];
      break;
    case "auto": {
      const [p, z] = [plain(), zipped()];
      [encoding, data] = z.length < p.length ? ["gzip+base64", z] : ["base64", p];
      break;
    }
    default: {
      const never: never = choice;
      throw new VsphereError({ kind: "invalid-input", field: "encoding", value: String(never), accepted: '"auto", "base64" or "gzip+base64"' });
    }
  }
  return { [keys.data]: data, [keys.encoding]: encoding };
}

/**
 * The config a guest reading `format` would find in `extraConfig`, decoded the way the
 * guest decodes it; undefined when the data key is absent. For tests and `read`.
 */
export function configFromGuestinfo(extraConfig: Readonly<Record<string, string>>, format: GuestinfoFormat): string | undefined {
  const keys = guestinfoKeys(format);
  const data = extraConfig[keys.data];
  if (data === undefined) return undefined;
  const encoding = extraConfig[keys.encoding] ?? "";
  const strictBase64 = (s: string): Buffer => {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) {
      throw new VsphereError({ kind: "invalid-input", field: keys.data, value: s.slice(0, 40), accepted: "standard base64" });
    }
    return Buffer.from(s, "base64");
  };
  switch (encoding) {
    case "":
      return data;
    case "base64":
      return strictBase64(data).toString("utf8");
    case "gzip+base64":
      try {
        return gunzipSync(strictBase64(data)).toString("utf8");
      } catch (e) {
        if (e instanceof VsphereError) throw e;
        throw new VsphereError({ kind: "invalid-input", field: keys.data, value: data.slice(0, 40), accepted: "base64 of gzip data" });
      }
    default:
      throw new VsphereError({ kind: "invalid-input", field: keys.encoding, value: encoding, accepted: '"", "base64" or "gzip+base64"' });
  }
}
