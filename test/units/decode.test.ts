import fc from "fast-check";
import { decodeUnitBytes } from "../../units";
import { firstInvalidUtf8 } from "../../units/decode";

describe("decodeUnitBytes", () => {
  it("decodes UTF-8 text (dropping a BOM)", () => {
    expect(decodeUnitBytes(new Uint8Array(Buffer.from("\uFEFF[Unit]\nDescription=Grüße\n")))).toEqual({
      ok: true,
      value: "[Unit]\nDescription=Grüße\n",
    });
  });

  it("refuses NUL and invalid UTF-8 with the line and the bytes around it", () => {
    const r = decodeUnitBytes(new Uint8Array([0x61, 0x0d, 0x0a, 0x62, 0x0a, 0xc0, 0xaf]), "x.service");
    expect(r).toEqual({
      ok: false,
      problems: [
        {
          code: "binary-content",
          file: "x.service",
          line: 3,
          text: "61 0d 0a 62 0a [c0] af",
          message: "byte 5 starts an invalid UTF-8 sequence; unit files are UTF-8 text",
        },
      ],
    });
  });

  it("finds invalid UTF-8 exactly where a strict decoder fails (fast-check)", () => {
    const strict = new TextDecoder("utf-8", { fatal: true });
    const interesting = fc.constantFrom(0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x9f, 0xa0, 0x8f, 0x90);
    fc.assert(
      fc.property(fc.array(fc.oneof(interesting, fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), (bytes) => {
        const b = new Uint8Array(bytes);
        let valid = true;
        try {
          strict.decode(b);
        } catch {
          valid = false;
        }
        expect(firstInvalidUtf8(b) === -1).toBe(valid);
      }),
      { numRuns: 5000 },
    );
  });
});
