// The per-machine policies: user data size, plaintext secrets, TLS, SSH keys, unit lint,
// image family, control memory. Compliant cases boot what machine/ renders.
import { gzipSync } from "node:zlib";
import { controlMemory, coreosImage, plaintextSecrets, sshKeysOnly, tls, unitLint, userDataSize } from "../../policies/all";
import { checkResource, UNKNOWN_STRING } from "./support";
import { ADMIN_TOKEN, awsControl, awsInstance, awsLaunchTemplate, b64, doDroplet, hafenMachine, KEY, osInstance, PRIVATE_KEY, T, TLS, userData } from "./fixtures";

const control = userData(hafenMachine("control"));
const igniControl = userData(hafenMachine("control", { os: "fedora-coreos" }), "ignition", "openstack");

describe("compliant machines (as Hafen renders them) pass every machine policy", () => {
  const machines: [string, string, Record<string, unknown>][] = [
    ["aws cloud-config", T.awsInstance, awsControl("web", "eu-central-1a")],
    ["aws userDataBase64 gzip", T.awsInstance, awsInstance({ ami: "ami-0abcdef01234567", instanceType: "t3.small", keyName: "ops", userDataBase64: b64(gzipSync(control)), tags: { "hafen:role": "control" } })],
    ["aws launch template", T.awsLaunchTemplate, awsLaunchTemplate({ imageId: "ami-0abcdef01234567", instanceType: "m6g.large", keyName: "ops", userData: b64(control), tagSpecifications: [{ resourceType: "instance", tags: { "hafen:role": "control" } }] })],
    ["digitalocean", T.doDroplet, doDroplet({ image: "flatcar-stable", size: "s-2vcpu-4gb", region: "fra1", sshKeys: ["12345"], userData: userData(hafenMachine("control"), "cloud-config", "digitalocean"), tags: ["hafen-role-control", "hafen-cluster-web"] })],
    ["openstack ignition", T.osInstance, osInstance({ imageName: "fedora-coreos-40", flavorName: "m1.medium", keyPair: "ops", userData: igniControl, metadata: { "hafen:role": "control" } })],
  ];
  const policies = [userDataSize, plaintextSecrets, tls, sshKeysOnly, unitLint, coreosImage, controlMemory];
  it.each(machines)("%s", async (_label, type, props) => {
    for (const p of policies) expect([p.name, await checkResource(p, type, props, { name: "m1" })]).toEqual([p.name, []]);
  });
});

