import { ConfigSchema } from '../src/config/schema.js';
import type { Check } from '../src/engine/check.js';
import { runChecks, type RunResult } from '../src/engine/runner.js';
import { HttpClient } from '../src/net/http.js';

export interface FixtureAuditOptions {
  allowWrites?: boolean;
  maxRequests?: number;
  checkDeadlineMs: number;
  runDeadlineMs: number;
}

/**
 * Runs checks against a loopback fixture from a config object, the way `launchready audit` does
 * (the fixture families in test/access, test/surface and test/injection), counting requests and time.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function auditFixture(raw: unknown, checks: Check<any>[], opts: FixtureAuditOptions): Promise<RunResult & { requests: number; ms: number }> {
  const config = ConfigSchema.parse(raw);
  const baseUrl = new URL(config.target!);
  const http = new HttpClient({ maxRequests: opts.maxRequests ?? 3000, rate: 500, timeoutMs: 5000, maxBodyBytes: 1 << 20, scope: [baseUrl.origin] });
  const started = performance.now();
  try {
    const result = await runChecks({
      checks,
      config,
      configDir: process.cwd(),
      target: { baseUrl, isDevelopment: true },
      http,
      options: { allowWrites: opts.allowWrites ?? false, seed: 7 },
      env: {},
      checkDeadlineMs: opts.checkDeadlineMs,
      runDeadlineMs: opts.runDeadlineMs,
    });
    return { ...result, requests: http.stats.requests, ms: performance.now() - started };
  } finally {
    await http.close();
  }
}
