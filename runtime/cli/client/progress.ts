// The progress line shown while waiting. On a terminal it is one line rewritten in
// place and erased at the end; into a pipe or file it is a plain line whenever the
// count changes, at most one per `everyMs` and none in the first, so logs stay short.
import type { Writable } from "node:stream";
import { cleanCell } from "./table";

export interface ProgressLine {
  update(remaining: number, total: number, sample?: string): void;
  done(): void;
}

export function progressLine(out: Writable, what: string, now: () => number, everyMs = 2000): ProgressLine {
  const tty = (out as Writable & { isTTY?: boolean }).isTTY === true;
  let lastCount = -1;
  // A wait that ends within `everyMs` leaves no line in a log.
  let lastAt = now();
  let shown = false;
  return {
    update(remaining, total, sample) {
      if (remaining === 0) return;
      const text = cleanCell(`waiting for ${remaining} of ${total} unit(s) to be ${what}${sample ? ` (${sample})` : ""}`);
      if (tty) {
        out.write(`\r\x1b[2K${text.slice(0, 160)}`);
        shown = true;
        return;
      }
      const t = now();
      if (remaining !== lastCount && t - lastAt >= everyMs) {
        out.write(`${text}\n`);
        lastCount = remaining;
        lastAt = t;
      }
    },
    done() {
      if (tty && shown) out.write("\r\x1b[2K");
    },
  };
}
