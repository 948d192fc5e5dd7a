// Ports for local clusters and tests come from below the kernel's ephemeral range, which
// outgoing connections draw their source ports from (runtime/local/ports.ts).
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { freePorts, parsePortRange } from "../../../runtime/local/ports";

const range = parsePortRange(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8"));

test("distinct, bindable ports below the ephemeral range", async () => {
  const ports = await freePorts(40);
  expect(new Set(ports).size).toBe(40);
  for (const p of ports) {
    expect(p).toBeGreaterThanOrEqual(10_000);
    expect(p).toBeLessThan(range[0]);
  }
  // Each can be bound (nothing listens on it).
  for (const p of ports.slice(0, 5)) {
    const srv = createServer();
    await new Promise<void>((resolve, reject) => srv.once("error", reject).listen(p, "127.0.0.1", resolve));
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  }
});

test("skips a port something listens on", async () => {
  const [taken] = await freePorts(1);
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(taken, "127.0.0.1", resolve));
  try {
    const orig = Math.random;
    let calls = 0;
    // First draw lands on the taken port, later ones anywhere.
    Math.random = () => (calls++ === 0 ? (taken! - 10_000 + 0.5) / (range[0] - 10_000) : orig());
    try {
      const [p] = await freePorts(1);
      expect(p).not.toBe(taken);
      expect(calls).toBeGreaterThan(1);
    } finally {
      Math.random = orig;
    }
  } finally {
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  }
});

test.each([
  ["32768\t60999\n", [32768, 60999]],
  ["1024 4999", [1024, 4999]],
  ["garbage", [32768, 60999]],
  ["", [32768, 60999]],
  ["70000 80000", [32768, 60999]],
  ["5000 100", [32768, 60999]],
])("reads the ephemeral range from %j", (text, want) => {
  expect(parsePortRange(text)).toEqual(want);
});
