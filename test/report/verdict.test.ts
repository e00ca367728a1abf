import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/index.js';
import { ConfigError, parseConfigText } from '../../src/config/load.js';
import { AREAS, FIX_ORDER, type Area } from '../../src/model/area.js';
import { blockerGroupsOf } from '../../src/model/blockers.js';
import { coverageGaps, coverageOf } from '../../src/model/coverage.js';
import { CHECK_EFFORT } from '../../src/model/effort.js';
import type { Finding, Status } from '../../src/model/finding.js';
import { judge, verdictOf } from '../../src/model/report.js';
import type { Severity } from '../../src/model/severity.js';
import { SPRINT_PHASES, phaseOf, sprintPlanOf } from '../../src/model/sprint.js';

let n = 0;
function f(check: string, status: Status, extra: Partial<Finding> = {}): Finding {
  n += 1;
  return {
    id: (extra.id ?? n.toString(16)).padStart(16, '0'),
    check,
    area: check.split('/')[0] as Area,
    severity: 'high',
    status,
    title: `${check} title`,
    location: { url: `https://app.example.com/r/${n}`, method: 'GET' },
    evidence: {},
    fix: `fix for ${check}`,
    references: [],
    ...extra,
  };
}
const ALL = new Set(AREAS);

describe('coverage decides readiness', () => {
  it('an area whose checks all skipped is untested, with the config to add; a run with it is incomplete', () => {
    const findings = [
      f('authorization/bola', 'skip', { reason: 'no identity could log in, so nothing can be tested as a user' }),
      f('authorization/bfla', 'skip', { reason: 'no identity could log in, so nothing can be tested as a user' }),
      f('edge/security-headers', 'pass'),
    ];
    const cov = coverageOf({ findings, selected: ALL });
    const authz = cov.find((c) => c.area === 'authorization')!;
    expect(authz.state).toBe('untested');
    expect(authz.hint).toMatch(/add two identities .*docs\/identities\.md/);
    expect(authz.reason).toBe('no identity could log in, so nothing can be tested as a user');
    expect(cov.find((c) => c.area === 'edge')!.state).toBe('tested');
    // Areas no check ran for are untested too, never "n/a = fine".
    expect(cov.find((c) => c.area === 'email')!.state).toBe('untested');
    const gaps = coverageGaps(cov);
    expect(gaps.map((g) => g.area)).toContain('authorization');
    // Nothing failed, yet not ready: the gaps make it incomplete.
    expect(judge({ findings, failOn: 'high', incomplete: gaps.map((g) => g.area) }).verdict).toBe('incomplete');
  });

  it('a waiver with a reason turns an untested area into waived; every area tested or waived is ready', () => {
    const findings = AREAS.filter((a) => a !== 'email').map((a) => f(`${a}/x`, 'pass'));
    const cov = coverageOf({ findings, selected: ALL, waivers: [{ area: 'email', reason: 'this product sends no mail' }] });
    expect(cov.find((c) => c.area === 'email')).toEqual({ area: 'email', state: 'waived', reason: 'this product sends no mail' });
    expect(coverageGaps(cov)).toEqual([]);
    expect(verdictOf(findings, 'high', [])).toBe('ready');
  });

  it('an essential item not judged (tenant isolation) leaves its area partial, even when another check of it passed', () => {
    const findings = [f('authorization/bfla', 'pass'), f('authorization/bola', 'skip', { reason: 'needs two identities in different tenants' })];
    const cov = coverageOf({ findings, selected: ALL, checksRun: new Set(['authorization/bfla', 'authorization/bola']) });
    const authz = cov.find((c) => c.area === 'authorization')!;
    expect(authz.state).toBe('partial');
    expect(authz.missing).toEqual(['tenant isolation']);
    expect(authz.hint).toMatch(/^tenant isolation: add two identities/);
  });

  it('areas left out by --only/--skip are not selected, not gaps', () => {
    const cov = coverageOf({ findings: [f('edge/security-headers', 'pass')], selected: new Set<Area>(['edge']) });
    expect(cov.filter((c) => c.state === 'not-selected')).toHaveLength(AREAS.length - 1);
    expect(coverageGaps(cov)).toEqual([]);
  });

  it('errors are not coverage: an area with only errors is untested', () => {
    const cov = coverageOf({ findings: [f('cors-csrf/cors-policy', 'error', { reason: 'the target hung' })], selected: ALL });
    expect(cov.find((c) => c.area === 'cors-csrf')).toMatchObject({ state: 'untested', reason: 'the target hung' });
  });
});

