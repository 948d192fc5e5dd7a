// Selector precedence: all of a group's selectors must match; more matching selectors
// win; ties go to the group name that sorts first; the selector-less group is the default.
import fc from "fast-check";
import { matchGroup, type BootData, type Group, type Selectors } from "../../../runtime/boot";

const group = (name: string, selector: Selectors): Group => ({ name, profile: "p", selector, metadata: {} });
const dataOf = (...groups: Group[]): BootData => ({ groups: new Map(groups.map((g) => [g.name, g])), profiles: new Map() });

const MAC = "52:54:00:00:00:01";
const UUID = "4c4c4544-0042-3510-8052-b4c04f4b4e31";

test("more matching selectors win over fewer, and any match wins over the default", () => {
  const d = dataOf(group("default", {}), group("by-mac", { mac: MAC }), group("by-mac-uuid", { mac: MAC, uuid: UUID }), group("by-host", { hostname: "n1" }));
  expect(matchGroup(d, { mac: MAC, uuid: UUID, hostname: "n1" })?.name).toBe("by-mac-uuid");
  expect(matchGroup(d, { mac: MAC, hostname: "n1" })?.name).toBe("by-host"); // tie 1:1 → "by-host" < "by-mac"
  expect(matchGroup(d, { mac: MAC })?.name).toBe("by-mac");
  expect(matchGroup(d, { mac: "52:54:00:00:00:02" })?.name).toBe("default");
  expect(matchGroup(d, {})?.name).toBe("default");
});

test("a group matches only when ALL its selectors match; without a default, unknown machines match nothing", () => {
  const d = dataOf(group("a", { mac: MAC, serial: "S1" }));
  expect(matchGroup(d, { mac: MAC })).toBeUndefined();
  expect(matchGroup(d, { mac: MAC, serial: "S2" })).toBeUndefined();
  expect(matchGroup(d, { mac: MAC, serial: "S1" })?.name).toBe("a");
});

const KEYS = ["mac", "uuid", "hostname", "serial"] as const;
const values = { mac: [MAC, "52:54:00:00:00:02"], uuid: [UUID], hostname: ["n1", "n2"], serial: ["S1"] };
const selectorsArb = fc.record({ mac: fc.option(fc.constantFrom(...values.mac), { nil: undefined }), uuid: fc.option(fc.constantFrom(...values.uuid), { nil: undefined }), hostname: fc.option(fc.constantFrom(...values.hostname), { nil: undefined }), serial: fc.option(fc.constantFrom(...values.serial), { nil: undefined }) }, { requiredKeys: [] });
const clean = (s: Record<string, string | undefined>): Selectors => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));

test("the choice equals the definition (filter, max specificity, min name) for any groups and machine", () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z]{1,3}$/), selectorsArb), { selector: (t) => t[0], maxLength: 8 }), selectorsArb, (gs, reported) => {
      const groups = gs.map(([n, s]) => group(n, clean(s)));
      const r = clean(reported);
      const candidates = groups.filter((g) => KEYS.every((k) => g.selector[k] === undefined || g.selector[k] === r[k]));
      const spec = (g: Group) => KEYS.filter((k) => g.selector[k] !== undefined).length;
      const best = Math.max(-1, ...candidates.map(spec));
      const expected = candidates.filter((g) => spec(g) === best).map((g) => g.name).sort()[0];
      expect(matchGroup(dataOf(...groups), r)?.name).toBe(expected);
    }),
  );
});
