import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { defineCheck, defineGatherer, NotApplicable } from '../../src/engine/check.js';
import { runChecks } from '../../src/engine/runner.js';
import { blockersOf, scoreOf, verdictOf, scorecardOf } from '../../src/model/report.js';
import { fingerprint, type Finding } from '../../src/model/finding.js';
import { HttpClient } from '../../src/net/http.js';
import type { Area } from '../../src/model/area.js';
import type { Severity } from '../../src/model/severity.js';

const meta = (id: string, area: Area = 'edge', extra = {}) => ({ id, area, severity: 'medium' as const, title: id, why: 'w', breaks: 'b', fix: 'f', references: [], ...extra });

async function run(checks: Parameters<typeof runChecks>[0]['checks'], opts: Partial<Parameters<typeof runChecks>[0]> = {}) {
  const http = new HttpClient({ maxRequests: 10, rate: 100, timeoutMs: 1000, maxBodyBytes: 1000 });
  return runChecks({
    checks,
    config: ConfigSchema.parse({}),
    configDir: '.',
    target: { baseUrl: new URL('http://127.0.0.1:1/'), isDevelopment: true },
    http,
    options: { allowWrites: false, seed: 1 },
    env: {},
    checkDeadlineMs: 500,
    runDeadlineMs: 5000,
    ...opts,
  });
}

describe('the runner', () => {
  it('gathers shared evidence once for every check that needs it', async () => {
    let gathered = 0;
    const g = defineGatherer({ id: 'g', gather: async () => ++gathered });
    const a = defineCheck({ meta: meta('t/a'), requires: { g }, run: ({ g }) => (g === 1 ? [] : [{ status: 'fail', location: {} }]) });
    const b = defineCheck({ meta: meta('t/b'), requires: { g }, run: () => [] });
    const r = await run([a, b]);
    expect(gathered).toBe(1);
    expect(r.findings.map((f) => f.status)).toEqual(['pass', 'pass']);
  });

  it('turns NotApplicable into skip with the reason, errors into error, and a hang into an error at its deadline', async () => {
    const na = defineGatherer({ id: 'na', gather: async () => { throw new NotApplicable('no identities configured'); } });
    const boom = defineGatherer({ id: 'boom', gather: async () => { throw new Error('the login page answered 502'); } });
    const hang = defineGatherer({ id: 'hang', gather: () => new Promise<never>(() => undefined) });
    const r = await run([
      defineCheck({ meta: meta('t/na'), requires: { na }, run: () => [] }),
      defineCheck({ meta: meta('t/boom'), requires: { boom }, run: () => [] }),
      defineCheck({ meta: meta('t/hang'), requires: { hang }, run: () => [] }),
    ]);
    const by = Object.fromEntries(r.findings.map((f) => [f.check, f]));
    expect(by['t/na']).toMatchObject({ status: 'skip', reason: 'no identities configured' });
    expect(by['t/boom']).toMatchObject({ status: 'error', reason: 'the login page answered 502' });
    expect(by['t/hang']).toMatchObject({ status: 'error' });
    expect(by['t/hang']!.reason).toMatch(/deadline/);
    expect(r.incomplete.length).toBe(2);
  });

  it('skips public-only checks on a development target, saying why', async () => {
    const r = await run([defineCheck({ meta: meta('t/tls', 'domain-tls', { publicOnly: true }), requires: {}, run: () => [{ status: 'fail', location: {} }] })]);
    expect(r.findings[0]).toMatchObject({ status: 'skip' });
    expect(r.findings[0]!.reason).toMatch(/development target/);
  });

  it('runs account-locking checks last, after every other check', async () => {
    const order: string[] = [];
    const mk = (id: string, phase?: 'last') => defineCheck({ meta: meta(id, 'edge', phase ? { phase } : {}), requires: {}, run: async () => { await new Promise((r) => setTimeout(r, 20)); order.push(id); return []; } });
    await run([mk('t/last', 'last'), mk('t/1'), mk('t/2'), mk('t/3'), mk('t/4'), mk('t/5')], { concurrency: 4 });
    expect(order[order.length - 1]).toBe('t/last');
  });

  it('an interrupted run marks unfinished checks error and the run incomplete', async () => {
    const controller = new AbortController();
    const slow = defineGatherer({ id: 'slow', gather: (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))) });
    setTimeout(() => controller.abort(), 50);
    const r = await run([defineCheck({ meta: meta('t/slow'), requires: { slow }, run: () => [] })], { signal: controller.signal, checkDeadlineMs: 5000 });
    expect(r.findings[0]!.status).toBe('error');
    expect(r.incomplete.join(' ')).toMatch(/interrupted/);
  });
});

