import { X509Certificate } from "node:crypto";
import { csrNames, issue, keyMatches, newCa, newCsr, newKeyPem, signMachineCsr, stillGood, CertError } from "../../../runtime/tls/certs";

const ID = "0123456789abcdef0123456789abcdef";
const ca = newCa("test ca");

describe("cluster certificates", () => {
  it("issues a machine certificate the CA verifies, with the requested names", () => {
    const pair = issue(ca, { commonName: `machine:${ID}`, ips: ["10.0.0.5", "127.0.0.1"], dns: ["localhost"] });
    const cert = new X509Certificate(pair.certPem);
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe("IP Address:10.0.0.5, IP Address:127.0.0.1, DNS:localhost");
    expect(keyMatches(pair.certPem, pair.keyPem)).toBe(true);
    expect(keyMatches(pair.certPem, newKeyPem())).toBe(false);
    expect(stillGood(pair.certPem, ca.certPem, ["10.0.0.5"])).toBe(true);
    expect(stillGood(pair.certPem, ca.certPem, ["10.0.0.6"])).toBe(false);
    expect(stillGood(pair.certPem, newCa("other").certPem, ["10.0.0.5"])).toBe(false);
  });

  it("signs a machine's CSR and refuses admin names, garbage and forged signatures", () => {
    const csr = newCsr(newKeyPem(), { commonName: `machine:${ID}`, ips: ["10.1.2.3"], dns: [] });
    expect(csrNames(csr)).toMatchObject({ commonName: `machine:${ID}`, ips: ["10.1.2.3"], dns: [] });
    expect(new X509Certificate(signMachineCsr(ca, csr)).subject).toContain(`CN=machine:${ID}`);
    for (const cn of ["admin", `machine:${ID.slice(1)}`, `machine:${ID}x`, "MACHINE:" + ID]) {
      expect(() => signMachineCsr(ca, newCsr(newKeyPem(), { commonName: cn, ips: [], dns: [] }))).toThrow(CertError);
    }
    expect(() => signMachineCsr(ca, "-----BEGIN CERTIFICATE REQUEST-----\nZm9v\n-----END CERTIFICATE REQUEST-----\n")).toThrow(CertError);
    expect(() => signMachineCsr(ca, "not pem")).toThrow(/not a PEM/);
    // Flip one byte inside the signed part (the subject's public key): the signature no longer verifies.
    const der = Buffer.from(csr.replace(/-----[^-]+-----|\s/g, ""), "base64");
    der[120] = der[120]! ^ 0xff;
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64").replace(/.{64}/g, "$&\n")}\n-----END CERTIFICATE REQUEST-----\n`;
    expect(() => signMachineCsr(ca, tampered)).toThrow(CertError);
  });

  it("refuses names that are not IPs or DNS names", () => {
    expect(() => newCsr(newKeyPem(), { commonName: "x", ips: ["999.1.1.1"], dns: [] })).toThrow(/not an IP/);
    expect(() => newCsr(newKeyPem(), { commonName: "x", ips: [], dns: ["bad name"] })).toThrow(/not a DNS name/);
  });
});
