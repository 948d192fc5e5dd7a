// Secrets in boot config text. Found values are never echoed: a finding names its kind,
// where it is, and at most a redacted prefix.
//
// Allowed on purpose (design.md "Secrets at boot"): the short-lived bootstrap token
// (`hfb_…`), which user data exists to carry; public keys and certificates.

export type SecretKind = "private-key" | "admin-token" | "machine-token" | "password" | "password-hash" | "custom";

export interface SecretFinding {
  readonly kind: SecretKind;
  /** 1-based line in the scanned text (0 when not line-based). */
  readonly line: number;
  /** Redacted: the kind's marker and a few characters, never the secret. */
  readonly hint: string;
}

export const KIND_TEXT: Readonly<Record<SecretKind, string>> = {
  "private-key": "a private key",
  "admin-token": "a Hafen admin token (hfa_…, long-lived)",
  "machine-token": "a Hafen machine token (hfm_…, long-lived)",
  password: "a password",
  "password-hash": "a password hash",
  custom: "a value matching a configured secret pattern",
};

const PRIVATE_KEY = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----/;
// Token shapes of runtime/api/auth.ts.
const ADMIN_TOKEN = /\bhfa_[A-Za-z0-9_-]{20,}/;
const MACHINE_TOKEN = /\bhfm_[0-9a-f]{32}_[A-Za-z0-9_-]{20,}/;
/**
 * `password: x`, `PASSWORD=x`, `Environment=DB_PASSWORD=x`, `"db_password": "x"`,
 * `--password=x`: a key naming a password with a non-empty literal value (not a mapping
 * or list: Ignition's `"passwd": {"users": …}` is a section, not a password). References (`${VAR}`, `$VAR`, `%d`) and
 * empty values are not secrets; sshd's `PasswordAuthentication no` has no `:`/`=`.
 */
const PASSWORD = /(?:^|[\s"'{,=-])["']?([A-Za-z0-9_.-]*pass(?:word|wd|phrase)?[A-Za-z0-9_.-]*)["']?\s*[:=]\s*("[^"]*"|'[^']*'|\$\{[^}]*\}|[^\s,}{[]+)/i;
const REFERENCE = /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$|^%[a-zA-Z]$/;
/** Keys containing "pass" that do not hold passwords. */
const NOT_PASSWORD_KEYS = /^(?:passwordauthentication|permitemptypasswords|passthrough|bypass|compass|pass_?(?:max|min|warn)_days|passwordfile|password_?file|passwdfile|password_?hash_?file)$/i;

/** crypt(3) strings: $id$salt$hash ($1$, $5$, $6$, $y$, $2b$, …). */
const CRYPT = /^\$[0-9a-z]{1,6}\$/i;

function passwordIn(line: string): { key: string; kind: "password" | "password-hash" } | undefined {
  const m = PASSWORD.exec(line);
  if (!m) return undefined;
  const key = m[1]!;
  const raw = m[2]!.replace(/^["']|["']$/g, "");
  if (NOT_PASSWORD_KEYS.test(key) || raw === "" || REFERENCE.test(raw) || /^(?:null|~|none|false|true)$/i.test(raw)) return undefined;
  return { key, kind: CRYPT.test(raw) ? "password-hash" : "password" };
}

const redact = (s: string) => `${s.slice(0, 4)}…`;

/** Every finding in `text`, one per kind per line. `custom` are extra patterns (config). */
export function scanText(text: string, custom: readonly RegExp[] = []): SecretFinding[] {
  const out: SecretFinding[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const n = i + 1;
    const key = PRIVATE_KEY.exec(line);
    if (key) out.push({ kind: "private-key", line: n, hint: `-----BEGIN ${key[1] ?? ""}PRIVATE KEY-----` });
    const admin = ADMIN_TOKEN.exec(line);
    if (admin) out.push({ kind: "admin-token", line: n, hint: redact(admin[0]) });
    const machine = MACHINE_TOKEN.exec(line);
    if (machine) out.push({ kind: "machine-token", line: n, hint: redact(machine[0]) });
    const pw = passwordIn(line);
    if (pw) out.push({ kind: pw.kind, line: n, hint: `${pw.key}: …` });
    for (const re of custom) {
      const m = re.exec(line);
      if (m) out.push({ kind: "custom", line: n, hint: `/${re.source}/ matched ${redact(m[0])}` });
    }
  });
  return out;
}