describe("hafen-user-data-size", () => {
  const big = (n: number) => `#cloud-config\nwrite_files:\n  - path: /opt/blob\n    content: ${"x".repeat(n)}\n`;

  it("flags EC2 user data over 16 KiB and says whether gzip would fit", async () => {
    const [m] = await checkResource(userDataSize, T.awsInstance, awsInstance({ userData: big(20000), keyName: "k" }), { name: "big" });
    expect(m).toMatch(/^aws:ec2\/instance:Instance "big" userData: user data is 20,0\d\d bytes; EC2 user data accepts at most 16,384 \(over by 3,6\d\d\)\. Remedies: \(1\) fetch large files by URL with a checksum .*\(2\) pass the config gzip-compressed in userDataBase64 \(coreos-cloudinit unpacks it\): \d+ bytes, which fits\.$/);
    expect(await checkResource(userDataSize, T.awsInstance, awsInstance({ userData: big(16000) }))).toEqual([]);
  });

  it("counts what each provider counts: decoded base64 on AWS, base64 on OpenStack, raw on DigitalOcean", async () => {
    expect(await checkResource(userDataSize, T.awsInstance, awsInstance({ userDataBase64: b64(big(16000)) }))).toEqual([]);
    expect(await checkResource(userDataSize, T.awsLaunchTemplate, awsLaunchTemplate({ userData: b64(big(17000)) }))).toHaveLength(1);
    // 49,149 raw bytes are 65,532 after base64; 49,152 are 65,536 > 65,535.
    const exactly = (n: number) => `#cloud-config\n#${"y".repeat(n - 16)}\n`;
    expect(exactly(49149)).toHaveLength(49149);
    expect(await checkResource(userDataSize, T.osInstance, osInstance({ userData: exactly(49149) }))).toEqual([]);
    expect(await checkResource(userDataSize, T.osInstance, osInstance({ userData: exactly(49152) }), { name: "os" })).toEqual([expect.stringMatching(/^openstack:compute\/instance:Instance "os" userData: user data is 65,536 bytes after base64; OpenStack Nova user_data accepts at most 65,535 \(over by 1\)/)]);
    expect(await checkResource(userDataSize, T.doDroplet, doDroplet({ image: "x", size: "s", userData: big(65000) }))).toEqual([]);
    const [doBig] = await checkResource(userDataSize, T.doDroplet, doDroplet({ image: "x", size: "s", userData: big(66000) }));
    expect(doBig).toMatch(/DigitalOcean user_data accepts at most 65,536 .*Remedies: \(1\) fetch large files/);
    expect(doBig).not.toMatch(/gzip/);
  });

  it("suggests a pointer config for Ignition", async () => {
    const ign = JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/big", contents: { source: `data:,${"z".repeat(17000)}` } }] } });
    expect(await checkResource(userDataSize, T.awsInstance, awsInstance({ userData: ign }))).toEqual([expect.stringMatching(/\(2\) boot from a pointer config \(ignitionPointer\(url, sha256\)\)/)]);
  });

  it("skips unknown user data", async () => {
    expect(await checkResource(userDataSize, T.awsInstance, { userData: UNKNOWN_STRING })).toEqual([]);
  });
});