describe('waive: in launchready.yml', () => {
  it('takes areas with reasons', () => {
    const c = parseConfigText('waive:\n  email: "this product sends no mail"\n  domain-tls: local staging only\n', 'launchready.yml', {});
    expect(c.waive).toEqual({ email: 'this product sends no mail', 'domain-tls': 'local staging only' });
  });

  it('an unknown area is a config error at its file:line:col, naming the areas', () => {
    expect(() => parseConfigText('target: https://a.example\nwaive:\n  emial: no mail\n', 'launchready.yml', {})).toThrow(ConfigError);
    expect(() => parseConfigText('target: https://a.example\nwaive:\n  emial: no mail\n', 'launchready.yml', {})).toThrow(/^launchready\.yml:3:3: waive: unknown area "emial"; areas are authentication, /);
  });

  it('a waiver needs a reason', () => {
    expect(() => parseConfigText('waive:\n  email: ""\n', 'launchready.yml', {})).toThrow(/^launchready\.yml:2:10: waive\.email: a reason/);
    expect(() => parseConfigText('waive:\n  email:\n    - x\n', 'launchready.yml', {})).toThrow(/launchready\.yml:3:5: waive\.email: expected string/);
  });
});

describe('blockers grouped by root cause', () => {
  it('one group per (check, fix), listing every place; low and non-failing findings are not blockers', () => {
    const findings = [1, 2, 3, 4, 5].map((i) =>
      f('authorization/bola', 'fail', { severity: 'critical', title: `alice can read globex's invoice ${i}`, location: { method: 'GET', url: `https://app.example.com/api/invoices/${i}` } }),
    );
    findings.push(f('edge/version-banner', 'fail', { severity: 'low' }), f('session/cookie-flags', 'warn'));
    const groups = blockerGroupsOf(findings);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.findings).toHaveLength(5);
    expect(groups[0]!.places).toEqual([1, 2, 3, 4, 5].map((i) => `GET /api/invoices/${i}`));
    expect(groups[0]!.title).toBe("alice can read globex's invoice 1 (and the same on 4 more routes)");
    // The estimate grows with the places but stays one fix.
    expect(groups[0]!.effort.hours).toBe(8);
  });

  it('severity first (critical before high), then the fix order, then a stable tiebreak', () => {
    const findings = [
      f('performance/core-action-p95', 'fail', { severity: 'critical' }),
      f('edge/security-headers', 'fail', { severity: 'medium' }),
      f('domain-tls/hsts', 'fail', { severity: 'medium' }),
      f('authentication/missing-auth', 'fail', { severity: 'high' }),
      f('authorization/bola', 'fail', { severity: 'high' }),
      f('authorization/bfla', 'fail', { severity: 'high' }),
      f('secrets/committed-secret', 'fail', { severity: 'critical' }),
    ];
    const order = blockerGroupsOf(findings).map((g) => g.check);
    expect(order).toEqual([
      'secrets/committed-secret',
      'performance/core-action-p95',
      'authorization/bfla',
      'authorization/bola',
      'authentication/missing-auth',
      'domain-tls/hsts',
      'edge/security-headers',
    ]);
  });

  it('the same findings in any order give the same groups in the same order', () => {
    const sev: Severity[] = ['critical', 'high', 'medium'];
    const findings = Array.from({ length: 40 }, (_, i) =>
      f(`${FIX_ORDER[i % FIX_ORDER.length]}/c${i % 3}`, 'fail', { severity: sev[i % 3]!, fix: `fix ${i % 4}`, location: { url: `https://app.example.com/p/${i % 7}` } }),
    );
    const reference = JSON.stringify(blockerGroupsOf(findings).map((g) => [g.check, g.fix, g.places]));
    let seed = 7;
    for (let round = 0; round < 20; round++) {
      const shuffled = [...findings].sort(() => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 3) - 1);
      expect(JSON.stringify(blockerGroupsOf(shuffled).map((g) => [g.check, g.fix, g.places]))).toBe(reference);
    }
  });
});

