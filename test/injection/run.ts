import type { Check } from '../../src/engine/check.js';
import type { RunResult } from '../../src/engine/runner.js';
import { auditFixture } from '../fixture-audit.js';
import type { Finding } from '../../src/model/finding.js';

/** Runs checks against a loopback fixture the way `launchready audit` does, and counts requests and time. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function audit(raw: unknown, checks: Check<any>[], opts: { allowWrites?: boolean; maxRequests?: number } = {}): Promise<RunResult & { requests: number; ms: number }> {
  return auditFixture(raw, checks, { ...opts, checkDeadlineMs: 90_000, runDeadlineMs: 180_000 });
}

export const failures = (r: RunResult, check: string): Finding[] => r.findings.filter((f) => f.check === check && (f.status === 'fail' || f.status === 'warn'));
export const statuses = (r: RunResult, check: string): string[] => r.findings.filter((f) => f.check === check).map((f) => `${f.status}${f.reason ? `: ${f.reason}` : ''}`);
