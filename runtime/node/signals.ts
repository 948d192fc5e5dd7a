// Long-running commands (server, agent, local machines) run until SIGTERM or SIGINT,
// then shut down in order. A second signal during shutdown exits at once.
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (sig: NodeJS.Signals) => {
      process.off("SIGTERM", handler);
      process.off("SIGINT", handler);
      const hard = () => process.exit(130);
      process.once("SIGTERM", hard);
      process.once("SIGINT", hard);
      resolve(sig);
    };
    process.on("SIGTERM", handler);
    process.on("SIGINT", handler);
  });
}

/** A log line with a timestamp and the component, on stderr (journald/file friendly). */
export function logger(component: string, stream: NodeJS.WritableStream = process.stderr): (line: string) => void {
  return (line) => stream.write(`${new Date().toISOString()} ${component}: ${line}\n`);
}
