import { ConfigSchema } from '../../src/config/schema.js';
import type { Check } from '../../src/engine/check.js';
import { runChecks, type RunResult } from '../../src/engine/runner.js';
import type { Finding } from '../../src/model/finding.js';
import { HttpClient } from '../../src/net/http.js';

/** Runs checks against a loopback fixture the way `launchready audit` does, and counts requests and time. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function audit(raw: unknown, checks: Check<any>[], opts: { allowWrites?: boolean; maxRequests?: number } = {}): Promise<RunResult & { requests: number; ms: number }> {
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
      checkDeadlineMs: 90_000,
      runDeadlineMs: 180_000,
    });
    return { ...result, requests: http.stats.requests, ms: performance.now() - started };
  } finally {
    await http.close();
  }
}

export const failures = (r: RunResult, check: string): Finding[] => r.findings.filter((f) => f.check === check && (f.status === 'fail' || f.status === 'warn'));
export const statuses = (r: RunResult, check: string): string[] => r.findings.filter((f) => f.check === check).map((f) => `${f.status}${f.reason ? `: ${f.reason}` : ''}`);
