import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checks as authentication } from '../../src/checks/authentication/index.js';
import { checks as inputValidation } from '../../src/checks/input-validation/index.js';
import { checks as session } from '../../src/checks/session/index.js';
import type { Check } from '../../src/engine/check.js';
import type { Finding } from '../../src/model/finding.js';
import { spaConfig, startSpaApp, SPA_GROUND_TRUTH, type SpaApp } from '../fixtures/spa-app/server.js';
import { FLAWED_SESSION_SECRET, SSR_GROUND_TRUTH, ssrConfig, startSsrApp, type SsrApp } from '../fixtures/ssr-forms-app/server.js';
import { audit, failures, statuses } from './run.js';

/**
 * The browser-injection, redirect, token and secret checks against two fixture apps of different
 * shapes (server-rendered forms with cookie sessions; a static SPA), each in a flawed build (every
 * row of its ground-truth table must be found, with proof) and a correct build (the controls: no
 * finding at all).
 */

const IDS = ['input-validation/reflected-xss', 'input-validation/stored-xss', 'input-validation/dom-xss', 'input-validation/open-redirect', 'authentication/token-quality', 'authentication/password-policy', 'session/signed-cookie-secret'];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const CHECKS: Check<any>[] = [...inputValidation, ...authentication, ...session].filter((c) => IDS.includes(c.meta.id));

const text = (f: Finding): string => `${f.title}\n${JSON.stringify(f.evidence)}`;

describe('server-rendered app with forms and cookie sessions', () => {
  const runs: Partial<Record<'flawed' | 'correct', Awaited<ReturnType<typeof audit>> & { app: SsrApp; serverRequests: number }>> = {};
  beforeAll(async () => {
    for (const mode of ['flawed', 'correct'] as const) {
      const app = await startSsrApp(mode);
      const r = await audit(ssrConfig(app.url), CHECKS);
      runs[mode] = { ...r, app, serverRequests: app.requests() };
      console.log(`ssr-forms-app (${mode}): ${r.requests} requests counted, ${app.requests()} seen by the server, ${(r.ms / 1000).toFixed(1)} s`);
    }
  }, 240_000);
  afterAll(async () => {
    for (const r of Object.values(runs)) await r?.app.close();
  });

  it('every check ran on both builds (nothing skipped or errored for want of setup)', () => {
    for (const mode of ['flawed', 'correct'] as const) {
      for (const id of IDS.filter((x) => x !== 'input-validation/dom-xss')) {
        const st = statuses(runs[mode]!, id);
        expect(st.some((s) => s.startsWith('error')), `${mode} ${id}: ${st.join(' | ')}`).toBe(false);
        expect(st.every((s) => s.startsWith('skip')), `${mode} ${id}: ${st.join(' | ')}`).toBe(false);
      }
    }
  });

  it('flawed: finds reflected XSS in body, attribute, script string, POST form field and path — each executed in Chromium', () => {
    const f = failures(runs.flawed!, 'input-validation/reflected-xss');
    const where = f.map((x) => x.title);
    expect(where.some((t) => t.includes('GET /search parameter "q"'))).toBe(true);
    expect(where.some((t) => t.includes('GET /greet parameter "name"') && t.includes('script'))).toBe(true);
    expect(where.some((t) => t.includes('POST /login parameter "email"'))).toBe(true);
    expect(where.some((t) => t.includes('the URL path'))).toBe(true);
    for (const x of f) expect(text(x)).toMatch(/the payload ran — it called __lrx\(\d+\)/);
  });

  it('flawed: finds stored XSS in both fields of the notes form, seen by both identities, and deletes the note it wrote', () => {
    const f = failures(runs.flawed!, 'input-validation/stored-xss');
    expect(f.map((x) => x.location.detail).sort()).toEqual(['body', 'title']);
    const title = f.find((x) => x.location.detail === 'title')!;
    expect(title.title).toMatch(/viewed by owner, member/);
    expect(text(title)).toMatch(/deleted with POST \/notes\/\d+\/delete/);
    expect([...runs.flawed!.app.notes.keys()]).toEqual([1]); // only the seed note is left
  });

  it('flawed: finds the open redirects of /go, /logout and the login form, from Location alone', () => {
    const f = failures(runs.flawed!, 'input-validation/open-redirect');
    const titles = f.map((x) => x.title).join('\n');
    expect(titles).toMatch(/GET \/go .*evil\.example via "url"/);
    expect(titles).toMatch(/GET \/logout .*via "returnTo"/);
    expect(titles).toMatch(/POST \/login .*via "next" after login/);
    expect(f.find((x) => x.title.includes('after login'))!.severity).toBe('high');
    // Never followed: the server never saw a request for evil.example, and no hop was recorded.
    expect(runs.flawed!.app.log.some((l) => l.includes('evil'))).toBe(false);
  });

  it('flawed: reset tokens are md5(email), identical and still valid after a newer one; verification tokens are sequential and short', () => {
    const f = failures(runs.flawed!, 'authentication/token-quality');
    const reset = f.find((x) => x.location.detail === 'reset tokens')!;
    expect(reset.severity).toBe('critical');
    expect(text(reset)).toMatch(/md5\(email\)/);
    expect(text(reset)).toMatch(/older token still works after a newer one/);
    const verify = f.find((x) => x.location.detail === 'verification tokens')!;
    expect(text(verify)).toMatch(/sequential/);
    expect(text(verify)).toMatch(/bits of randomness/);
    // Token values are never in the evidence.
    for (const m of runs.flawed!.app.mailbox) expect(JSON.stringify(reset.evidence) + JSON.stringify(verify.evidence)).not.toContain(m.token);
  });

  it('flawed: the sid cookie is signed with "keyboard cat", proven by the recomputed signature, without printing cookie or secret', () => {
    const [f] = failures(runs.flawed!, 'session/signed-cookie-secret');
    expect(f!.title).toMatch(/sid cookie .* \(express\)/);
    expect(text(f!)).toMatch(/gives exactly the signature the server set/);
    expect(f!.evidence.value!.length).toBe(FLAWED_SESSION_SECRET.length);
    expect(text(f!)).not.toContain(FLAWED_SESSION_SECRET);
    expect(text(f!)).not.toMatch(/s%3A[A-Za-z0-9_-]{20,}/);
  });

  it('flawed: sign-up and password change accept all three weak passwords, and the change does not ask for the current one', () => {
    const titles = failures(runs.flawed!, 'authentication/password-policy').map((x) => x.title);
    expect(titles).toContain('Sign-up accepts a 1-character password, an all-digits 6-character password, a top-20 common password');
    expect(titles).toContain('Password change accepts a 1-character password, an all-digits 6-character password, a top-20 common password');
    expect(titles).toContain('A password change does not ask for the current password');
  });

  it('flawed: every ground-truth row is covered by a failing check', () => {
    for (const row of SSR_GROUND_TRUTH) expect(failures(runs.flawed!, row.check).length, row.flaw).toBeGreaterThan(0);
  });

  it('correct build: no check fails or warns (escaped reflection, allow-listed redirect, random tokens, strong secret, enforced policy)', () => {
    const bad = runs.correct!.findings.filter((f) => f.status === 'fail' || f.status === 'warn');
    expect(bad.map((f) => `${f.check}: ${f.title}`)).toEqual([]);
    for (const id of IDS.filter((x) => x !== 'input-validation/dom-xss')) expect(statuses(runs.correct!, id), id).toContain('pass');
    expect([...runs.correct!.app.notes.keys()]).toEqual([1]);
  });
});

