import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { configFromGuestinfo, guestinfoFor, type GuestinfoFormat } from "../../../components/vsphere/guestinfo";
import { VsphereError } from "../../../components/vsphere/types";

const ignition = JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/etc/hostname", contents: { source: "data:,m1" } }] } });
const cloudConfig = "#cloud-config\nhostname: m1\ncoreos:\n  units:\n" + "  - name: a.service\n    command: start\n".repeat(40);

describe("guestinfoFor", () => {
  test("Ignition goes to guestinfo.ignition.config.data, cloud-config to guestinfo.coreos.config.data", () => {
    expect(Object.keys(guestinfoFor(ignition, "ignition")).sort()).toEqual(["guestinfo.ignition.config.data", "guestinfo.ignition.config.data.encoding"]);
    expect(Object.keys(guestinfoFor(cloudConfig, "cloud-config")).sort()).toEqual(["guestinfo.coreos.config.data", "guestinfo.coreos.config.data.encoding"]);
  });

  test("auto picks gzip+base64 for a repetitive config and base64 for a tiny one", () => {
    const big = guestinfoFor(cloudConfig, "cloud-config");
    expect(big["guestinfo.coreos.config.data.encoding"]).toBe("gzip+base64");
    expect(gunzipSync(Buffer.from(big["guestinfo.coreos.config.data"]!, "base64")).toString()).toBe(cloudConfig);
    const tiny = guestinfoFor("{}", "ignition");
    expect(tiny).toEqual({ "guestinfo.ignition.config.data": Buffer.from("{}").toString("base64"), "guestinfo.ignition.config.data.encoding": "base64" });
  });

  test("an explicit encoding is honoured", () => {
    expect(guestinfoFor(cloudConfig, "cloud-config", { encoding: "base64" })["guestinfo.coreos.config.data"]).toBe(Buffer.from(cloudConfig).toString("base64"));
    expect(guestinfoFor("{}", "ignition", { encoding: "gzip+base64" })["guestinfo.ignition.config.data.encoding"]).toBe("gzip+base64");
  });

  test("is deterministic (same config, same keys) so diffs do not churn", () => {
    expect(guestinfoFor(cloudConfig, "cloud-config")).toEqual(guestinfoFor(cloudConfig, "cloud-config"));
  });

  test("round-trips any config through the guest's decoding, choosing the shorter form", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 300 }), fc.constantFrom<GuestinfoFormat>("ignition", "cloud-config"), (config, format) => {
        const keys = guestinfoFor(config, format);
        expect(configFromGuestinfo(keys, format)).toBe(config);
        const data = Object.entries(keys).find(([k]) => k.endsWith(".data"))![1];
        expect(data.length).toBeLessThanOrEqual(Buffer.from(config).toString("base64").length);
      }),
      { numRuns: 300 },
    );
  });

  test("refuses bad arguments naming them", () => {
    expect(() => guestinfoFor("", "ignition")).toThrow(/config = "" is invalid/);
    expect(() => guestinfoFor("x", "yaml" as GuestinfoFormat)).toThrow(/format = "yaml" is invalid; accepted: "ignition" or "cloud-config"/);
    expect(() => guestinfoFor("x", "ignition", { encoding: "zip" as "base64" })).toThrow(/encoding = "zip"/);
  });
});

describe("configFromGuestinfo", () => {
  test("absent key is undefined; plain encoding passes through", () => {
    expect(configFromGuestinfo({}, "ignition")).toBeUndefined();
    expect(configFromGuestinfo({ "guestinfo.coreos.config.data": "#cloud-config\n" }, "cloud-config")).toBe("#cloud-config\n");
  });

  test.each([
    [{ "guestinfo.ignition.config.data": "!!!", "guestinfo.ignition.config.data.encoding": "base64" }, /guestinfo.ignition.config.data = "!!!" is invalid; accepted: standard base64/],
    [{ "guestinfo.ignition.config.data": "aGVsbG8=", "guestinfo.ignition.config.data.encoding": "gzip+base64" }, /accepted: base64 of gzip data/],
    [{ "guestinfo.ignition.config.data": "x", "guestinfo.ignition.config.data.encoding": "rot13" }, /encoding = "rot13" is invalid/],
  ])("garbage %# is refused with the key named", (keys, message) => {
    let caught: unknown;
    try {
      configFromGuestinfo(keys, "ignition");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(VsphereError);
    expect(String((caught as Error).message)).toMatch(message);
  });
});
