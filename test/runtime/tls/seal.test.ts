import { seal, unseal, UnsealError, SEAL_MAX_BYTES } from "../../../runtime/tls/seal";

const TOKEN = "hfb_" + "a".repeat(43);

describe("sealed secrets", () => {
  it("round-trips with the same token and name, and never repeats ciphertext", () => {
    const a = seal(TOKEN, "ca-key", "-----BEGIN PRIVATE KEY-----\nabc\n");
    const b = seal(TOKEN, "ca-key", "-----BEGIN PRIVATE KEY-----\nabc\n");
    expect(a).not.toEqual(b);
    expect(unseal(TOKEN, "ca-key", a)).toBe("-----BEGIN PRIVATE KEY-----\nabc\n");
    expect(a).not.toContain("PRIVATE KEY");
  });

  it("refuses another token, another name, tampering and garbage", () => {
    const blob = seal(TOKEN, "ca-key", "secret");
    expect(() => unseal("hfb_" + "b".repeat(43), "ca-key", blob)).toThrow(UnsealError);
    expect(() => unseal(TOKEN, "other", blob)).toThrow(/does not open/);
    const o = JSON.parse(blob);
    o.ct = Buffer.from("tampered").toString("base64url");
    expect(() => unseal(TOKEN, "ca-key", JSON.stringify(o))).toThrow(/does not open/);
    for (const bad of ["", "{", "null", "[]", JSON.stringify({ ...o, v: 2 }), JSON.stringify({ ...o, iv: "!!" })]) {
      expect(() => unseal(TOKEN, "ca-key", bad)).toThrow(UnsealError);
    }
  });

  it("refuses oversized secrets and short tokens", () => {
    expect(() => seal(TOKEN, "x", "y".repeat(SEAL_MAX_BYTES + 1))).toThrow(/at most/);
    expect(() => seal("short", "x", "y")).toThrow(/bootstrap token/);
  });
});
