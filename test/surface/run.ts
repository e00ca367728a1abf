import { checks as authentication } from '../../src/checks/authentication/index.js';
import { checks as authorization } from '../../src/checks/authorization/index.js';
import { checks as session } from '../../src/checks/session/index.js';
import type { Check } from '../../src/engine/check.js';
import type { RunResult } from '../../src/engine/runner.js';
import { auditFixture } from '../fixture-audit.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const accessChecks: Check<any>[] = [...authentication, ...authorization, ...session.filter((c) => c.meta.id !== 'session/cookie-flags')];

/**
 * Runs checks against a loopback target the way `launchready audit` does, with its per-check
 * deadline (90 s: the crawl is gathered inside the first check that needs the API surface).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function auditConfig(raw: unknown, checks: Check<any>[] = accessChecks, opts: { allowWrites?: boolean; maxRequests?: number } = {}): Promise<RunResult & { requests: number }> {
  return auditFixture(raw, checks, { ...opts, checkDeadlineMs: 90_000, runDeadlineMs: 240_000 });
}