describe("hafen-no-plaintext-secrets", () => {
  it("flags a private key and an admin token in cloud-config, with where they are", async () => {
    const ud = ["#cloud-config", "write_files:", "  - path: /etc/hafen/admin-token", `    content: ${ADMIN_TOKEN}`, "  - path: /etc/ssl/key.pem", "    encoding: b64", `    content: ${b64(PRIVATE_KEY)}`].join("\n");
    expect(await checkResource(plaintextSecrets, T.awsInstance, awsInstance({ userData: ud }), { name: "c1" })).toEqual([
      'aws:ec2/instance:Instance "c1" userData line 4: a Hafen admin token (hfa_…, long-lived) (hfa_…) in plain text in user data (readable through the metadata service); never give a machine an admin token; pass the short-lived bootstrap token (hfb_…) and let the machine register.',
      'aws:ec2/instance:Instance "c1" userData write_files[1] (/etc/ssl/key.pem) line 1: a private key (-----BEGIN OPENSSH PRIVATE KEY-----) in plain text in user data (readable through the metadata service); issue keys after boot (the agent sends a CSR to the servers) or read them from the cloud\'s secret store with the machine\'s identity.',
    ]);
  });

  it("finds secrets inside gzip+base64 user data and Ignition data URLs", async () => {
    const ign = JSON.stringify({ ignition: { version: "3.3.0" }, passwd: { users: [{ name: "core", passwordHash: "$6$salt$abc" }] }, storage: { files: [{ path: "/k", contents: { source: `data:;base64,${b64(gzipSync(PRIVATE_KEY))}`, compression: "gzip" } }] }, systemd: { units: [{ name: "db.service", contents: "[Service]\nEnvironment=DB_PASSWORD=s3cret\nExecStart=/bin/db\n" }] } });
    const found = await checkResource(plaintextSecrets, T.awsInstance, awsInstance({ userDataBase64: b64(gzipSync(ign)) }), { name: "i" });
    expect(found).toEqual([
      expect.stringMatching(/^aws:ec2\/instance:Instance "i" userDataBase64 storage\.files\[0\] \(\/k\) line 1: a private key/),
      expect.stringMatching(/userDataBase64 systemd\.units\[0\] \(db\.service\) line 2: a password \(DB_PASSWORD: …\)/),
      expect.stringMatching(/userDataBase64 passwd\.users\[0\]\.passwordHash: a password hash \(user core\) in plain text.*a hash in user data can be cracked offline/),
    ]);
  });

  it("allows the bootstrap token Hafen machines carry, in both formats", async () => {
    expect(await checkResource(plaintextSecrets, T.awsInstance, awsInstance({ userData: control }))).toEqual([]);
    expect(await checkResource(plaintextSecrets, T.osInstance, osInstance({ userData: igniControl }))).toEqual([]);
  });

  it("scans hafen:index:Unit resources (contents and options) and takes extra patterns", async () => {
    expect(await checkResource(plaintextSecrets, T.unit, { name: "app.service", contents: `[Service]\nExecStart=/bin/app --token ${ADMIN_TOKEN}\n` }, { name: "app" })).toEqual([expect.stringMatching(/^hafen:index:Unit "app" contents line 2: a Hafen admin token .* in a unit file \(the Hafen API stores it and `hafen cat` shows it\)/)]);
    const options = [{ section: "Service", name: "Environment", value: "PASSWORD=x1" }, { section: "Service", name: "ExecStart", value: "/bin/app" }];
    expect(await checkResource(plaintextSecrets, T.unit, { name: "app.service", options }, { name: "app" })).toEqual([expect.stringMatching(/"app" options line 2: a password/)]);
    expect(await checkResource(plaintextSecrets, T.unit, { name: "a.service", contents: "[Service]\nExecStart=/bin/x AKIAABCDEFGHIJKLMNOP\n" }, { config: { extraPatterns: ["AKIA[0-9A-Z]{16}"] } })).toEqual([expect.stringMatching(/a value matching a configured secret pattern/)]);
    expect(await checkResource(plaintextSecrets, T.unit, { name: "a.service" }, { config: { extraPatterns: ["(unclosed"] } })).toEqual([expect.stringMatching(/^config hafen-no-plaintext-secrets.extraPatterns\[0\]: "\(unclosed" is not accepted; expected "\(unclosed" is not a regular expression/)]);
  });
});

