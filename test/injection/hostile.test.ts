import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domXss } from '../../src/checks/input-validation/dom-xss.js';
import { openRedirect } from '../../src/checks/input-validation/open-redirect.js';
import { reflectedXss } from '../../src/checks/input-validation/reflected-xss.js';
import { audit, failures, statuses } from './run.js';

/**
 * Targets that fight back or defend differently: a Content-Security-Policy that stops an unescaped
 * reflection from running (no proof, so no finding), pages that open dialogs and navigate away, a
 * redirect to a look-alike of the target's own name, and a budget too small for the browser.
 */

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const q = u.searchParams.get('q') ?? '';
    const html = (body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(200, { 'content-type': 'text/html', ...headers });
      res.end(`<!doctype html><html><body>${body}</body></html>`);
    };
    if (u.pathname === '/') return html('<a href="/csp?q=a">csp</a> <a href="/dialog?q=b">dialog</a> <a href="/away?next=/x">away</a> <a href="/lookalike?next=/x">look</a>');
    if (u.pathname === '/csp') return html(`<p>${q}</p>`, { 'content-security-policy': "script-src 'none'" });
    // Opens dialogs and tries to navigate away before anything else happens.
    if (u.pathname === '/dialog') return html(`<script>alert(1); confirm('x'); prompt('y');</script><p>${q}</p>`);
    if (u.pathname === '/away') {
      // An allow-list that checks the prefix only: "/x" passes, "//evil.example" passes too.
      const next = u.searchParams.get('next') ?? '/';
      res.writeHead(302, { location: next.startsWith('/') ? next : '/' });
      return res.end();
    }
    // Login and logout flows that follow usual redirect parameters no page links to.
    if (u.pathname === '/signin' && req.method === 'POST') {
      res.writeHead(303, { location: u.searchParams.get('returnTo') ?? '/', 'set-cookie': 'sess=abc123abc123; HttpOnly' });
      return res.end();
    }
    if (u.pathname === '/bye') {
      res.writeHead(302, { location: u.searchParams.get('next') ?? '/' });
      return res.end();
    }
    if (u.pathname === '/lookalike') {
      res.writeHead(302, { location: `http://127.0.0.1.evil.example/` });
      return res.end();
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('hostile and unusual targets', () => {
  it('a reflection a CSP keeps from running is not reported; one behind dialogs is, and the run does not hang', async () => {
    const r = await audit({ target: base }, [reflectedXss]);
    const f = failures(r, 'input-validation/reflected-xss');
    expect(f.map((x) => x.title)).toEqual([expect.stringContaining('GET /dialog parameter "q"')]);
    expect(statuses(r, 'input-validation/reflected-xss').some((s) => s.startsWith('error'))).toBe(false);
  }, 60_000);

  it('a prefix-only allow-list is an open redirect (//evil.example); a redirect that ignores the parameter is judged by where it goes', async () => {
    const r = await audit({ target: base }, [openRedirect]);
    const titles = failures(r, 'input-validation/open-redirect').map((x) => x.title);
    expect(titles.some((t) => /GET \/away .*evil\.example via "next"/.test(t))).toBe(true);
    expect(titles.some((t) => /GET \/lookalike .*127\.0\.0\.1\.evil\.example/.test(t))).toBe(true);
  }, 60_000);

  it('the login and logout flows are tried with usual parameter names when no page shows one', async () => {
    const r = await audit({ target: base, identities: { u: { login: { kind: 'form', url: '/signin', form: { email: 'u@x.test', password: 'pw-123456' } } } }, endpoints: { logout: '/bye' } }, [openRedirect]);
    const titles = failures(r, 'input-validation/open-redirect').map((x) => x.title);
    expect(titles.some((t) => /POST \/signin .* via "returnTo" after login/.test(t))).toBe(true);
    expect(titles.some((t) => /GET \/bye .* via "next"/.test(t))).toBe(true);
  }, 60_000);

  it('a budget too small for the browser probes is said so (skip with the reason), never a pass', async () => {
    const r = await audit({ target: base }, [reflectedXss, domXss], { maxRequests: 12 });
    for (const id of ['input-validation/reflected-xss']) {
      const st = statuses(r, id);
      expect(st.some((s) => s.startsWith('pass')), st.join(' | ')).toBe(false);
      expect(st.some((s) => /budget/.test(s)), st.join(' | ')).toBe(true);
    }
    expect(r.requests).toBeLessThanOrEqual(12);
  }, 60_000);
});
