import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServe } from '../../src/cli/commands/serve.js';
import { compareRuns } from '../../src/dashboard/compare.js';
import { openDashboardDb } from '../../src/dashboard/db.js';
import { targetKey } from '../../src/dashboard/history.js';
import { InvalidReport } from '../../src/dashboard/report-schema.js';
import { saveReport } from '../../src/dashboard/save.js';
import { F, TARGET, runOne, runTwo } from './fixtures.js';
import { ADMIN_PASSWORD, login, req, startTestDashboard, type Login, type TestDashboard } from './helpers.js';

let d: TestDashboard;
let s: Login;
beforeAll(async () => {
  d = await startTestDashboard();
  s = await login(d.url);
});
afterAll(async () => {
  await d?.close();
});

describe('comparing two runs by finding id', () => {
  it('classifies new, fixed, not re-tested and still open exactly', () => {
    const c = compareRuns(runOne(), runTwo());
    expect(c.newProblems.map((f) => f.id).sort()).toEqual([F.leak('fail').id, F.enumeration('fail').id].sort());
    expect(c.fixed.map((x) => x.after.id)).toEqual([F.cookie('pass').id]);
    expect(c.unverified.map((x) => x.before.id)).toEqual([F.referrer('warn').id]);
    expect(c.unchanged.map((x) => x.after.id).sort()).toEqual([F.csp('fail').id, F.secret('fail').id].sort());
    expect(c.scoreDelta).toBe(runTwo().score! - runOne().score!);
  });

  it('a problem that is skipped in the later run is not called fixed', () => {
    const later = runTwo();
    later.findings = later.findings.map((f) => (f.id === F.cookie('pass').id ? { ...f, status: 'skip' as const, reason: 'not tested' } : f));
    const c = compareRuns(runOne(), later);
    expect(c.fixed).toEqual([]);
    expect(c.unverified.map((x) => x.before.id)).toContain(F.cookie('fail').id);
  });

  it('GET /api/compare gives the same answer as the page', async () => {
    const res = await req(d.url, `/api/compare?base=${d.ids.one}&head=${d.ids.two}`, { cookie: s.cookie });
    expect(res.status).toBe(200);
    const body = res.json<{ new: Array<{ id: string }>; fixed: Array<{ id: string }>; unchanged: unknown[] }>();
    expect(body.new.map((f) => f.id).sort()).toEqual([F.leak('fail').id, F.enumeration('fail').id].sort());
    expect(body.fixed.map((f) => f.id)).toEqual([F.cookie('pass').id]);
    expect(body.unchanged).toHaveLength(2);
  });
});

describe('getting audits in', () => {
  it('saveReport stores a valid report and refuses one whose secret evidence is more than prefix, length and hash', async () => {
    const db = await openDashboardDb(':memory:');
    try {
      const id = await saveReport(db.store, runOne());
      expect((await db.store.getAudit(id))?.report.findings).toHaveLength(5);
      const leaky = runOne();
      leaky.findings[4]!.evidence.value = { prefix: 'sk_live_', length: 32, sha256: 'a'.repeat(64) };
      await expect(saveReport(db.store, leaky)).rejects.toBeInstanceOf(InvalidReport);
      await expect(saveReport(db.store, { ...runOne(), blockers: ['ffffffffffffffff'] })).rejects.toThrow(/blockers\.0/);
      expect(await db.store.listAudits()).toHaveLength(1);
    } finally {
      await db.close();
    }
  });

  it('POST /api/audits stores the report, and the history, target and finding APIs show it', async () => {
    const later = runTwo();
    later.startedAt = '2026-11-23T08:00:00.000Z';
    const res = await req(d.url, '/api/audits', { method: 'POST', cookie: s.cookie, headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken, origin: d.url }, body: JSON.stringify(later) });
    expect(res.status).toBe(201);
    const { id } = res.json<{ id: string }>();
    expect(res.headers.get('location')).toBe(`/audits/${id}`);
    const targets = (await req(d.url, '/api/targets', { cookie: s.cookie })).json<{ targets: Array<{ target: string; audits: number; lastAuditId: string }> }>().targets;
    expect(targets.find((t) => t.target === TARGET)).toMatchObject({ audits: 3, lastAuditId: id });
    const audits = (await req(d.url, `/api/targets/${targetKey(TARGET)}/audits`, { cookie: s.cookie })).json<{ audits: Array<{ id: string }> }>().audits;
    expect(audits.map((a) => a.id)).toEqual([id, d.ids.two, d.ids.one]);
    const finding = (await req(d.url, `/api/audits/${id}/findings/${F.secret('fail').id}`, { cookie: s.cookie })).json<{ history: Array<{ auditId: string }> }>();
    expect(finding.history.map((h) => h.auditId)).toEqual([id, d.ids.two, d.ids.one]);
    const page = await req(d.url, `/audits/${id}/report`, { cookie: s.cookie });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[^']+'.*frame-ancestors 'none'/);
  });

  it('every string from a report is escaped on the pages', async () => {
    const hostile = runOne();
    hostile.target = 'https://x.example/<script>alert(1)</script>';
    hostile.findings[0]!.title = '<img src=x onerror=alert(1)>';
    const id = await saveReport(d.db.store, hostile);
    for (const p of ['/', `/audits/${id}`, `/audits/${id}/findings/${hostile.findings[0]!.id}`]) {
      const res = await req(d.url, p, { cookie: s.cookie });
      expect(res.text, p).not.toContain('<script>alert(1)');
      expect(res.text, p).not.toContain('<img src=x');
    }
  });
});

