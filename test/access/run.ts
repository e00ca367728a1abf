import { checks as authentication } from '../../src/checks/authentication/index.js';
import { checks as authorization } from '../../src/checks/authorization/index.js';
import { checks as session } from '../../src/checks/session/index.js';
import type { Check } from '../../src/engine/check.js';
import type { RunResult } from '../../src/engine/runner.js';
import { auditFixture } from '../fixture-audit.js';

// Token quality, password policy and signed-cookie secrets (#20) have their own fixtures (test/injection).
const NOT_ACCESS = new Set(['session/cookie-flags', 'authentication/token-quality', 'authentication/password-policy', 'session/signed-cookie-secret']);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const accessChecks: Check<any>[] = [...authentication, ...authorization, ...session].filter((c) => !NOT_ACCESS.has(c.meta.id));

/** Runs checks against a loopback target from a config object, the way `launchready audit` does. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function auditConfig(raw: unknown, checks: Check<any>[] = accessChecks, opts: { allowWrites?: boolean; maxRequests?: number } = {}): Promise<RunResult & { requests: number }> {
  return auditFixture(raw, checks, { ...opts, maxRequests: opts.maxRequests ?? 2000, checkDeadlineMs: 30_000, runDeadlineMs: 60_000 });
}
