// The executor contract (contract.ts) against every executor.
import { ProcessExecutor } from "../../../runtime/executor/process/executor";
import { RecordingExecutor } from "../../../runtime/executor/recording";
import { SystemdExecutor } from "../../../runtime/executor/systemd";
import { ManualClock } from "../../../runtime/clock";
import { tempDir } from "../../support/tmp";
import { executorContract } from "./contract";
import { FakeSystemd } from "./fake-systemd";

executorContract({
  name: "process (real processes)",
  make: async () => new ProcessExecutor({ journalDir: tempDir("hafen-contract-j-"), pollMs: 10 }),
});

executorContract({
  name: "recording",
  make: async () => new RecordingExecutor({ clock: new ManualClock() }),
});

executorContract({
  name: "systemd (fake systemctl)",
  make: async () => {
    const dir = tempDir("hafen-contract-units-");
    return new SystemdExecutor({ unitDir: dir, runner: new FakeSystemd(dir), clock: new ManualClock() });
  },
});