describe('monitor status', () => {
  it('says "no monitor running" until a probe writes samples, then shows each probe and open incidents', async () => {
    const t = await startTestDashboard({ seed: false });
    try {
      const a = await login(t.url);
      expect((await req(t.url, '/monitor', { cookie: a.cookie })).text).toContain('No monitor running');
      expect((await req(t.url, '/api/monitor', { cookie: a.cookie })).json<{ running: boolean }>().running).toBe(false);
      const now = Date.now();
      await t.db.store.commit({
        samples: [
          { probeId: 'landing', at: now - 60_000, ok: true, latencyMs: 42, httpStatus: 200, message: 'HTTP 200', value: null },
          { probeId: 'login', at: now - 30_000, ok: false, latencyMs: 900, httpStatus: 503, message: 'HTTP 503 (expected [STATUS] == 200)', value: null },
        ],
        incidents: [{ id: 'inc-1', probeId: 'login', rule: 'down', openedAt: now - 30_000, resolvedAt: null, title: 'login is down', lastEvidence: 'HTTP 503', notified: true }],
      });
      const page = (await req(t.url, '/monitor', { cookie: a.cookie })).text;
      expect(page).not.toContain('No monitor running');
      expect(page).toContain('HTTP 503 (expected [STATUS] == 200)');
      expect(page).toContain('login is down');
      const api = (await req(t.url, '/api/monitor', { cookie: a.cookie })).json<{ running: boolean; probes: Array<{ id: string; up: boolean }> }>();
      expect(api.running).toBe(true);
      expect(api.probes.map((p) => [p.id, p.up])).toEqual([
        ['landing', true],
        ['login', false],
      ]);
    } finally {
      await t.close();
    }
  });
});

describe('launchready serve', () => {
  it('prints where it listens and, without LAUNCHREADY_ADMIN_PASSWORD, a one-time setup link that works', async () => {
    const lines: string[] = [];
    const served = await runServe({ port: 0, db: ':memory:', env: {}, out: (l) => lines.push(l) });
    try {
      expect(lines[0]).toMatch(/^launchready dashboard on http:\/\/127\.0\.0\.1:\d+ \(store: :memory:\)$/);
      const link = lines.find((l) => l.includes('/setup?token='))!.trim();
      expect((await req(served.url, new URL(link).pathname + new URL(link).search)).status).toBe(200);
      expect((await req(served.url, '/healthz')).json()).toEqual({ status: 'ok' });
    } finally {
      await served.close();
    }
  });

  it('with LAUNCHREADY_ADMIN_PASSWORD the admin exists from the start and no link is printed', async () => {
    const lines: string[] = [];
    const served = await runServe({ port: 0, db: ':memory:', env: { LAUNCHREADY_ADMIN_PASSWORD: ADMIN_PASSWORD }, out: (l) => lines.push(l) });
    try {
      expect(lines.some((l) => l.includes('/setup'))).toBe(false);
      expect((await login(served.url)).response.status).toBe(303);
    } finally {
      await served.close();
    }
  });
});