describe('the report model', () => {
  const f = (area: Area, severity: Severity, status: Finding['status'] = 'fail', id = `${area}-${severity}-${status}`): Finding => ({
    id, check: `${area}/x`, area, severity, status, title: id, location: {}, evidence: {}, fix: 'f', references: [],
  });

  it('scores 100 minus weighted failures (critical 25, high 10, medium 3, low 1), floored at 0', () => {
    expect(scoreOf([f('edge', 'critical'), f('edge', 'high'), f('edge', 'medium'), f('edge', 'low'), f('edge', 'high', 'warn')])).toBe(61);
    expect(scoreOf(Array.from({ length: 5 }, (_, i) => f('edge', 'critical', 'fail', String(i))))).toBe(0);
  });

  it('orders blockers by severity, then the fix order (one root cause together); low and non-failing are not blockers', () => {
    const list = [f('performance', 'critical'), f('edge', 'medium'), f('domain-tls', 'medium'), f('authorization', 'high'), f('authorization', 'critical'), f('secrets', 'low'), f('session', 'high', 'warn')];
    // authorization/x critical and high share check and fix: one group, led by its worst finding.
    expect(blockersOf(list)).toEqual(['authorization-critical-fail', 'authorization-high-fail', 'performance-critical-fail', 'domain-tls-medium-fail', 'edge-medium-fail']);
  });

  it('verdict: not-ready at or above --fail-on, else incomplete on errors or reasons, else ready', () => {
    expect(verdictOf([f('edge', 'high')], 'high', [])).toBe('not-ready');
    expect(verdictOf([f('edge', 'medium')], 'high', [])).toBe('ready');
    expect(verdictOf([f('edge', 'medium')], 'medium', [])).toBe('not-ready');
    expect(verdictOf([f('edge', 'critical')], 'never', [])).toBe('ready');
    expect(verdictOf([f('edge', 'medium', 'error')], 'high', [])).toBe('incomplete');
    expect(verdictOf([], 'high', ['interrupted'])).toBe('incomplete');
    expect(verdictOf([f('edge', 'high'), f('edge', 'low', 'error')], 'high', ['x'])).toBe('not-ready');
  });

  it('a scorecard row that was only skipped is skip, never pass', () => {
    const rows = scorecardOf([f('email', 'info', 'skip'), f('edge', 'low', 'pass'), f('edge', 'low', 'warn', 'w')]);
    expect(rows.find((r) => r.area === 'email')!.status).toBe('skip');
    expect(rows.find((r) => r.area === 'edge')!.status).toBe('warn');
    expect(rows).toHaveLength(14);
  });

  it('fingerprints are stable and depend on the place, not on volatile data', () => {
    expect(fingerprint('edge/x', { url: 'https://a/', detail: 'csp' })).toBe(fingerprint('edge/x', { url: 'https://a/', detail: 'csp' }));
    expect(fingerprint('edge/x', { url: 'https://a/' })).not.toBe(fingerprint('edge/x', { url: 'https://b/' }));
    expect(fingerprint('edge/x', { url: 'https://a/' }, 'd1')).not.toBe(fingerprint('edge/x', { url: 'https://a/' }, 'd2'));
  });
});

describe('report contributions', () => {
  it('two gatherers adding to one facts topic merge instead of overwriting', async () => {
    const a = defineGatherer({ id: 'fa', gather: async (ctx) => ctx.contribute({ facts: { certificates: [{ host: 'a' }], domains: { 'a.test': { records: 1 } } } }) });
    const b = defineGatherer({ id: 'fb', gather: async (ctx) => ctx.contribute({ facts: { certificates: [{ host: 'b' }], domains: { 'a.test': { canonical: true } } } }) });
    const r = await run([defineCheck({ meta: meta('t/facts'), requires: { a, b }, run: () => [] })]);
    expect(r.contributions.facts).toEqual({ certificates: [{ host: 'a' }, { host: 'b' }], domains: { 'a.test': { records: 1, canonical: true } } });
  });
});
