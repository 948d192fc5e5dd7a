// Property tests: random valid machines survive render → parse, every rendered Ignition
// passes ignition-validate, and no input — however broken — makes a loader throw.
import fc from "fast-check";
import { expandMachine, loadMachine, parseCloudConfig, parseHafenSettings, parseMachineYaml, renderCloudConfig, renderIgnition, type ExpandedMachine } from "../../machine";
import { ignitionValidate } from "../support/validators";
import { ED25519, RSA } from "./fixtures/machines";

// Each property spawns the real validators dozens of times; under a full parallel run on
// two cores that can take longer than jest's default.
jest.setTimeout(120_000);

const word = (max: number) => fc.stringMatching(new RegExp(`^[a-z0-9][a-z0-9_-]{0,${max - 1}}$`));
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
const segment = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._@+,:=~-]{0,12}$/).filter((s) => s !== "." && s !== "..");
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join("/")}`).filter((p) => !p.startsWith("/usr/") && p !== "/usr" && p !== "/etc/hostname");
const account = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,10}$/);
const text = fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.string({ unit: "grapheme-ascii", maxLength: 2000 })).filter((t) => !t.includes("\0"));

const unitLine = fc.oneof(
  fc.tuple(fc.stringMatching(/^[A-Z][A-Za-z]{0,10}$/), fc.stringMatching(/^[^\n\r\\\0]{0,40}$/)).map(([k, v]) => `${k}=${v}`),
  fc.stringMatching(/^[#;][^\n\r\0]{0,30}$/),
  fc.constant(""),
);
const unitText = fc
  .array(fc.tuple(fc.constantFrom("Unit", "Service", "Timer", "X-Extra"), fc.array(unitLine, { maxLength: 5 })), { minLength: 1, maxLength: 3 })
  .map((sections) => sections.map(([name, lines]) => `[${name}]\n${lines.map((l) => `${l}\n`).join("")}`).join("\n"));

const fileArb = fc.record(
  {
    path,
    mode: fc.integer({ min: 0, max: 0o7777 }),
    owner: account,
    group: account,
    contents: fc.oneof(
      text.map((t) => ({ text: t })),
      fc.uint8Array({ maxLength: 600 }).map((b) => ({ bytes: b })),
      fc.tuple(fc.webUrl({ validSchemes: ["https"] }), fc.stringMatching(/^[0-9a-f]{64}$/)).map(([url, sha256]) => ({ url, sha256 })),
    ),
  },
  { requiredKeys: ["path", "contents"] },
);

const unitArb = fc
  .record({
    name: fc.tuple(word(12), fc.constantFrom("service", "timer", "target", "slice")).map(([n, t]) => `${n}.${t}`),
    contents: fc.option(unitText, { nil: undefined }),
    command: fc.option(fc.constantFrom("start", "stop", "restart", "reload", "try-restart"), { nil: undefined }),
    runtime: fc.boolean(),
    dropIns: fc.uniqueArray(fc.record({ name: word(10).map((n) => `${n}.conf`), contents: unitText }), { maxLength: 2, selector: (d) => d.name }),
    mask: fc.boolean(),
  })
  .map((u) => (u.mask ? { name: u.name, mask: true } : { ...u, mask: false }))
  .map((u) => Object.fromEntries(Object.entries(u).filter(([, v]) => v !== undefined)));

const userArb = fc.record(
  {
    name: account,
    groups: fc.array(account, { maxLength: 3 }),
    sshAuthorizedKeys: fc.subarray([ED25519, RSA]),
    system: fc.boolean(),
    homeDir: path,
    shell: fc.constantFrom("/bin/bash", "/bin/sh", "/sbin/nologin"),
  },
  { requiredKeys: ["name"] },
);

const uniqueBy = <T>(arr: T[], key: (t: T) => string) => arr.filter((x, i) => arr.findIndex((y) => key(y) === key(x)) === i);

const machineArb = fc
  .record(
    {
      hostname: fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join(".")),
      sshAuthorizedKeys: fc.subarray([ED25519, RSA]),
      users: fc.array(userArb, { maxLength: 3 }),
      files: fc.array(fileArb, { maxLength: 5 }),
      units: fc.array(unitArb, { maxLength: 5 }),
    },
    { requiredKeys: [] },
  )
  .map((m) => ({
    ...m,
    users: uniqueBy(m.users ?? [], (u) => u.name),
    files: uniqueBy(m.files ?? [], (f) => f.path),
    units: uniqueBy(m.units ?? [], (u) => String(u["name"])),
  }));

/** File contents compared as bytes (valid text comes back as text). */
function norm(x: ExpandedMachine): unknown {
  return JSON.parse(JSON.stringify(x, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v)), (k, v: unknown) =>
    k === "contents" && typeof v === "object" && v !== null && "text" in v ? { source: "bytes", bytes: Buffer.from((v as { text: string }).text).toString("hex") } : v,
  );
}

describe("properties", () => {
  it("cloud-config: render then parse gives the expanded machine back", () => {
    fc.assert(
      fc.property(machineArb, (input) => {
        const m = loadMachine(input);
        if (!m.ok) throw new Error(`generator made an invalid machine: ${JSON.stringify(m.problems.slice(0, 3))}`);
        const r = renderCloudConfig(m.value);
        if (!r.ok) throw new Error(JSON.stringify(r.problems));
        const back = parseCloudConfig(r.value);
        if (!back.ok) throw new Error(`${JSON.stringify(back.problems.slice(0, 3))}\n${r.value}`);
        expect(norm(back.value)).toEqual(norm(expandMachine(m.value)));
      }),
      { numRuns: 150 },
    );
  });

  it("Ignition: every rendered config passes ignition-validate, or the refusal is 'unsupported'", () => {
    fc.assert(
      fc.property(machineArb, (input) => {
        const m = loadMachine(input);
        if (!m.ok) throw new Error("generator made an invalid machine");
        const r = renderIgnition(m.value);
        if (!r.ok) {
          expect(r.problems.every((p) => p.code === "unsupported")).toBe(true);
          return;
        }
        expect(ignitionValidate(r.value)).toEqual({ ok: true, exitCode: 0, findings: [] });
      }),
      { numRuns: 40 },
    );
  });

  it("loaders never throw, whatever they are given", () => {
    fc.assert(
      fc.property(fc.anything({ withTypedArray: true, withNullPrototype: true }), (v) => {
        expect(typeof loadMachine(v).ok).toBe("boolean");
        expect(typeof loadMachine({ files: [v], units: [v], users: [v], hafen: v }).ok).toBe("boolean");
        expect(parseHafenSettings(v).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("text parsers never throw on garbage", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (s) => {
        expect(typeof parseCloudConfig(`#cloud-config\n${s}`).ok).toBe("boolean");
        expect(typeof parseCloudConfig(s).ok).toBe("boolean");
        expect(typeof parseMachineYaml(s).ok).toBe("boolean");
      }),
      { numRuns: 300 },
    );
  });
});
