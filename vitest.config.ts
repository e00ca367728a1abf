import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// In CI each run also writes a JSON summary, which .ci/run adds up into one "N passed, N failed" line.
const ciReport = process.env['CI'] ? { reporters: ['default', 'json'], outputFile: { json: `test/.work/ci-results/vitest-${process.pid}.json` } } : {};

/**
 * Files whose assertions depend on timing (latency thresholds, page vitals, worker leases and
 * intervals, run deadlines): they run one at a time after the rest, so other files cannot slow them.
 */
const TIMING = ['test/worker/**/*.test.ts', 'test/load/**/*.test.ts', 'test/browser/page-*.test.ts', 'test/abuse/demo-abuse.test.ts', 'test/foundation/hostile-targets.test.ts'];
const E2E = ['test/e2e/**/*.test.ts'];

// Most files wait on loopback servers, Chromium and child processes rather than compute: more
// workers than cores keeps the machine busy (measured on 2 cores: 12 min with 1 file at a time).
const workers = Math.max(2, Math.min(8, Math.round(availableParallelism() * 1.5)));

export default defineConfig({
  test: {
    // Every test's network traffic is confined to loopback by the guard in src/net/loopback-guard.ts.
    env: { LAUNCHREADY_LOOPBACK_ONLY: '1' },
    // One loud line when Chromium is missing (the browser tests then skip).
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    ...ciReport,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'examples/**/*.test.ts'], exclude: [...TIMING, ...E2E, '**/node_modules/**'], maxWorkers: workers, sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: 'timing', include: TIMING, fileParallelism: false, sequence: { groupOrder: 1 } } },
      // The demo audits last, one file at a time: they measure latency and run Chromium.
      { extends: true, test: { name: 'e2e', include: E2E, fileParallelism: false, sequence: { groupOrder: 2 } } },
    ],
  },
});
