// fleet's multi-value syntax for `[X-Fleet]` values: `"k=v" "k2=v2"`. fleet splits a
// value on blanks outside quotes only when it both starts and ends with '"'; any other
// value is one item. We read the same syntax but refuse the inputs fleet would mangle
// silently: a value that starts with '"' and never closes it, text glued to a quote
// (`"a""b"`, `"a"b`), and empty items (`""`, or the empty item fleet makes of two blanks).

export type ListResult = { readonly ok: true; readonly items: readonly string[] } | { readonly ok: false; readonly reason: string };

export function splitQuotedList(value: string): ListResult {
  if (!value.startsWith('"')) return { ok: true, items: [value] };
  const items: string[] = [];
  let i = 0;
  while (i < value.length) {
    if (value[i] !== '"') {
      return { ok: false, reason: `expected a '"' at character ${i + 1}; write a list as "k=v" "k2=v2", each item in quotes, separated by blanks` };
    }
    const close = value.indexOf('"', i + 1);
    if (close < 0) return { ok: false, reason: `the quote at character ${i + 1} is never closed` };
    const item = value.slice(i + 1, close);
    if (item === "") return { ok: false, reason: `the quoted item at character ${i + 1} is empty` };
    items.push(item);
    i = close + 1;
    if (i < value.length && value[i] !== " " && value[i] !== "\t") {
      return { ok: false, reason: `text follows the closing quote at character ${i}; separate quoted items with blanks` };
    }
    while (value[i] === " " || value[i] === "\t") i++;
  }
  return { ok: true, items };
}
