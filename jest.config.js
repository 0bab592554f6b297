/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // tsconfig's isolatedModules makes ts-jest transpile file by file; type-checking runs once,
    // in `npm run typecheck`, which `npm test` runs first.
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  moduleFileExtensions: ["ts", "js", "json"],
  setupFiles: ["<rootDir>/test/setup.ts"],
  // Synth and helm tests are CPU-heavy; two workers match the machines this runs on.
  maxWorkers: 2,
  testTimeout: 60000,
};
