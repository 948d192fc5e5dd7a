// Machine identity normalization and the strict query parser, including the ways
// iPXE 1.21.1 really sends values (unescaped & and =, + for +, empty unset settings).
import fc from "fast-check";
import { normalizeHostname, normalizeMac, normalizeSerial, normalizeUuid, parseMachineQuery, selectorQuery } from "../../../runtime/boot";
import { expandSettings, requestTarget121 } from "./ipxe-client";

const ok = (r: { value: string } | { error: string }) => ("value" in r ? r.value : `ERROR ${r.error}`);

test("MACs in colon, hyphen (iPXE hexhyp) and bare forms, any case, normalize to one form", () => {
  for (const m of ["52:54:00:AB:cd:01", "52-54-00-ab-CD-01", "525400abcd01"]) expect(ok(normalizeMac(m))).toBe("52:54:00:ab:cd:01");
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.constantFrom(":", "-", ""), fc.boolean(), (bytes, sep, upper) => {
      const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0"));
      const text = hex.join(sep);
      expect(ok(normalizeMac(upper ? text.toUpperCase() : text))).toBe(hex.join(":"));
    }),
  );
});

test("garbage MACs, UUIDs, host names and serials are refused with the value and the accepted forms", () => {
  for (const bad of ["", "52:54:00:ab:cd", "52:54-00:ab:cd:01", "zz:54:00:ab:cd:01", "52:54:00:ab:cd:01:02", " 52:54:00:ab:cd:01"]) {
    expect(ok(normalizeMac(bad))).toMatch(/^ERROR MAC .* is not accepted; expected 6 hex octets/);
  }
  expect(ok(normalizeUuid("4C4C4544-0042-3510-8052-B4C04F4B4E31"))).toBe("4c4c4544-0042-3510-8052-b4c04f4b4e31");
  expect(ok(normalizeUuid("4c4c4544-0042-3510-8052"))).toMatch(/^ERROR UUID "4c4c4544-0042-3510-8052" is not accepted; expected 8-4-4-4-12/);
  expect(ok(normalizeHostname("Node-1.Rack.Example."))).toBe("node-1.rack.example");
  expect(ok(normalizeHostname("-bad"))).toMatch(/^ERROR hostname "-bad" is not accepted; expected RFC 1123/);
  expect(ok(normalizeHostname("a_b"))).toMatch(/^ERROR/);
  expect(ok(normalizeSerial("  To Be Filled By O.E.M.  "))).toBe("To Be Filled By O.E.M.");
  expect(ok(normalizeSerial("bad\nserial"))).toMatch(/^ERROR serial .* printable ASCII/);
  expect(ok(normalizeSerial("x".repeat(129)))).toMatch(/^ERROR/);
});

test("normalizers never throw and are idempotent on anything", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), (s) => {
      for (const n of [normalizeMac, normalizeUuid, normalizeHostname, normalizeSerial]) {
        const r = n(s);
        if ("value" in r) expect(n(r.value)).toEqual(r);
        else expect(r.error.length).toBeGreaterThan(0);
      }
    }),
  );
});

test("the chain query as iPXE 1.21.1 sends it: unset settings are empty, the MAC hyphenated", () => {
  const line = "http://127.0.0.1:1/ipxe?mac=${mac:hexhyp}&uuid=${uuid}&hostname=${hostname:uristring}&serial=${serial:uristring}";
  const url = expandSettings(line, { mac: "52:54:00:12:34:56" });
  const q = requestTarget121(url).target.split("?")[1]!;
  expect(q).toBe("mac=52-54-00-12-34-56&uuid=&hostname=&serial=");
  expect(parseMachineQuery(q)).toEqual({ ok: true, selectors: { mac: "52:54:00:12:34:56" }, extra: {} });
});

test("a serial with spaces and a + arrives percent-encoded and decodes without turning + into a space", () => {
  const line = "http://127.0.0.1:1/ipxe?mac=${mac:hexhyp}&serial=${serial:uristring}";
  const url = expandSettings(line, { mac: "52:54:00:12:34:56", serial: "SN 12+34/5" });
  const q = requestTarget121(url).target.split("?")[1]!;
  expect(q).toBe("mac=52-54-00-12-34-56&serial=SN%2012+34/5");
  const r = parseMachineQuery(q);
  expect(r.ok && r.selectors.serial).toBe("SN 12+34/5");
});

test("a serial that smuggles another selector (iPXE 1.21.1 re-sends & and = raw) is refused, not obeyed", () => {
  const line = "http://127.0.0.1:1/ipxe?mac=${mac:hexhyp}&uuid=${uuid}&hostname=${hostname:uristring}&serial=${serial:uristring}";
  const url = expandSettings(line, { mac: "52:54:00:12:34:56", serial: "x&mac=52-54-00-99-99-99" });
  const q = requestTarget121(url).target.split("?")[1]!;
  expect(q).toContain("serial=x&mac=52-54-00-99-99-99");
  expect(parseMachineQuery(q)).toEqual({ ok: false, message: 'query parameter "mac" appears more than once' });
  const other = expandSettings(line, { mac: "52:54:00:12:34:56", serial: "x&role=control" });
  expect(parseMachineQuery(requestTarget121(other).target.split("?")[1]!)).toEqual({ ok: false, message: 'unknown query parameter "role"; accepted: mac, uuid, hostname, serial' });
});

test("malformed queries: bad percent-encoding, oversize, invalid values, stage only where allowed", () => {
  expect(parseMachineQuery("mac=%zz")).toMatchObject({ ok: false, message: expect.stringContaining("malformed percent-encoding") });
  expect(parseMachineQuery("mac=52-54")).toMatchObject({ ok: false, message: expect.stringContaining('MAC "52-54" is not accepted') });
  expect(parseMachineQuery(`serial=${"a".repeat(5000)}`)).toMatchObject({ ok: false, message: expect.stringContaining("at most 4096") });
  expect(parseMachineQuery("mac=52-54-00-12-34-56&stage=install")).toMatchObject({ ok: false });
  expect(parseMachineQuery("mac=52-54-00-12-34-56&stage=install", ["stage"])).toEqual({ ok: true, selectors: { mac: "52:54:00:12:34:56" }, extra: { stage: "install" } });
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => expect(typeof parseMachineQuery(s).ok).toBe("boolean")));
});

test("selectorQuery round-trips through the parser for any valid selectors", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 6, maxLength: 6 }),
      fc.option(fc.uuid()),
      fc.option(fc.constantFrom("node-1", "a.b.example")),
      fc.option(fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,30}[\x21-\x7e]$/)),
      (mac, uuid, hostname, serial) => {
        const s = {
          mac: Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join(":"),
          ...(uuid && { uuid }),
          ...(hostname && { hostname }),
          ...(serial && { serial }),
        };
        expect(parseMachineQuery(selectorQuery(s))).toEqual({ ok: true, selectors: s, extra: {} });
      },
    ),
  );
});
