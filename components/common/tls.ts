// The cluster CA and machine certificates, made with @pulumi/tls. ECDSA P-256 keeps the
// PEMs small (user data on EC2 is 16 KiB). Private keys are secret outputs.
// One certificate per machine serves the Hafen API, the agent port and etcd (peer and
// client): it names the machine's host name, localhost and its addresses, and allows
// both server and client authentication.
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

const KEY = { algorithm: "ECDSA", ecdsaCurve: "P256" } as const;
const SECRET_KEY = { additionalSecretOutputs: ["privateKeyPem", "privateKeyOpenssh", "privateKeyPemPkcs8"] };

export interface ClusterCa {
  readonly certPem: pulumi.Output<string>;
  readonly keyPem: pulumi.Output<string>;
}

export function clusterCa(cluster: string, validityHours: number, parent: pulumi.Resource): ClusterCa {
  const key = new tls.PrivateKey(`${cluster}-ca-key`, KEY, { parent, ...SECRET_KEY });
  const cert = new tls.SelfSignedCert(
    `${cluster}-ca`,
    {
      privateKeyPem: key.privateKeyPem,
      isCaCertificate: true,
      subject: { commonName: `Hafen cluster ${cluster} CA`, organization: "Hafen" },
      validityPeriodHours: validityHours,
      allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
    },
    { parent },
  );
  return { certPem: cert.certPem, keyPem: pulumi.secret(key.privateKeyPem) };
}

export interface MachineCertArgs {
  readonly hostname: string;
  /** The machine's addresses (private first); 127.0.0.1 is always added. */
  readonly ips: pulumi.Input<string>[];
  readonly ca: { readonly certPem: pulumi.Input<string>; readonly keyPem: pulumi.Input<string> };
  readonly validityHours: number;
}

export interface MachineCert {
  readonly certPem: pulumi.Output<string>;
  readonly keyPem: pulumi.Output<string>;
}

export const MACHINE_CERT_USES = ["digital_signature", "key_encipherment", "server_auth", "client_auth"];

export function machineCert(name: string, a: MachineCertArgs, parent: pulumi.Resource): MachineCert {
  const key = new tls.PrivateKey(`${name}-key`, KEY, { parent, ...SECRET_KEY });
  const csr = new tls.CertRequest(
    `${name}-csr`,
    {
      privateKeyPem: key.privateKeyPem,
      subject: { commonName: a.hostname, organization: "Hafen" },
      dnsNames: [a.hostname, "localhost"],
      ipAddresses: [...a.ips, "127.0.0.1"],
    },
    { parent },
  );
  const cert = new tls.LocallySignedCert(
    `${name}-cert`,
    {
      certRequestPem: csr.certRequestPem,
      caCertPem: a.ca.certPem,
      caPrivateKeyPem: a.ca.keyPem,
      validityPeriodHours: a.validityHours,
      allowedUses: MACHINE_CERT_USES,
    },
    { parent },
  );
  return { certPem: cert.certPem, keyPem: pulumi.secret(key.privateKeyPem) };
}
