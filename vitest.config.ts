import { defineConfig } from 'vitest/config';

// In CI each run also writes a JSON summary, which .ci/run adds up into one "N passed, N failed" line.
const ciReport = process.env['CI'] ? { reporters: ['default', 'json'], outputFile: { json: `test/.work/ci-results/vitest-${process.pid}.json` } } : {};

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'examples/**/*.test.ts'],
    // Every test's network traffic is confined to loopback by the guard in src/net/loopback-guard.ts.
    env: { LAUNCHREADY_LOOPBACK_ONLY: '1' },
    // One loud line when Chromium is missing (the browser tests then skip).
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    ...ciReport,
  },
});
