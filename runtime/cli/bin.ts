// Process shell around main(): real streams in, exit code out. Kept apart from main.ts
// so tests can import main without starting anything.
import { main } from "./main";

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`hafen: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
