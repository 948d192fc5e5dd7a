// Chunks of a byte stream into lines, for output read through a pipe (the systemd
// executor's `journalctl -f`). The process executor's units write to files instead
// (journal-format.ts applies the same rules when reading those).
import { StringDecoder } from "node:string_decoder";
import { LINE_MAX } from "./journal-format";

/** Turns chunks into lines: UTF-8 safe across chunks, a CR before LF dropped, long lines cut at LINE_MAX. */
export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private rest = "";

  constructor(private readonly emit: (line: string) => void) {}

  push(chunk: Buffer): void {
    this.rest += this.decoder.write(chunk);
    for (let nl = this.rest.indexOf("\n"); nl >= 0; nl = this.rest.indexOf("\n")) {
      this.emitLine(this.rest.slice(0, nl));
      this.rest = this.rest.slice(nl + 1);
    }
    while (this.rest.length > LINE_MAX) {
      this.emit(this.rest.slice(0, LINE_MAX));
      this.rest = this.rest.slice(LINE_MAX);
    }
  }

  end(): void {
    this.rest += this.decoder.end();
    if (this.rest !== "") this.emitLine(this.rest);
    this.rest = "";
  }

  private emitLine(line: string): void {
    const l = line.endsWith("\r") ? line.slice(0, -1) : line;
    for (let i = 0; i < l.length || i === 0; i += LINE_MAX) this.emit(l.slice(i, i + LINE_MAX));
  }
}