describe("hafen-tls", () => {
  it("flags a Hafen machine without tls; the CA file alone (certificates issued at boot) or operator certificates pass, for every role", async () => {
    const noTls = userData(hafenMachine("control", {}, { tls: undefined }));
    expect(await checkResource(tls, T.awsInstance, awsInstance({ userData: noTls }), { name: "c1" })).toEqual([
      expect.stringMatching(/^aws:ec2\/instance:Instance "c1" userData write_files\[\d\] \(\/etc\/hafen\/machine\.json\): no tls settings, so etcd peer and client traffic and the Hafen API would run unencrypted\. Set hafen\.tls \{caFile\} \(the cluster CA certificate; the runtime issues the machine's certificate at boot\)/),
    ]);
    for (const role of ["control", "both", "worker"] as const) {
      expect(await checkResource(tls, T.awsInstance, awsInstance({ userData: userData(hafenMachine(role, {}, { tls: { caFile: TLS.caFile } })) }))).toEqual([]);
      expect(await checkResource(tls, T.awsInstance, awsInstance({ userData: userData(hafenMachine(role, {}, { tls: TLS })) }))).toEqual([]);
    }
  });

  it("lets local clusters (discovery on 127.0.0.1) run without TLS unless configured otherwise", async () => {
    const local = userData(hafenMachine("control", {}, { tls: undefined, discovery: "http://127.0.0.1:7482/6a1f0e4b9c2d47e8a3b5c7d9e1f20314" }));
    expect(await checkResource(tls, T.awsInstance, awsInstance({ userData: local }))).toEqual([]);
    expect(await checkResource(tls, T.awsInstance, awsInstance({ userData: local }), { config: { allowLocal: false } })).toHaveLength(1);
  });

  it("flags etcd told to use plain http on a network address", async () => {
    const unit = "[Service]\nExecStart=/usr/bin/etcd --listen-client-urls http://0.0.0.0:2379,http://127.0.0.1:2379 --listen-peer-urls=https://10.0.0.5:2380\n";
    const ud = `#cloud-config\ncoreos:\n  units:\n    - name: etcd.service\n      content: ${JSON.stringify(unit)}\nwrite_files:\n  - path: /etc/etcd.env\n    content: "ETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.5:2380"\n`;
    expect(await checkResource(tls, T.doDroplet, doDroplet({ image: "x", size: "y", userData: ud }), { name: "e" })).toEqual([
      expect.stringMatching(/^digitalocean:index\/droplet:Droplet "e" userData coreos\.units\[0\] \(etcd\.service\): listen-client-urls=http:\/\/0\.0\.0\.0:2379: etcd is told to use plain http/),
      expect.stringMatching(/userData write_files\[0\] \(\/etc\/etcd\.env\): initial-advertise-peer-urls=http:\/\/10\.0\.0\.5:2380/),
    ]);
  });

  it("flags a Cluster with tls: false unless it is local", async () => {
    expect(await checkResource(tls, T.cluster, { name: "web", tls: false }, { name: "web" })).toEqual(['hafen:index:Cluster "web" tls: false switches TLS off for etcd and the Hafen API of cluster "web"; only local clusters may run without it. Remove tls: false.']);
    expect(await checkResource(tls, T.cluster, { name: "web", tls: false, local: true })).toEqual([]);
    expect(await checkResource(tls, T.cluster, { name: "web", tls: { enabled: false } })).toHaveLength(1);
    expect(await checkResource(tls, T.cluster, { name: "web" })).toEqual([]);
  });
});

describe("hafen-ssh-keys-only", () => {
  it("flags a machine without any key, per provider", async () => {
    expect(await checkResource(sshKeysOnly, T.awsInstance, awsInstance({ ami: "ami-1", userData: "#cloud-config\nhostname: a\n" }), { name: "k" })).toEqual([
      'aws:ec2/instance:Instance "k": no SSH key: keyName is not set and the user data lists no ssh_authorized_keys/sshAuthorizedKeys. Set keyName or add keys to the machine config (sshAuthorizedKeys).',
    ]);
    expect(await checkResource(sshKeysOnly, T.doDroplet, doDroplet({ image: "flatcar-stable", size: "s-1vcpu-1gb" }), { name: "d" })).toEqual([expect.stringMatching(/sshKeys is not set .*; DigitalOcean then sets a root password and emails it\./)]);
  });

  it("accepts keys from either the provider or the boot config", async () => {
    expect(await checkResource(sshKeysOnly, T.awsInstance, awsInstance({ keyName: "ops" }))).toEqual([]);
    expect(await checkResource(sshKeysOnly, T.awsInstance, awsInstance({ userData: `#cloud-config\nssh_authorized_keys: ["${KEY}"]\n` }))).toEqual([]);
    expect(await checkResource(sshKeysOnly, T.osInstance, osInstance({ userData: igniControl }))).toEqual([]);
    // Launched from a template: the template's key and user data apply (checked there).
    expect(await checkResource(sshKeysOnly, T.awsInstance, awsInstance({ launchTemplate: { id: "lt-1" } }))).toEqual([]);
    // Unknown user data and no provider key: cannot tell yet.
    expect(await checkResource(sshKeysOnly, T.awsInstance, { userData: UNKNOWN_STRING })).toEqual([]);
  });

  it("flags password logins: user passwords, OpenStack adminPass, sshd PasswordAuthentication yes", async () => {
    const ud = ["#cloud-config", `ssh_authorized_keys: ["${KEY}"]`, "users:", "  - name: ops", "    passwd: $6$salt$hash", "write_files:", "  - path: /etc/ssh/sshd_config.d/50-pw.conf", "    content: |", "      PasswordAuthentication yes"].join("\n");
    expect(await checkResource(sshKeysOnly, T.osInstance, osInstance({ keyPair: "ops", adminPass: "pw", userData: ud }), { name: "o" })).toEqual([
      'openstack:compute/instance:Instance "o" adminPass: sets a login password for the machine; remove it and log in with SSH keys (keyPair).',
      'openstack:compute/instance:Instance "o" userData users[0]: user "ops" gets a password, which allows password login; remove it and list the user\'s sshAuthorizedKeys instead.',
      'openstack:compute/instance:Instance "o" userData write_files[0] (/etc/ssh/sshd_config.d/50-pw.conf): "PasswordAuthentication yes" turns on password login for sshd; remove it (Flatcar and Fedora CoreOS default to no).',
    ]);
  });
});

describe("hafen-units-lint", () => {
  it("lints units in user data with their position, and drop-ins for syntax", async () => {
    const ud = ["#cloud-config", "coreos:", "  units:", "    - name: web.service", "      content: |", "        [Service]", "        Type=simple", "        ExecStop=/bin/true", "    - name: docker.service", "      drop_ins:", "        - name: 10-x.conf", "          content: \"Nice=5\\n\""].join("\n");
    expect(await checkResource(unitLint, T.awsInstance, awsInstance({ userData: ud }), { name: "w" })).toEqual([
      expect.stringMatching(/^aws:ec2\/instance:Instance "w" userData coreos\.units\[0\]: web\.service:\d: missing-exec-start: a Type=simple service needs an ExecStart=/),
      expect.stringMatching(/^aws:ec2\/instance:Instance "w" userData coreos\.units\[1\]: docker\.service\.d\/10-x\.conf:1: assignment-outside-section: /),
    ]);
  });

  it("lints hafen:index:Unit resources given as text or as fleet options", async () => {
    expect(await checkResource(unitLint, T.unit, { name: "web@.service", contents: "[Service]\nExecStart=/bin/web %i\n" })).toEqual([]);
    expect(await checkResource(unitLint, T.unit, { name: "web.servic", contents: "[Service]\nExecStart=/bin/web\n" }, { name: "u" })).toEqual([expect.stringMatching(/^hafen:index:Unit "u" contents: web\.servic:0: (unknown-unit-type|invalid-unit-name): /)]);
    const options = [{ section: "X-Fleet", name: "MachineID", value: "abc" }, { section: "X-Fleet", name: "Global", value: "true" }, { section: "Service", name: "ExecStart", value: "/bin/x" }];
    expect(await checkResource(unitLint, T.unit, { name: "x.service", options }, { name: "u" })).toEqual([expect.stringMatching(/^hafen:index:Unit "u" options: x\.service:\d+: conflicting-fleet-options: /)]);
    expect(await checkResource(unitLint, T.unit, { name: "x.service", options: [{ section: "Service", name: "Exec Start", value: "/bin/x" }] }, { name: "u" })).toEqual([expect.stringMatching(/options: x\.service:0: invalid-key: options\[0\]\.name: "Exec Start"/)]);
    expect(await checkResource(unitLint, T.unit, { name: "x.service", options: [{ section: 1, name: "a", value: "b" }] }, { name: "u" })).toEqual(['hafen:index:Unit "u": the unit options[0] is not {section, name, value} with string fields.']);
    expect(await checkResource(unitLint, T.unit, { name: "x.service" }, { name: "u" })).toEqual(['hafen:index:Unit "u": the unit has neither contents (unit text) nor options ([{section, name, value}]).']);
    expect(await checkResource(unitLint, T.unit, { name: "x.service", contents: UNKNOWN_STRING })).toEqual([]);
  });

  it("reports warnings only when asked", async () => {
    const unit = { name: "a.service", contents: "[Service]\nExecStart=/bin/a\n[Servic]\nX=1\n" };
    expect(await checkResource(unitLint, T.unit, unit)).toEqual([]);
    expect(await checkResource(unitLint, T.unit, unit, { config: { includeWarnings: true } })).toEqual([expect.stringMatching(/unknown-section: warning: systemd ignores section \[Servic\]/)]);
  });
});

describe("hafen-coreos-image", () => {
  it("flags image names of other systems and leaves opaque ids alone", async () => {
    expect(await checkResource(coreosImage, T.doDroplet, doDroplet({ image: "ubuntu-22-04-x64", size: "s" }), { name: "d" })).toEqual([
      'digitalocean:index/droplet:Droplet "d" image: image "ubuntu-22-04-x64" does not look like Flatcar or Fedora CoreOS; Hafen\'s boot configs (cloud-config, Ignition) and container launch target those. Use a Flatcar or Fedora CoreOS image, or list "ubuntu-22-04-x64" in allowedImages if it is one.',
    ]);
    for (const ok of ["flatcar-stable-amd64", "Fedora CoreOS 40", "fedora-coreos-40.20240416", "ami-0123456789abcdef0", "123456", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"]) {
      expect(await checkResource(coreosImage, T.osInstance, osInstance({ imageName: ok }))).toEqual([]);
    }
    expect(await checkResource(coreosImage, T.osInstance, osInstance({ imageName: "debian-12" }), { config: { allowedImages: ["debian-12"] } })).toEqual([]);
    expect(await checkResource(coreosImage, T.osInstance, osInstance({ imageName: "our-fc-build-7" }), { config: { imagePatterns: ["^our-fc-build-"] } })).toEqual([]);
    expect(await checkResource(coreosImage, T.awsLaunchTemplate, awsLaunchTemplate({ imageId: "debian-12" }))).toHaveLength(1);
  });
});

describe("hafen-control-memory", () => {
  it("flags small control machines, by tag or by the role in their settings", async () => {
    expect(await checkResource(controlMemory, T.awsInstance, awsInstance({ instanceType: "t3.micro", tags: { "hafen:role": "control" } }), { name: "c" })).toEqual([
      'aws:ec2/instance:Instance "c" instanceType: "t3.micro" has 1024 MiB of memory; a control machine runs etcd, the Hafen API and an agent and needs at least 2048 MiB. Pick a larger size (or lower minimumMiB for small test clusters).',
    ]);
    expect(await checkResource(controlMemory, T.doDroplet, doDroplet({ image: "x", size: "s-1vcpu-1gb", userData: userData(hafenMachine("both"), "cloud-config", "digitalocean") }))).toEqual([expect.stringMatching(/"s-1vcpu-1gb" has 1024 MiB of memory; a both machine/)]);
  });

  it("passes workers, large enough sizes, unknown sizes and configured minimums", async () => {
    expect(await checkResource(controlMemory, T.awsInstance, awsInstance({ instanceType: "t3.micro", tags: { "hafen:role": "worker" } }))).toEqual([]);
    expect(await checkResource(controlMemory, T.osInstance, osInstance({ flavorName: "b2-7", metadata: { "hafen:role": "control" } }))).toEqual([]);
    expect(await checkResource(controlMemory, T.osInstance, osInstance({ flavorName: "b2-7", metadata: { "hafen:role": "control" } }), { config: { extraSizes: { "b2-7": 1024 } } })).toHaveLength(1);
    expect(await checkResource(controlMemory, T.awsInstance, awsInstance({ instanceType: "t3.micro", tags: { "hafen:role": "control" } }), { config: { minimumMiB: 1024 } })).toEqual([]);
    expect(await checkResource(controlMemory, T.awsInstance, awsInstance({ instanceType: "t3.micro" }), { config: { minimumMiB: "2GB" } })).toEqual(['config hafen-control-memory.minimumMiB: "2GB" is not accepted; expected an integer from 256 to 16777216 (default 2048)']);
  });
});
