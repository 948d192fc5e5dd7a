/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // Pulumi's runtime keeps globals that jest's cleanup trips over ("on" crashes workers).
  testEnvironmentOptions: { globalsCleanup: "off" },
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // Type-checking happens once in `npm run typecheck`; per-file checking with the
    // cloud providers' typings costs ~10 s a file.
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  testTimeout: 30000,
  maxWorkers: 2,
};
