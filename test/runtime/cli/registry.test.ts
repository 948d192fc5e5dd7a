// The registry names each command without loading it; the names must be the module's.
import { commands } from "../../../runtime/cli/registry";
import { findCommand } from "../../../runtime/cli/main";

describe("CLI registry", () => {
  it("lists each command once, with the words and summary its module declares", async () => {
    const seen = new Set<string>();
    for (const entry of commands) {
      const key = entry.words.join(" ");
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      const command = await entry.load();
      expect({ words: command.words, summary: command.summary }).toEqual({ words: entry.words, summary: entry.summary });
      expect(command.usage.length).toBeGreaterThan(0);
    }
  });

  it("prefers the longest matching words", () => {
    expect(findCommand(["local", "up", "--machines", "3"])?.command.words).toEqual(["local", "up"]);
    expect(findCommand(["list-units", "--json"])?.rest).toEqual(["--json"]);
    expect(findCommand(["nope"])).toBeUndefined();
  });
});
