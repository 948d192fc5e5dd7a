// `journal -f` over an endpoint that only answers "the last N lines": each poll takes the
// same window of lines, and the new lines are what follows the longest stretch at the
// end of the previous window that the new window starts with (the smallest shift).
// While the journal is shorter than the window this is exact. Once it is longer, a
// journal of identical repeated lines is ambiguous and the smallest shift shows the
// fewest lines — under-reporting rather than repeating lines.
// A journal cursor in the API would remove the ambiguity (asked of the lead).

function sameRun(a: readonly string[], aFrom: number, b: readonly string[], n: number): boolean {
  for (let i = 0; i < n; i++) if (a[aFrom + i] !== b[i]) return false;
  return true;
}

/**
 * Lines of `next` not already in `prev`, both the last lines of one growing journal
 * fetched with the same window. `overlap` is false when nothing lines up (the journal
 * was rotated or the unit moved), and then every line of `next` is new.
 */
export function newLines(prev: readonly string[], next: readonly string[]): { lines: string[]; overlap: boolean } {
  if (prev.length === 0) return { lines: [...next], overlap: true };
  for (let shift = 0; shift < prev.length; shift++) {
    const k = prev.length - shift;
    if (k > next.length) continue;
    if (sameRun(prev, shift, next, k)) return { lines: next.slice(k), overlap: true };
  }
  return { lines: [...next], overlap: false };
}
