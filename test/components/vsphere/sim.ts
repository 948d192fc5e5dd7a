// Shared by the simulator-backed test files: skip loudly (only) when Go is missing.
import { goAvailable } from "../../support/vcsim";

export const haveGo = goAvailable();

if (!haveGo) {
  console.warn(
    "\n************************************************************************\n" +
      "SKIPPING vSphere simulator tests: `go` is not installed.\n" +
      "Install: apt-get install golang-go golang-github-vmware-govmomi-dev (.ci/run does)\n" +
      "************************************************************************\n",
  );
}

export const describeWithSim: jest.Describe = haveGo ? describe : describe.skip;

/** A clock that only moves when the client sleeps: waits run instantly and deterministically. */
export function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    slept,
  };
}
