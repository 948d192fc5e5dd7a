import { parseMetadataPatch } from "../../../runtime/api/fleet-routes";
import { encodePageToken, pageTokenFrom, paginate } from "../../../runtime/api/pagination";
import { parseRegisterBody } from "../../../runtime/api/hafen-routes";
import { parseToken, newToken } from "../../../runtime/api/auth";
import { HttpError, Router } from "../../../runtime/api/http";

const ID = "0123456789abcdef0123456789abcdef";

describe("fleet pagination tokens", () => {
  it("round-trips and pages without overlap", () => {
    const all = Array.from({ length: 250 }, (_, i) => i);
    const p1 = paginate(all, pageTokenFrom(new URL("http://x/units")));
    expect(p1.items).toHaveLength(100);
    const p2 = paginate(all, pageTokenFrom(new URL(`http://x/units?nextPageToken=${p1.next}`)));
    const p3 = paginate(all, pageTokenFrom(new URL(`http://x/units?nextPageToken=${p2.next}`)));
    expect([...p1.items, ...p2.items, ...p3.items]).toEqual(all);
    expect(p3.next).toBeUndefined();
  });

  it.each([
    ["garbage", "nextPageToken=%%%"],
    ["wrong limit", `nextPageToken=${encodePageToken({ limit: 5, page: 2 })}`],
    ["page zero", `nextPageToken=${encodePageToken({ limit: 100, page: 0 })}`],
    ["repeated", `nextPageToken=a&nextPageToken=b`],
    ["binary", `nextPageToken=${Buffer.from([0xff, 0xfe, 0, 1, 2, 3, 4]).toString("base64url")}`],
  ])("refuses a %s token with 400", (_what, query) => {
    expect(() => pageTokenFrom(new URL(`http://x/units?${query}`))).toThrow(HttpError);
    try {
      pageTokenFrom(new URL(`http://x/units?${query}`));
    } catch (err) {
      expect((err as HttpError).status).toBe(400);
      expect((err as HttpError).message).toMatch(/nextPageToken/);
    }
  });
});

describe("machine metadata JSON-Patch", () => {
  it("accepts fleet's documented form and its server's {value:{value}} form", () => {
    expect(
      parseMetadataPatch([
        { op: "add", path: `/${ID}/metadata/region`, value: "eu" },
        { op: "replace", path: `/${ID}/metadata/disk`, value: { value: "ssd" } },
        { op: "remove", path: `/${ID}/metadata/old` },
      ]),
    ).toEqual([
      { op: "add", machineId: ID, key: "region", value: "eu" },
      { op: "replace", machineId: ID, key: "disk", value: "ssd" },
      { op: "remove", machineId: ID, key: "old" },
    ]);
  });

  it.each([
    [{ op: "add", path: `/${ID}/metadata/x` }, /value/],
    [{ op: "move", path: `/${ID}/metadata/x`, value: "a" }, /invalid op/],
    [{ op: "add", path: `/${ID}/labels/x`, value: "a" }, /path/],
    [{ op: "add", path: `/${ID}/metadata/bad key`, value: "a" }, /path/],
    ["not an object", /expected an object/],
  ])("refuses %j", (op, message) => {
    expect(() => parseMetadataPatch([op])).toThrow(message);
  });

  it("refuses a body that is not an array", () => {
    expect(() => parseMetadataPatch({ op: "add" })).toThrow(/JSON-Patch array/);
  });
});

describe("agent registration body", () => {
  const good = { id: ID, name: "m1", primaryIP: "127.0.0.1", metadata: { role: "web" }, role: "worker", version: "0.1.0" };
  it("accepts a valid body", () => {
    expect(parseRegisterBody(good).id).toBe(ID);
  });
  it.each([
    ["id", "XYZ"],
    ["name", "-bad"],
    ["primaryIP", "not an ip"],
    ["metadata", { "bad key": "x" }],
    ["role", "king"],
    ["agentEndpoint", "ftp://x"],
  ])("names the bad field %s", (field, value) => {
    expect(() => parseRegisterBody({ ...good, [field]: value })).toThrow(new RegExp(`field ${field}`));
  });
});

describe("tokens", () => {
  it("tells kinds apart by prefix and refuses anything else", () => {
    expect(parseToken(newToken("admin"))?.kind).toBe("admin");
    expect(parseToken(newToken("bootstrap"))?.kind).toBe("bootstrap");
    expect(parseToken(newToken("machine", ID))).toMatchObject({ kind: "machine", machineId: ID });
    for (const bad of ["", "hfa_short", "Bearer x", "hfm_nothex_aaaaaaaaaaaaaaaaaaaaaaaa", "\u0000".repeat(40)]) {
      expect(parseToken(bad)).toBeUndefined();
    }
  });
});

describe("router", () => {
  const r = new Router().add("GET", "/fleet/v1/units/:name", ["admin"], () => ({ kind: "empty", status: 204 }));
  it("matches parameters, and tells 404 from 405", () => {
    const m = r.match("GET", "/fleet/v1/units/web%401.service");
    expect(m).not.toBeInstanceOf(HttpError);
    expect((m as { params: Record<string, string> }).params.name).toBe("web@1.service");
    expect((r.match("POST", "/fleet/v1/units/x") as HttpError).status).toBe(405);
    expect((r.match("GET", "/nope") as HttpError).status).toBe(404);
    expect((r.match("GET", "/fleet/v1/units/%E0%A4%A") as HttpError).status).toBe(404);
  });
});
