// `hafen local boot --root DIR`: the process that *is* a local machine. Reads
// DIR/cloud-config.yaml, writes its files under DIR and runs its units until SIGTERM
// (clean shutdown: units stopped, agent first) or SIGKILL (a dead machine: the
// executor's guard kills everything it started). `hafen local up` starts one per machine.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command, CommandContext } from "./command";
import { UsageError } from "./command";
import { parseFlags } from "./flags";
import { planBoot, writeMachineFiles, startUnits, stopUnits } from "../local/boot";
import { ProcessExecutor } from "../executor/process/executor";
import { logger, untilSignal } from "../node/signals";

const usage = `Usage: hafen local boot --root DIR [--config FILE]

Boots a local machine from its cloud-config (default DIR/cloud-config.yaml). Started by
\`hafen local up\`; runs in the foreground until SIGTERM.`;

async function run(ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(ctx.args, { root: { type: "string" }, config: { type: "string" } });
  if (!values.root) throw new UsageError("--root is required");
  const configFile = values.config ?? join(values.root, "cloud-config.yaml");
  const plan = planBoot(values.root, readFileSync(configFile, "utf8"), configFile);
  const log = logger(`machine ${plan.machine.hostname ?? values.root}`);
  writeMachineFiles(values.root, plan);
  const executor = new ProcessExecutor({
    journalDir: join(values.root, "var", "log", "units"),
    eventLog: join(values.root, "var", "log", "boot-events.jsonl"),
    hostFacts: { hostname: plan.machine.hostname ?? "localhost" },
  });
  await startUnits(executor, plan, log);
  ctx.stdout.write(`hafen local boot: ${plan.machine.hostname ?? values.root} up (${plan.units.length} units)\n`);
  const sig = await untilSignal();
  log(`${sig}: shutting down`);
  await stopUnits(executor, plan, log);
  await executor.close();
  return 0;
}

export const localBoot: Command = { words: ["local", "boot"], summary: "run one local machine (used by local up)", usage, run };
