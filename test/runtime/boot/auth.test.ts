// The API's credentials: token files (tokens or their SHA-256, comments, rotation) and
// the Authorization header check.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { parseTokenFile } from "../../../runtime/boot";
import { bearerAccepted } from "../../../runtime/boot/auth";

const sha = (t: string) => createHash("sha256").update(t).digest("hex");
const A = "token-a-0123456789abcdef";
const B = "token-b-0123456789abcdef";

test("token files hold tokens or sha256: digests, with comments; several lines rotate", () => {
  const r = parseTokenFile(`# ops team\n${A}\n\nsha256:${sha(B).toUpperCase()}\n`, "tokens");
  expect(r).toEqual({ ok: true, hashes: [sha(A), sha(B)] });
  if (!r.ok) return;
  expect(bearerAccepted(`Bearer ${A}`, r.hashes)).toBe(true);
  expect(bearerAccepted(`bearer  ${B}`, r.hashes)).toBe(true);
  expect(bearerAccepted(`Bearer sha256:${sha(B)}`, r.hashes)).toBe(false); // the digest is not the token
  expect(bearerAccepted(`Basic ${A}`, r.hashes)).toBe(false);
  expect(bearerAccepted(undefined, r.hashes)).toBe(false);
  expect(bearerAccepted([`Bearer ${A}`], r.hashes)).toBe(false);
});

test("bad token files are refused naming the line; an empty one too", () => {
  expect(parseTokenFile(`${A}\nshort\n`, "t")).toEqual({ ok: false, message: "t:2: expected a token of at least 16 printable characters without spaces, or sha256:<64 hex digits>" });
  expect(parseTokenFile(`${A} trailing words\n`, "t")).toMatchObject({ ok: false, message: expect.stringMatching(/^t:1: /) });
  expect(parseTokenFile("# only a comment\n", "t")).toEqual({ ok: false, message: "t: no token in the file; write one (e.g. openssl rand -hex 32) or sha256:<hex> of one" });
});

test("only the listed token is accepted, whatever else is presented", () => {
  fc.assert(fc.property(fc.string({ maxLength: 60 }), (s) => expect(bearerAccepted(`Bearer ${s}`, [sha(A)])).toBe(s.trim() === A)));
});
