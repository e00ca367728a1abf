import { afterEach, describe, expect, it } from 'vitest';
import { registerTarget, getFleetTarget } from '../../src/worker/fleet.js';
import { login, req, startTestDashboard, type TestDashboard } from '../dashboard/helpers.js';
import { TARGET } from '../dashboard/fixtures.js';
import { tempConfig } from './helpers.js';

/** The dashboard's fleet page over an in-memory store: what it lists, and who may change a schedule. */

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fleetDashboard(opts: { apiToken?: string } = {}): Promise<TestDashboard & { configFile: string }> {
  const d = await startTestDashboard(opts.apiToken ? { apiToken: opts.apiToken } : {});
  cleanups.push(() => d.close());
  const cfg = tempConfig(`target: ${TARGET.replace(/\/$/, '')}\nschedule: "0 6 * * *"\n`);
  cleanups.push(cfg.cleanup);
  await registerTarget(d.db.sql, cfg.file, {});
  // Probe history as workers record it: one probe up, one failing from one location only (unconfirmed).
  const now = Date.now();
  await d.db.store.commit({
    samples: [
      { probeId: 'portal.example.test/home', at: now - 5000, ok: true, latencyMs: 12, httpStatus: 200, message: 'ok', value: null },
      { probeId: 'portal.example.test/api', at: now - 4000, ok: false, latencyMs: 9, httpStatus: 503, message: '[eu-west] HTTP 503', value: null },
    ],
  });
  await d.db.sql.run(`INSERT INTO fleet_runs (probe_id, slot, location, ok, message, latency_ms, http_status, worker, due_at, ran_at) VALUES (?, ?, ?, 0, ?, 9, 503, 'w1', ?, ?)`, [
    'portal.example.test/api',
    now - 4000,
    'eu-west',
    'HTTP 503',
    now - 4000,
    now - 4000,
  ]);
  await d.db.sql.run(`INSERT INTO fleet_slots (probe_id, slot, verdict, locations_json, judged_at) VALUES (?, ?, 'ok', '[]', ?)`, ['portal.example.test/api', now - 4000, now - 3000]);
  return Object.assign(d, { configFile: cfg.file });
}

describe('fleet page', () => {
  it('lists every fleet target with its last verdict, score trend, blockers, monitor state and schedule', async () => {
    const d = await fleetDashboard();
    const a = await login(d.url);
    const page = await req(d.url, '/fleet', { cookie: a.cookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain('portal.example.test');
    expect(page.text).toMatch(/Not ready · \d+/);
    expect(page.text).toMatch(/\d+ → \d+/);
    expect(page.text).toContain('1 of 2 probes failing');
    expect(page.text).toContain('unconfirmed failures (last hour): eu-west 1');
    expect(page.text).toContain('<code>0 6 * * *</code>');
    expect(page.text).toContain('name="schedule"');
    const api = (await req(d.url, '/api/fleet', { cookie: a.cookie })).json<{ targets: Array<{ name: string; trend: number[]; blockers: string[]; nextRun: number }> }>();
    expect(api.targets).toHaveLength(1);
    expect(api.targets[0]!.trend).toHaveLength(2);
    expect(api.targets[0]!.blockers.length).toBeGreaterThan(0);
    expect(new Date(api.targets[0]!.nextRun).toISOString()).toMatch(/T06:00:00\.000Z$/);
  });

  it('the admin edits a schedule; an invalid cron is refused with the reason; the change sticks over re-registration', async () => {
    const d = await fleetDashboard();
    const a = await login(d.url);
    const post = (schedule: string, name = 'portal.example.test') =>
      req(d.url, `/fleet/${name}/schedule`, {
        method: 'POST',
        cookie: a.cookie,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: d.url },
        body: new URLSearchParams({ schedule, _csrf: a.csrfToken }).toString(),
      });
    const bad = await post('61 * * * *');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Not saved');
    expect(bad.text).toContain('expected range 0-59');
    expect((await post('*/15 * * * *', 'nope')).status).toBe(404);
    const ok = await post('30 2 * * 1');
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/fleet?saved=portal.example.test');
    const row = await getFleetTarget(d.db.sql, 'portal.example.test');
    expect(row).toMatchObject({ schedule: '30 2 * * 1', scheduleSource: 'dashboard' });
    // Without the CSRF token the write is refused by the dashboard's own checks.
    const forged = await req(d.url, '/fleet/portal.example.test/schedule', { method: 'POST', cookie: a.cookie, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: d.url }, body: 'schedule=' });
    expect(forged.status).toBe(403);
    expect((await getFleetTarget(d.db.sql, 'portal.example.test'))!.schedule).toBe('30 2 * * 1');
    // A worker registering the same launchready.yml again updates the config, not the admin's schedule.
    const again = await registerTarget(d.db.sql, d.configFile, {});
    expect(again).toMatchObject({ schedule: '30 2 * * 1', scheduleSource: 'dashboard' });
  });

  it('an API token reads the fleet but cannot change a schedule', async () => {
    const token = 'a'.repeat(40);
    const d = await fleetDashboard({ apiToken: token });
    const auth = { authorization: `Bearer ${token}` };
    expect((await req(d.url, '/api/fleet', { headers: auth })).status).toBe(200);
    const res = await req(d.url, '/fleet/portal.example.test/schedule', { method: 'POST', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'schedule=' });
    expect(res.status).toBe(403);
    expect((await getFleetTarget(d.db.sql, 'portal.example.test'))!.schedule).toBe('0 6 * * *');
  });
});
