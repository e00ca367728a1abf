import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checks as session } from '../../src/checks/session/index.js';
import { cookieFormsConfig, startCookieFormsApp, type CookieFormsApp } from '../fixtures/cookie-forms-app/server.js';
import { COOKIE_FORMS_TRUTH } from '../fixtures/cookie-forms-app/truth.js';
import { score } from '../fixtures/access-kit/ground-truth.js';
import { accessChecks, auditConfig } from './run.js';
import { recordScore } from './scores.js';

type Result = Awaited<ReturnType<typeof auditConfig>>;
const checks = [...accessChecks, ...session.filter((c) => c.meta.id === 'session/cookie-flags')];

describe('a cookie-session app with server-rendered forms', () => {
  let app: CookieFormsApp;
  let result: Result;
  beforeAll(async () => {
    app = await startCookieFormsApp();
    result = await auditConfig(cookieFormsConfig(app), checks);
  }, 90_000);
  afterAll(() => app?.close());

  it('finds every planted flaw and flags no control', () => {
    const s = score(result.findings, COOKIE_FORMS_TRUTH, { allowWrites: false });
    recordScore('cookie-forms', s, result.requests);
    expect(s.missed).toEqual([]);
    expect(s.falseAlarms).toEqual([]);
  });

  it('learns ticket ids from the links of the HTML list', () => {
    const f = result.findings.find((x) => x.check === 'authorization/bola' && x.status === 'fail');
    expect(f?.evidence.notes?.join(' ')).toMatch(/\{id\} from a recorded call by bob|\{id\} from .*link/);
  });

  it('says the reply form was not sent to another user\'s ticket without --allow-writes', () => {
    const skip = result.findings.find((x) => x.check === 'authorization/bola' && x.status === 'skip');
    expect(skip?.reason).toMatch(/POST \/tickets\/\{id\}\/reply: write to bob's existing object \/tickets\/\d+\/reply not sent: rerun with --allow-writes/);
  });
});

describe('the helpdesk with every flaw fixed', () => {
  let app: CookieFormsApp;
  let result: Result;
  beforeAll(async () => {
    app = await startCookieFormsApp([]);
    result = await auditConfig(cookieFormsConfig(app), checks);
  }, 90_000);
  afterAll(() => app?.close());

  it('reports no access-control failure', () => {
    const s = score(result.findings, COOKIE_FORMS_TRUTH.filter((r) => r.kind === 'control'), { allowWrites: false });
    recordScore('cookie-forms fixed', s, result.requests);
    expect(s.falseAlarms).toEqual([]);
    expect(result.findings.find((f) => f.check === 'authorization/bola' && f.status === 'pass')).toBeDefined();
  });
});

describe('the export', () => {
  it('is a critical failure proven by the identities\' emails in the anonymous CSV', async () => {
    const app = await startCookieFormsApp();
    try {
      const result = await auditConfig(cookieFormsConfig(app), checks);
      const f = result.findings.find((x) => x.check === 'authentication/missing-auth' && /export\.csv/.test(x.location.url ?? ''));
      expect(f?.status).toBe('fail');
      expect(f?.severity).toBe('critical');
      expect(f?.evidence.notes?.join(' ')).toMatch(/values of a configured identity/);
    } finally {
      await app.close();
    }
  }, 90_000);
});
