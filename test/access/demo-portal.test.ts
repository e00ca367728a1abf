import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPortal, type DemoPortal } from '../../examples/demo-portal/src/index.js';
import { runAudit } from '../../src/app/audit.js';
import { checks as authentication } from '../../src/checks/authentication/index.js';
import { checks as authorization } from '../../src/checks/authorization/index.js';
import { checks as session } from '../../src/checks/session/index.js';
import type { Finding } from '../../src/model/finding.js';
import type { Report } from '../../src/model/report.js';

const CONFIG = 'examples/demo-portal/launchready.yml';
const accessChecks = [...authentication, ...authorization, ...session.filter((c) => c.meta.id !== 'session/cookie-flags')];

async function audit(portal: DemoPortal): Promise<Report> {
  return runAudit({ url: portal.url, configPath: CONFIG, failOn: 'high', env: {}, checks: accessChecks });
}

const fails = (r: Report, check: string, where?: RegExp): Finding[] =>
  r.findings.filter((f) => f.check === check && f.status === 'fail' && (!where || where.test(`${f.location.method ?? ''} ${f.location.url ?? ''} ${f.title}`)));

describe('access control against the demo portal with every flaw', () => {
  let portal: DemoPortal;
  let report: Report;
  beforeAll(async () => {
    portal = await startDemoPortal({ flaws: 'all' });
    const t0 = Date.now();
    report = await audit(portal);
    console.log(`access control on the demo portal (all flaws): ${report.stats.requests} requests, ${Date.now() - t0} ms`);
  }, 60_000);
  afterAll(() => portal?.close());

  // One row per access-control flaw of the portal: the check that must catch it and where.
  const expected: Array<[flaw: string, check: string, where: RegExp]> = [
    ['missing-auth', 'authentication/missing-auth', /GET .*\/api\/tickets\/stats/],
    ['jwt-alg-none', 'authentication/jwt-verification', /alg.*none/],
    ['jwt-weak-secret', 'authentication/jwt-weak-secret', /./],
    ['jwt-no-expiry', 'authentication/jwt-expiry', /never expire/],
    ['bola-invoice-read', 'authorization/bola', /GET \S+\/api\/invoices\/\{id\} .*read/],
    ['bola-invoice-update', 'authorization/bola', /PATCH \S+\/api\/invoices\/\{id\}/],
    ['bola-invoice-export', 'authorization/bola', /GET \S+\/api\/invoices\/\{id\}\/export/],
    ['bola-query', 'authorization/bola', /\?org_id=/],
    ['bola-nested', 'authorization/bola', /GET \S+\/api\/orgs\/\{orgId\}\/invoices/],
    ['bola-file-download', 'authorization/bola', /GET \S+\/api\/files\/\{id\}\/download/],
    ['bfla-admin', 'authorization/bfla', /\/api\/admin\/users/],
    ['mass-assignment', 'authorization/mass-assignment', /./],
    ['session-after-logout', 'session/after-logout', /./],
    ['session-fixation', 'session/fixation', /./],
    ['reset-token-reuse', 'session/reset-token-reuse', /./],
    ['invite-token-reuse', 'session/invite-token-reuse', /./],
  ];
  it.each(expected)('finds %s (%s)', (_flaw, check, where) => {
    expect(fails(report, check, where).length).toBeGreaterThan(0);
  });

  it('proves every tenant-isolation leak with the request pair (owner, then the other tenant) and a curl', () => {
    const bola = fails(report, 'authorization/bola');
    expect(bola.length).toBeGreaterThanOrEqual(6);
    for (const f of bola) {
      expect(f.evidence.request).toMatch(/# as bob \(owner\)[\s\S]*# as alice \(other tenant\)/);
      expect(f.evidence.reproduce).toMatch(/^curl /);
      expect(f.evidence.notes?.join(' ')).toMatch(/bob/);
    }
  });

  it('proves a cross-tenant write by the owner seeing the change', () => {
    const [update] = fails(report, 'authorization/bola', /PATCH/);
    expect(update!.evidence.notes?.[0]).toMatch(/bob now sees alice's marker/);
  });

  it('fills the access matrix with leaks and the owners\' own successful reads', () => {
    const leaks = report.accessMatrix.filter((r) => r.verdict === 'leak');
    expect(leaks.some((r) => r.path === '/api/invoices/{id}' && r.identity === 'alice')).toBe(true);
    expect(report.accessMatrix.some((r) => r.path === '/api/invoices/{id}' && r.identity === 'bob' && r.verdict === 'ok')).toBe(true);
    expect(report.accessMatrix.some((r) => r.identity === 'anonymous' && r.path === '/api/tickets/stats' && r.verdict === 'leak')).toBe(true);
  });

  it('never puts an identity\'s password or token in the report', () => {
    const text = JSON.stringify(report);
    for (const u of Object.values(portal.seed.users)) expect(text).not.toContain(u.password);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
  });

  it('writes only to what it created: seeded invoices unchanged, alice\'s role and organisation restored', () => {
    const db = new Database(portal.dbFile, { readonly: true });
    try {
      const rows = db.prepare('SELECT id, customer, notes FROM invoices ORDER BY id').all() as Array<{ id: number; customer: string; notes: string | null }>;
      const seeded = rows.filter((r) => portal.seed.invoices.some((i) => i.id === r.id));
      expect(seeded.map((r) => r.customer)).toEqual(portal.seed.invoices.map((i) => i.customer));
      expect(seeded.every((r) => !String(r.notes ?? '').startsWith('lr'))).toBe(true);
      const alice = db.prepare('SELECT role, org_id FROM users WHERE email = ?').get(portal.seed.users.alice.email) as { role: string; org_id: number };
      expect(alice).toEqual({ role: 'member', org_id: portal.seed.users.alice.orgId });
    } finally {
      db.close();
    }
  });

  it('stays within a modest request budget', () => {
    expect(report.stats.requests).toBeLessThan(600);
  });
});

describe('access control against the demo portal with no flaws', () => {
  let portal: DemoPortal;
  let report: Report;
  beforeAll(async () => {
    portal = await startDemoPortal({ flaws: 'none' });
    const t0 = Date.now();
    report = await audit(portal);
    console.log(`access control on the demo portal (no flaws): ${report.stats.requests} requests, ${Date.now() - t0} ms`);
  }, 60_000);
  afterAll(() => portal?.close());

  it('reports no failure in authentication, authorization or session', () => {
    const failed = report.findings.filter((f) => f.status === 'fail' || f.status === 'warn' || f.status === 'error');
    expect(failed.map((f) => `${f.check}: ${f.title}`)).toEqual([]);
  });

  it('passes the access-control checks it could test, and says what it could not test instead of passing it', () => {
    for (const id of ['authorization/bola', 'authorization/bfla', 'authorization/mass-assignment', 'authentication/missing-auth', 'session/after-logout', 'session/fixation', 'session/reset-token-reuse', 'session/invite-token-reuse', 'session/password-change']) {
      expect(report.findings.some((f) => f.check === id && f.status === 'pass'), id).toBe(true);
    }
    const skipped = report.findings.find((f) => f.check === 'authorization/bfla' && f.status === 'skip');
    expect(skipped?.reason).toMatch(/DELETE \/api\/admin\/users\/\{id\}/);
    expect(report.accessMatrix.some((r) => r.verdict === 'leak')).toBe(false);
  });

  it('deletes the invoices it created (the API has a DELETE for them) and leaves seeded data alone', () => {
    const db = new Database(portal.dbFile, { readonly: true });
    try {
      const ours = db.prepare("SELECT COUNT(*) AS n FROM invoices WHERE customer LIKE 'lr%'").get() as { n: number };
      expect(ours.n).toBe(0);
      const seeded = db.prepare('SELECT id, customer FROM invoices ORDER BY id').all() as Array<{ id: number; customer: string }>;
      expect(seeded.map((r) => r.id)).toEqual(portal.seed.invoices.map((i) => i.id));
      expect(seeded.map((r) => r.customer)).toEqual(portal.seed.invoices.map((i) => i.customer));
    } finally {
      db.close();
    }
  });
});
