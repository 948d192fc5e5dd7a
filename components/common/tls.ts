// The cluster CA, made with @pulumi/tls. Only its certificate travels in machine configs;
// its private key reaches control machines sealed in the discovery service
// (discovery/sealed.ts), and every machine's own key and certificate are made at boot by
// the runtime (runtime/tls/ensure.ts), which signs with node-forge — RSA only, so the CA
// key is RSA 2048, not ECDSA.
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

/** What the runtime's signer (node-forge) can use. */
export const CA_KEY = { algorithm: "RSA", rsaBits: 2048 } as const;
const SECRET_KEY = { additionalSecretOutputs: ["privateKeyPem", "privateKeyOpenssh", "privateKeyPemPkcs8"] };

export interface ClusterCa {
  readonly certPem: pulumi.Output<string>;
  /** Secret; only ever sealed, never put in a machine config. */
  readonly keyPem: pulumi.Output<string>;
}

export function clusterCa(cluster: string, validityHours: number, parent: pulumi.Resource): ClusterCa {
  const key = new tls.PrivateKey(`${cluster}-ca-key`, CA_KEY, { parent, ...SECRET_KEY });
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
