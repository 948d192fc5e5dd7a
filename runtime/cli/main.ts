// Entry point of the `hafen` binary: find the command whose words prefix argv, run it,
// exit with its code. Unknown commands and usage errors exit 1 with a message.
import { commands, type CommandEntry } from "./registry";
import { UsageError, type CommandContext } from "./command";

export function findCommand(argv: readonly string[]): { command: CommandEntry; rest: string[] } | undefined {
  let best: { command: CommandEntry; rest: string[] } | undefined;
  for (const command of commands) {
    const n = command.words.length;
    if (argv.length >= n && command.words.every((w, i) => argv[i] === w)) {
      if (!best || n > best.command.words.length) best = { command, rest: argv.slice(n) };
    }
  }
  return best;
}

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.words.join(" ").length), 10);
  const lines = commands.map((c) => `  ${c.words.join(" ").padEnd(width)}  ${c.summary}`);
  return `Usage: hafen COMMAND [ARGS]\n\nCommands:\n${lines.join("\n")}\n`;
}

export async function main(argv: readonly string[], io: Omit<CommandContext, "args">): Promise<number> {
  if (argv.length === 0 || argv[0] === "help" || argv[0] === "--help" || argv[0] === "-h") {
    io.stdout.write(helpText());
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr.write(`hafen: unknown command "${argv.join(" ")}"\n\n${helpText()}`);
    return 1;
  }
  const { rest } = found;
  const command = await found.command.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(command.usage.endsWith("\n") ? command.usage : command.usage + "\n");
    return 0;
  }
  try {
    return await command.run({ ...io, args: rest });
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`hafen ${command.words.join(" ")}: ${err.message}\n\n${command.usage}\n`);
      return 1;
    }
    io.stderr.write(`hafen ${command.words.join(" ")}: ${(err as Error).message ?? String(err)}\n`);
    return 1;
  }
}
