import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_WEBHOOK_SECRET, stripeSignatureHeader } from '../../examples/demo-portal/src/index.js';
import { call, withPortal } from './helpers.js';

const FILE = new URL('../../examples/demo-portal/launchready.yml', import.meta.url);
const TEXT = readFileSync(FILE, 'utf8');

describe('examples/demo-portal/launchready.yml', () => {
  it('is valid against ConfigSchema (raw and through the loader with its ${VAR:-default} interpolation)', () => {
    const raw = ConfigSchema.safeParse(parseYaml(TEXT));
    expect(raw.success, JSON.stringify(raw.error?.issues)).toBe(true);
    const config = parseConfigText(TEXT, 'launchready.yml', {});
    expect(config.api.openapi).toBe('/openapi.json');
    expect(config.identities.alice!.login).toMatchObject({ kind: 'json', url: '/api/login', tokenPath: '/token', json: { email: 'alice@acme.test', password: 'alice-demo-pass' } });
    expect(config.webhooks[0]).toEqual({ url: '/webhooks/stripe', scheme: 'stripe', secret: DEFAULT_WEBHOOK_SECRET });
  });

  it('takes passwords and the webhook secret from the environment when set', () => {
    const config = parseConfigText(TEXT, 'launchready.yml', { ALICE_PASSWORD: 'from-env', STRIPE_WEBHOOK_SECRET: 'whsec_env' });
    expect(config.identities.alice!.login).toMatchObject({ json: { password: 'from-env' } });
    expect(config.webhooks[0]!.secret).toBe('whsec_env');
  });

  it('declares two tenants with a member and an admin each, and both login kinds', () => {
    const config = parseConfigText(TEXT, 'launchready.yml', {});
    const ids = Object.entries(config.identities).map(([name, id]) => ({ name, tenant: id.tenant, role: id.role, kind: id.login.kind }));
    expect(ids).toEqual([
      { name: 'alice', tenant: 'acme', role: 'member', kind: 'json' },
      { name: 'adam', tenant: 'acme', role: 'admin', kind: 'form' },
      { name: 'bob', tenant: 'globex', role: 'member', kind: 'json' },
      { name: 'grace', tenant: 'globex', role: 'admin', kind: 'json' },
    ]);
    expect(config.endpoints).toMatchObject({ login: '/api/login', signup: '/api/signup', passwordReset: '/api/password-reset', passwordChange: '/api/me/password', invite: '/api/invites', health: '/healthz' });
    expect(config.load?.actions).toEqual(['GET /api/invoices', 'GET /api/reports/activity', 'GET /api/tickets']);
  });

  it('works against a running portal: every identity logs in as configured, endpoints exist, the webhook secret verifies', async () => {
    const config = parseConfigText(TEXT, 'launchready.yml', {});
    await withPortal({ flaws: 'none' }, async (p) => {
      for (const [name, id] of Object.entries(config.identities)) {
        const l = id.login;
        if (l.kind !== 'json' && l.kind !== 'form') throw new Error(`unexpected login kind for ${name}`);
        const res = await call(p, l.url, l.kind === 'json' ? { json: l.json } : { form: l.form });
        expect(res.status, name).toBeLessThan(400);
        const auth = l.kind === 'json' ? { token: (res.json() as { token: string }).token } : { cookie: res.setCookies.map((c) => c.split(';')[0]).join('; ') };
        if (l.kind === 'form') expect(res.setCookies.some((c) => c.startsWith(`${l.cookie}=`))).toBe(true);
        const me = await call(p, id.verify!, auth);
        expect(me.status, name).toBe(200);
        expect((me.json() as { role: string }).role).toBe(id.role);
      }
      const doc = (await call(p, config.api.openapi!)).json() as { paths: Record<string, Record<string, unknown>> };
      for (const action of config.load!.actions) {
        const [method, path] = String(action).split(' ');
        expect(doc.paths[path!]?.[method!.toLowerCase()], String(action)).toBeDefined();
      }
      expect((await call(p, config.endpoints.health!)).status).toBe(200);
      const body = JSON.stringify({ id: 'evt_cfg', type: 'ping' });
      const hook = config.webhooks[0]!;
      const res = await call(p, hook.url, { body, headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignatureHeader(hook.secret!, body) } });
      expect(res.status).toBe(200);
    });
  });
});
