// Machine identity as iPXE reports it, in one canonical form so a group file and a
// request always compare equal: MAC `52:54:00:12:34:56` (lowercase, colons), UUID
// lowercase 8-4-4-4-12, hostname lowercase RFC 1123, serial trimmed printable ASCII.
// Requests are parsed strictly (every key at most once, no unknown keys), which is what
// keeps a value from smuggling in another selector: iPXE 1.21.1 sends `&` and `=` inside
// `${serial:uristring}` unescaped (it decodes the query and re-encodes only `#:@?%`).

export const SELECTOR_KEYS = ["mac", "uuid", "hostname", "serial"] as const;
export type SelectorKey = (typeof SELECTOR_KEYS)[number];
export type Selectors = { readonly [K in SelectorKey]?: string };

export type Normalized = { readonly value: string } | { readonly error: string };

const HEX2 = "[0-9A-Fa-f]{2}";
const MAC_FORMS = [new RegExp(`^${HEX2}(:${HEX2}){5}$`), new RegExp(`^${HEX2}(-${HEX2}){5}$`), /^[0-9A-Fa-f]{12}$/];

export function normalizeMac(v: string): Normalized {
  if (!MAC_FORMS.some((re) => re.test(v))) {
    return { error: `MAC ${JSON.stringify(v)} is not accepted; expected 6 hex octets as 52:54:00:12:34:56, 52-54-00-12-34-56 (iPXE \${mac:hexhyp}) or 525400123456` };
  }
  const hex = v.replace(/[:-]/g, "").toLowerCase();
  return { value: hex.match(/../g)!.join(":") };
}

export function normalizeUuid(v: string): Normalized {
  const hex = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/.test(v) ? v.replace(/-/g, "") : /^[0-9A-Fa-f]{32}$/.test(v) ? v : undefined;
  if (hex === undefined) return { error: `UUID ${JSON.stringify(v)} is not accepted; expected 8-4-4-4-12 hex digits as iPXE's \${uuid} prints them` };
  const h = hex.toLowerCase();
  return { value: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` };
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function normalizeHostname(v: string): Normalized {
  const h = v.toLowerCase().replace(/\.$/, "");
  if (h !== "" && h.length <= 253 && h.split(".").every((l) => LABEL.test(l))) return { value: h };
  return { error: `hostname ${JSON.stringify(v)} is not accepted; expected RFC 1123 labels of letters, digits and inner hyphens (1-63 characters each, 253 in all)` };
}

export function normalizeSerial(v: string): Normalized {
  const s = v.trim();
  if (s !== "" && s.length <= 128 && /^[\x20-\x7e]+$/.test(s)) return { value: s };
  return { error: `serial ${JSON.stringify(v)} is not accepted; expected 1-128 printable ASCII characters` };
}

export const NORMALIZE: Readonly<Record<SelectorKey, (v: string) => Normalized>> = {
  mac: normalizeMac,
  uuid: normalizeUuid,
  hostname: normalizeHostname,
  serial: normalizeSerial,
};

/** Characters a value may have to be substituted into configs and scripts: none of them
 *  can end a YAML scalar, a unit-file line, a shell word, a systemd specifier (`%`) or
 *  an iPXE/shell expansion (`$`). */
export const SAFE_VALUE = /^[A-Za-z0-9._:@+,=/-]+$/;
export const SAFE_VALUE_TEXT = "letters, digits and . _ : @ + , = / -";

export type QueryResult =
  | { readonly ok: true; readonly selectors: Selectors; readonly extra: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly message: string };

/** RFC 3986 percent-decoding (a `+` stays a `+`: iPXE never encodes spaces as `+`). */
function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/**
 * Parses the query of a machine request (`/ipxe`, `/config`, `/metadata`). Empty values
 * mean "not reported" (iPXE expands unset settings to nothing). `extra` keys (e.g.
 * `stage`) are accepted besides the selectors; anything else is refused.
 */
export function parseMachineQuery(query: string, extraKeys: readonly string[] = []): QueryResult {
  if (query.length > 4096) return { ok: false, message: `query of ${query.length} characters; at most 4096` };
  const selectors: { [K in SelectorKey]?: string } = {};
  const extra: Record<string, string> = {};
  const seen = new Set<string>();
  const allowed = [...SELECTOR_KEYS, ...extraKeys];
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const raw = decode(eq < 0 ? "" : part.slice(eq + 1));
    if (key === undefined || raw === undefined) return { ok: false, message: `query part ${JSON.stringify(part)} has a malformed percent-encoding` };
    if (!allowed.includes(key)) return { ok: false, message: `unknown query parameter ${JSON.stringify(key)}; accepted: ${allowed.join(", ")}` };
    if (seen.has(key)) return { ok: false, message: `query parameter "${key}" appears more than once` };
    seen.add(key);
    if (raw === "") continue;
    if ((SELECTOR_KEYS as readonly string[]).includes(key)) {
      const n = NORMALIZE[key as SelectorKey](raw);
      if ("error" in n) return { ok: false, message: n.error };
      selectors[key as SelectorKey] = n.value;
    } else extra[key] = raw;
  }
  return { ok: true, selectors, extra };
}

/** RFC 3986 unreserved characters stay, everything else is %XX: safe inside iPXE
 *  script lines, kernel command lines and quoted unit-file words (after `%` → `%%`). */
export function encodeStrict(v: string): string {
  return Array.from(Buffer.from(v, "utf8"))
    .map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`))
    .join("");
}

/** The selectors as a query string, in a fixed order; the MAC in iPXE's hexhyp form. */
export function selectorQuery(s: Selectors): string {
  return SELECTOR_KEYS.filter((k) => s[k] !== undefined)
    .map((k) => `${k}=${k === "mac" ? s.mac!.replace(/:/g, "-") : encodeStrict(s[k]!)}`)
    .join("&");
}

export function describeSelectors(s: Selectors): string {
  const parts = SELECTOR_KEYS.filter((k) => s[k] !== undefined).map((k) => `${k}=${JSON.stringify(s[k])}`);
  return parts.length ? parts.join(", ") : "no identifying values";
}
