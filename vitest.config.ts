import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'examples/**/*.test.ts'],
    // Every test's network traffic is confined to loopback by the guard in src/net/loopback-guard.ts.
    env: { LAUNCHREADY_LOOPBACK_ONLY: '1' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
