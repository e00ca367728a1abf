import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLAWS, parseFlaws, startDemoPortal } from '../../examples/demo-portal/src/index.js';
import { isArea } from '../../src/model/area.js';
import { bearer, call, withPortal } from './helpers.js';

describe('demo portal lifecycle', () => {
  it('every start seeds a fresh database: changes made in one run are gone in the next', async () => {
    const first = await startDemoPortal({ flaws: 'none' });
    const token = await bearer(first, 'alice');
    const inv = first.seed.invoices.find((i) => i.org === 'acme')!;
    expect((await call(first, `/api/invoices/${inv.id}`, { method: 'DELETE', token })).status).toBe(204);
    await call(first, '/api/me', { method: 'PATCH', token, json: { name: 'Changed' } });
    await first.close();

    await withPortal({ flaws: 'none' }, async (second) => {
      expect(second.seed.invoices.map((i) => i.id)).toEqual(first.seed.invoices.map((i) => i.id));
      const t = await bearer(second, 'alice');
      expect((await call(second, `/api/invoices/${inv.id}`, { token: t })).status).toBe(200);
      expect(((await call(second, '/api/me', { token: t })).json() as { name: string }).name).toBe('Alice Anderson');
    });
  });

  it('seeds two tenants with a member and an admin each, identifying invoices, tickets and files', async () => {
    await withPortal({ flaws: 'none' }, async (p) => {
      expect(Object.keys(p.seed.orgs)).toEqual(['acme', 'globex']);
      expect(p.seed.users).toMatchObject({
        alice: { email: 'alice@acme.test', password: 'alice-demo-pass', role: 'member', org: 'acme' },
        adam: { email: 'adam@acme.test', password: 'adam-demo-pass', role: 'admin', org: 'acme' },
        bob: { email: 'bob@globex.test', password: 'bob-demo-pass', role: 'member', org: 'globex' },
        grace: { email: 'grace@globex.test', password: 'grace-demo-pass', role: 'admin', org: 'globex' },
      });
      for (const org of ['acme', 'globex'] as const) {
        const invoices = p.seed.invoices.filter((i) => i.org === org);
        expect(invoices.length).toBeGreaterThanOrEqual(3);
        expect(new Set(invoices.map((i) => i.number)).size).toBe(invoices.length);
        expect(p.seed.tickets.some((t) => t.org === org)).toBe(true);
        expect(p.seed.files.some((f) => f.org === org)).toBe(true);
      }
      // Customer names identify their tenant: none is shared between the two organisations.
      const acme = new Set(p.seed.invoices.filter((i) => i.org === 'acme').map((i) => i.customer));
      expect(p.seed.invoices.filter((i) => i.org === 'globex').some((i) => acme.has(i.customer))).toBe(false);
    });
  });

  it('removes its temporary database on close, and close can be called twice', async () => {
    const p = await startDemoPortal({ flaws: 'none' });
    const dir = dirname(p.dbFile);
    expect(dir.startsWith(tmpdir())).toBe(true);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['portal.sqlite', 'portal.sqlite-wal']));
    await Promise.all([p.close(), p.close()]);
    expect(existsSync(dir)).toBe(false);
  });

  it('counts every request on the server, in total and per route template', async () => {
    await withPortal({ flaws: 'none' }, async (p) => {
      expect(p.stats.requests).toBe(0);
      await call(p, '/healthz');
      await call(p, '/healthz');
      await call(p, '/api/invoices/1');
      await call(p, '/api/invoices/2');
      await call(p, '/no/such/page');
      await call(p, '/api/invoices', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
      expect(p.stats.requests).toBe(6);
      expect(p.stats.byRoute.get('GET /healthz')).toBe(2);
      expect(p.stats.byRoute.get('GET /api/invoices/:id')).toBe(2);
      expect(p.stats.byRoute.get('GET (unmatched)')).toBe(1);
      expect([...p.stats.byRoute.values()].reduce((a, b) => a + b, 0)).toBe(6);
      // A request the HTTP parser rejects still counts.
      await new Promise<void>((resolve, reject) => {
        const socket = connect(p.port, '127.0.0.1', () => socket.end('GARBAGE /\x00 HTTP/9\r\n\r\n'));
        socket.on('error', reject);
        socket.on('close', () => resolve());
        socket.resume();
      });
      expect(p.stats.requests).toBe(7);
      expect(p.stats.byRoute.get('(malformed)')).toBe(1);
    });
  });

  it('can run without the demo mailbox (a deployment-like portal)', async () => {
    await withPortal({ flaws: 'none', mailbox: false }, async (p) => {
      expect((await call(p, '/__demo/mailbox?email=alice@acme.test')).status).toBe(404);
      expect((await call(p, '/healthz')).status).toBe(200);
    });
    await withPortal({ flaws: 'none' }, async (p) => {
      expect((await call(p, '/__demo/mailbox?email=alice@acme.test')).json()).toEqual({ messages: [] });
    });
  });

  it('reports the active flaws and listens on loopback', async () => {
    await withPortal({ flaws: ['powered-by', 'bola-query'] }, async (p) => {
      expect(p.flaws).toEqual(['bola-query', 'powered-by']);
      expect(p.url).toBe(`http://127.0.0.1:${p.port}`);
    });
  });
});

describe('flaw switches', () => {
  it('all = every flaw marked inAll; broken-login stays out because it breaks the portal for every other check', () => {
    const all = parseFlaws('all');
    expect(all).toEqual(FLAWS.filter((f) => f.inAll).map((f) => f.name));
    expect(all).not.toContain('broken-login');
    expect(parseFlaws('none')).toEqual([]);
    expect(parseFlaws('all,broken-login')).toContain('broken-login');
    expect(parseFlaws(' cors-reflect , stack-trace ')).toEqual(['cors-reflect', 'stack-trace']);
  });

  it('an unknown flaw name is a clear error naming it and listing the valid ones', async () => {
    expect(() => parseFlaws('cors-reflect,sql-injection')).toThrow(/Unknown demo flaw "sql-injection".*cors-reflect/);
    await expect(startDemoPortal({ flaws: ['bola-everything'] })).rejects.toThrow(/Unknown demo flaw "bola-everything"/);
  });

  it('the flaw table is well formed: kebab-case unique names, real areas, a description each', () => {
    const names = FLAWS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const f of FLAWS) {
      expect(f.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(isArea(f.area), f.name).toBe(true);
      expect(f.description.length).toBeGreaterThan(20);
    }
  });

  it('each flaw is marked in the source with a comment naming it, so readers can find the mistake', () => {
    const files = ['auth.ts', 'app.ts', 'index.ts', 'rate-limit.ts', 'routes/account.ts', 'routes/invoices.ts', 'routes/tickets.ts', 'routes/files.ts', 'routes/admin.ts', 'routes/webhooks.ts', 'routes/system.ts', 'routes/web.ts'];
    const source = files.map((f) => readFileSync(new URL(`../../examples/demo-portal/src/${f}`, import.meta.url), 'utf8')).join('\n');
    for (const f of FLAWS) expect(source, f.name).toContain(`FLAW ${f.name}:`);
  });
});

describe('examples/demo-portal/README.md', () => {
  it('documents every flaw with its area and whether it is in all', () => {
    const readme = readFileSync(new URL('../../examples/demo-portal/README.md', import.meta.url), 'utf8');
    for (const f of FLAWS) expect(readme, f.name).toContain(`| \`${f.name}\` | ${f.area} | ${f.inAll ? 'yes' : 'no'} |`);
  });
});