describe('single-page app with DOM sinks', () => {
  const runs: Partial<Record<'flawed' | 'correct', Awaited<ReturnType<typeof audit>> & { app: SpaApp }>> = {};
  beforeAll(async () => {
    for (const mode of ['flawed', 'correct'] as const) {
      const app = await startSpaApp(mode);
      const r = await audit(spaConfig(app.url), CHECKS);
      runs[mode] = { ...r, app };
      console.log(`spa-app (${mode}): ${r.requests} requests counted, ${app.requests()} seen by the server, ${(r.ms / 1000).toFixed(1)} s`);
    }
  }, 240_000);
  afterAll(async () => {
    for (const r of Object.values(runs)) await r?.app.close();
  });

  it('flawed: every DOM source → sink of the ground truth is found, executed, with the sink and a stack into app.js', () => {
    const f = failures(runs.flawed!, 'input-validation/dom-xss');
    const titles = f.map((x) => x.title).join('\n');
    expect(titles).toMatch(/"msg" reaches innerHTML and runs/);
    expect(titles).toMatch(/fragment \(#…\) reaches insertAdjacentHTML and runs/);
    expect(titles).toMatch(/postMessage from another origin .* reaches innerHTML and runs/);
    expect(titles).toMatch(/"next" reaches location .* and runs/);
    expect(titles).toMatch(/"sort" reaches setTimeout\(string\) and runs/);
    expect(f.length).toBe(SPA_GROUND_TRUTH.filter((g) => g.check === 'input-validation/dom-xss').length);
    expect(text(f.find((x) => x.title.includes('"msg"'))!)).toMatch(/app\.js:\d+:\d+/);
  });

  it('flawed: an item name the run created through the API runs in the list (stored DOM XSS), with the sink and stack; the item is deleted', () => {
    const [f] = failures(runs.flawed!, 'input-validation/stored-xss');
    expect(f!.title).toMatch(/the API's "name" value of POST \/api\/items runs script on \/ \(viewed by anonymous\)/);
    expect(text(f!)).toMatch(/DOM sink innerHTML got the value; stack: .*app\.js:\d+/);
    expect(text(f!)).toMatch(/deleted with DELETE \/api\/items\/\{id\}/);
    expect(runs.flawed!.app.items().map((i) => i.id)).toEqual([1, 2]);
  });

  it('every ground-truth row is covered by a failing check', () => {
    for (const row of SPA_GROUND_TRUTH) expect(failures(runs.flawed!, row.check).length, row.flaw).toBeGreaterThan(0);
  });

  it('correct build: DOM XSS passes; the server-side checks have nothing to flag', () => {
    expect(runs.correct!.findings.filter((f) => f.status === 'fail' || f.status === 'warn').map((f) => f.title)).toEqual([]);
    expect(statuses(runs.correct!, 'input-validation/dom-xss')).toContain('pass');
    expect(statuses(runs.correct!, 'input-validation/stored-xss')).toContain('pass');
    expect(runs.correct!.app.items().map((i) => i.id)).toEqual([1, 2]);
  });

  it('checks that need forms, identities or sign-up say why they were not run (never a pass)', () => {
    expect(statuses(runs.correct!, 'authentication/token-quality')[0]).toMatch(/^skip: set endpoints.signup/);
    expect(statuses(runs.correct!, 'authentication/password-policy')[0]).toMatch(/^skip: set endpoints.signup/);
  });
});
