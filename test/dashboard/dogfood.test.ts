import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit.js';
import type { Report } from '../../src/model/report.js';
import { atLeast } from '../../src/model/severity.js';
import { ROOT } from '../helpers.js';
import { ADMIN_PASSWORD, startTestDashboard, type TestDashboard } from './helpers.js';

/**
 * Issue 9, item 7: `launchready audit` against the running dashboard, with its own config
 * (test/dashboard/dogfood.yml: the admin's form login, the OpenAPI document, the health endpoint),
 * gives `ready`. The dashboard runs with its production defaults (throttling, session policy);
 * only the store is in memory.
 */
let d: TestDashboard;
let report: Report;

beforeAll(async () => {
  d = await startTestDashboard();
  report = await runAudit({
    url: d.url,
    configPath: `${ROOT}test/dashboard/dogfood.yml`,
    failOn: 'high',
    env: { LAUNCHREADY_ADMIN_PASSWORD: ADMIN_PASSWORD },
  });
}, 120_000);

afterAll(async () => {
  await d?.close();
});

const tested = (area: string) => report.findings.filter((f) => f.area === area && (f.status === 'pass' || f.status === 'fail' || f.status === 'warn'));

describe('launchready audits its own dashboard', () => {
  it('the verdict is ready, complete, with no failing finding at medium or above', () => {
    // Latency under load is a property of the machine as much as of the app: a busy CI box may push a
    // p95 over 500 ms (a medium finding, below --fail-on high). It is reported, never hidden.
    const slow = report.findings.filter((f) => f.area === 'performance' && f.status === 'fail');
    if (slow.length) console.warn(`dogfood: ${slow.map((f) => f.title).join('; ')}`);
    const bad = report.findings.filter((f) => f.status === 'fail' && atLeast(f.severity, 'medium') && f.area !== 'performance').map((f) => `${f.check}: ${f.title}`);
    expect(bad).toEqual([]);
    expect(report.findings.filter((f) => f.status === 'error').map((f) => `${f.check}: ${f.reason}`)).toEqual([]);
    expect(report.incomplete).toEqual([]);
    expect(report.verdict).toBe('ready');
  });

  it('it really logged in and tested the areas the dashboard is responsible for (ready is not "nothing ran")', () => {
    expect(report.findings.find((f) => f.check === 'authentication/identity-login')?.status).toBe('pass');
    for (const area of ['authentication', 'session', 'input-validation', 'rate-limiting', 'cors-csrf', 'edge']) expect(tested(area).length, area).toBeGreaterThan(0);
    const passed = new Set(report.findings.filter((f) => f.status === 'pass').map((f) => f.check));
    for (const check of ['authentication/missing-auth', 'session/after-logout', 'session/fixation', 'rate-limiting/brute-force', 'edge/security-headers', 'edge/private-cache', 'input-validation/error-leakage'])
      expect(passed.has(check), check).toBe(true);
    // Every protected API route was tried without credentials and refused.
    const anonymous = report.accessMatrix.filter((r) => r.identity === 'anonymous' && r.verdict !== 'not-tested');
    expect(anonymous.length).toBeGreaterThan(5);
    expect(anonymous.filter((r) => r.verdict !== 'ok')).toEqual([]);
  });

  it('the admin password appears nowhere in the report', () => {
    expect(JSON.stringify(report)).not.toContain(ADMIN_PASSWORD);
  });
});
