// systemd's word splitting for unit values (systemd.syntax(7), "Quoting"; the code is
// extract_first_word() with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE, retried "relaxed"):
// - words are separated by blanks; a word may mix quoted and unquoted parts (a"b c"d is
//   one word, "ab cd");
// - inside and outside quotes a backslash starts a C escape: \a \b \f \n \r \t \v \\ \"
//   \' \s (space) \xNN \NNN (octal) \uNNNN \UNNNNNNNN; an unknown or invalid escape is
//   kept as written (systemd warns "Ignoring unknown escape sequences" and does the same);
// - an unbalanced quote is an error (systemd: "Unbalanced quoting").
// Each word keeps its raw text, which Exec*= needs to tell a `;` separator from `\;`.
import { parsed, refused, type Parsed } from "./problems";

export interface Word {
  /** The word as written, quotes and backslashes included. */
  readonly raw: string;
  /** The word after unquoting and unescaping. */
  readonly value: string;
}

const BLANK = /[ \t\n\r]/;

/** Splits `text` into words; refuses unbalanced quotes. */
export function splitWords(text: string): Parsed<Word[]> {
  const words: Word[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && BLANK.test(text[i]!)) i++;
    if (i >= text.length) return parsed(words);
    const start = i;
    let value = "";
    let quote = "";
    let quoteAt = 0;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (c === "\\") {
        const esc = unescapeOne(text, i + 1);
        value += esc.text;
        i += esc.length;
      } else if (quote !== "") {
        if (c === quote) quote = "";
        else value += c;
      } else if (c === '"' || c === "'") {
        quote = c;
        quoteAt = i;
      } else if (BLANK.test(c)) {
        break;
      } else {
        value += c;
      }
    }
    if (quote !== "") {
      return refused(`unbalanced quoting: the ${quote === '"' ? "double" : "single"} quote at character ${quoteAt + 1} is never closed`);
    }
    words.push({ raw: text.slice(start, i), value });
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
  "'": "'",
  s: " ",
};

/**
 * Decodes the escape whose letter is at `at` (just after the backslash). Returns the text
 * it stands for and how many characters after the backslash it used. Unknown or invalid
 * escapes come back verbatim, backslash included; a trailing lone backslash is kept.
 */
export function unescapeOne(text: string, at: number): { text: string; length: number } {
  const c = text[at];
  if (c === undefined) return { text: "\\", length: 0 };
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { text: simple, length: 1 };
  const coded = codePointEscape(text, at);
  if (coded) return coded;
  return { text: `\\${c}`, length: 1 };
}

function codePointEscape(text: string, at: number): { text: string; length: number } | undefined {
  const c = text[at]!;
  const digits = c === "x" ? 2 : c === "u" ? 4 : c === "U" ? 8 : 0;
  if (digits > 0) {
    const hex = text.slice(at + 1, at + 1 + digits);
    if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) return undefined;
    const cp = parseInt(hex, 16);
    // \x produces one byte; we map it to the code point of the same number (Latin-1).
    if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
    return { text: String.fromCodePoint(cp), length: 1 + digits };
  }
  const oct = /^[0-7]{3}/.exec(text.slice(at, at + 3));
  if (oct) {
    const cp = parseInt(oct[0], 8);
    if (cp === 0 || cp > 0xff) return undefined;
    return { text: String.fromCodePoint(cp), length: 3 };
  }
  return undefined;
}