describe('the 48-hour rescue sprint', () => {
  it('follows the checklist timeline: secrets/env and DNS/TLS first, then the app, edge, email, deployment/monitoring', () => {
    expect(SPRINT_PHASES.map((p) => p.id)).toEqual(['secrets-env', 'dns-tls', 'access', 'app-hardening', 'edge', 'email', 'deploy-monitor', 'performance']);
    expect(phaseOf({ area: 'deployment', check: 'deployment/env-missing' }).id).toBe('secrets-env');
    expect(phaseOf({ area: 'deployment', check: 'deployment/webhook-signatures' }).id).toBe('deploy-monitor');
    // Every area has a phase.
    for (const a of AREAS) expect(SPRINT_PHASES.some((p) => p.areas.includes(a))).toBe(true);
  });

  it('says whether the fixes fit in 48 hours of one engineer, and which groups fall past hour 48', () => {
    const small = blockerGroupsOf([f('edge/security-headers', 'fail'), f('secrets/committed-secret', 'fail', { severity: 'critical' }), f('domain-tls/hsts', 'fail')]);
    const plan = sprintPlanOf(small);
    expect(plan.slots.map((s) => s.phase)).toEqual(['secrets-env', 'dns-tls', 'edge']);
    expect(plan.totalHours).toBe(1.5 + 0.5 + 1);
    expect(plan.fits).toBe(true);
    expect(plan.slots[1]).toMatchObject({ startHour: 1.5, endHour: 2 });

    const big = blockerGroupsOf(Array.from({ length: 12 }, (_, i) => f(`performance/slow-${i}`, 'fail', { fix: `fix ${i}` })));
    const over = sprintPlanOf(big);
    expect(over.totalHours).toBe(72);
    expect(over.fits).toBe(false);
    expect(over.overflow).toHaveLength(4);
  });

  it('has an estimate with a basis for every check it names, and names only registered checks', () => {
    const registered = new Set(allChecks.map((c) => c.meta.id));
    for (const [id, e] of Object.entries(CHECK_EFFORT)) {
      expect(registered.has(id), `${id} is a registered check`).toBe(true);
      expect(e.hours).toBeGreaterThan(0);
      expect(e.basis.length).toBeGreaterThan(10);
    }
  });
});

describe('the text report', () => {
  it('shows the first 5 blocker groups and the count; -v shows every group, every finding and every skip with its reason', async () => {
    const { renderText } = await import('../../src/report/text.js');
    const { richReport } = await import('../fixtures/reports/rich-report.js');
    const base = richReport();
    const extra = Array.from({ length: 7 }, (_, i) => f(`edge/c${i}`, 'fail', { severity: 'medium', fix: `fix ${i}` }));
    const skip = f('session/lifecycle', 'skip', { reason: 'no identity with logout: configured' });
    const findings = [...base.findings, ...extra, skip];
    const report = { ...base, findings, ...judge({ findings, failOn: 'high', incomplete: base.incomplete }) };
    const groups = report.blockerGroups!.length;
    const short = renderText(report, { color: false });
    expect(short).toContain(`(5 of ${groups}; ${report.blockers.length} failing findings):`);
    expect(short).toContain(`… and ${groups - 5} more (-v lists them all).`);
    expect(short).not.toContain('no identity with logout: configured');
    const long = renderText(report, { color: false, verbose: true });
    expect(long).toContain(`(${groups} of ${groups};`);
    expect(long.match(/^ {4}Fix \(~/gm)).toHaveLength(groups);
    expect(long).toMatch(/SKIP {2}\[high\] session\/lifecycle: session\/lifecycle title .*\n {8}reason: no identity with logout: configured/);
    for (const x of findings) expect(long).toContain(`${x.check}: `);
  });
});
