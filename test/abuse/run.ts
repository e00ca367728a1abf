import { checks as rateLimiting } from '../../src/checks/rate-limiting/index.js';
import { userEnumeration } from '../../src/checks/authentication/user-enumeration.js';
import { csrfProtection } from '../../src/checks/cors-csrf/csrf.js';
import { webhookSignatures } from '../../src/checks/deployment/webhook-signatures.js';
import { invalidPayloads } from '../../src/checks/input-validation/invalid-payloads.js';
import type { AbuseSettings } from '../../src/abuse/settings.js';
import { ConfigSchema, type Config } from '../../src/config/schema.js';
import type { Check } from '../../src/engine/check.js';
import { runChecks, type RunResult } from '../../src/engine/runner.js';
import type { Finding } from '../../src/model/finding.js';
import { HttpClient } from '../../src/net/http.js';
import type { HealthSettings } from '../../src/net/target-health.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const abuseChecks: Check<any>[] = [userEnumeration, invalidPayloads, ...rateLimiting, csrfProtection, webhookSignatures];

export interface AbuseRun extends RunResult {
  requests: number;
  wallMs: number;
}

/** Runs checks against a loopback target the way `launchready audit` does, with test-sized abuse bounds. */
export async function runAbuse(
  raw: unknown,
  opts: { checks?: Check<any>[]; abuse?: Partial<AbuseSettings>; seed?: number; allowWrites?: boolean; config?: Config; rate?: number; healthSettings?: Partial<HealthSettings> | false; timeoutMs?: number } = {}, // eslint-disable-line @typescript-eslint/no-explicit-any
): Promise<AbuseRun> {
  const parsed = opts.config ?? ConfigSchema.parse(raw);
  // The abuse probes are under test here, not discovery: no Chromium crawl unless a test asks for one.
  const config = parsed.api.crawl === undefined ? { ...parsed, api: { ...parsed.api, crawl: false } } : parsed;
  const baseUrl = new URL(config.target!);
  const http = new HttpClient({ maxRequests: 3000, rate: opts.rate ?? 1000, timeoutMs: opts.timeoutMs ?? 5000, maxBodyBytes: 1 << 20, scope: [baseUrl.origin], exclude: config.api.exclude });
  const t0 = performance.now();
  try {
    const result = await runChecks({
      checks: opts.checks ?? abuseChecks,
      config,
      configDir: process.cwd(),
      target: { baseUrl, isDevelopment: true },
      http,
      options: { allowWrites: opts.allowWrites ?? false, seed: opts.seed ?? 7 },
      env: {},
      checkDeadlineMs: 60_000,
      runDeadlineMs: 90_000,
      services: { abuse: opts.abuse ?? {}, ...(opts.healthSettings !== undefined ? { healthSettings: opts.healthSettings } : {}) },
    });
    return { ...result, requests: http.stats.requests, wallMs: performance.now() - t0 };
  } finally {
    await http.close();
  }
}

export function failing(run: RunResult, check: string, title?: RegExp): Finding[] {
  return run.findings.filter((f) => f.check === check && f.status === 'fail' && (!title || title.test(f.title)));
}

export function problems(run: RunResult): string[] {
  return run.findings.filter((f) => f.status === 'fail' || f.status === 'warn' || f.status === 'error').map((f) => `${f.status} ${f.check}: ${f.title}${f.reason ? ` (${f.reason})` : ''}`);
}
