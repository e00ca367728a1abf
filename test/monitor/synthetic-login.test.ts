import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoPortal } from '../../examples/demo-portal/src/index.js';
import { runMonitor } from '../../src/cli/commands/monitor.js';
import { loadConfigFile } from '../../src/config/load.js';
import { DEMO_CONFIG } from '../helpers.js';
import { memoryLogger, sleep, startReceiver, tempDir, waitFor } from './helpers.js';

/**
 * The demo portal's `broken-login` flaw: the homepage and /healthz stay up while every login answers
 * 500. Only the synthetic login can see it, and it must alert on exactly that probe.
 */

const INTERVAL = 200;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function monitorDemo(flaws: string) {
  const tmp = tempDir();
  cleanups.push(tmp.cleanup);
  // The login limiter counts only failed logins; give it room so the probe, not the limiter, decides.
  const portal = await startDemoPortal({ flaws, rateLimits: { loginPerAccount: 10_000, loginPerIp: 10_000 } });
  const hook = await startReceiver();
  cleanups.push(() => portal.close(), () => hook.close());
  // The demo's own launchready.yml: the monitor derives its probes from it (no monitor.probes).
  const loaded = loadConfigFile(DEMO_CONFIG, {});
  loaded.config = {
    ...loaded.config,
    target: portal.url,
    monitor: { interval: INTERVAL, jitter: 0, retries: 0, store: join(tmp.dir, 'm.db'), alerts: { failureThreshold: 2 }, notifiers: [{ kind: 'webhook', name: 'hook', url: `${hook.url}/a`, backoff: 50 }] },
  };
  const h = await runMonitor({ loaded, allowShortIntervals: true, port: 0, logger: memoryLogger().logger, flushMs: 5, dispatchPollMs: 50 });
  cleanups.push(() => h.stop());
  return { h, hook };
}

describe('synthetic login on the demo portal', () => {
  it('derives homepage, login page, health and synthetic-login probes from the demo config, and all pass on a healthy portal', async () => {
    const { h, hook } = await monitorDemo('none');
    expect(h.plan.probes.map((p) => p.id)).toEqual(['homepage', 'login-page', 'health', 'synthetic-login']);
    await waitFor(() => h.monitor.status().every((p) => p.runs >= 3), 8000, 'three runs of every probe');
    const byId = Object.fromEntries(h.monitor.status().map((p) => [p.id, p]));
    expect(byId['synthetic-login']!.lastMessage).toContain('logged in as alice, then GET /api/me: HTTP 200');
    expect(h.monitor.status().every((p) => p.up === true)).toBe(true);
    expect(hook.received).toEqual([]);
  });

  it('catches a broken login while the homepage and health endpoint stay up, alerting on the synthetic login only', async () => {
    const { h, hook } = await monitorDemo('broken-login');
    const alert = await waitFor(() => hook.received.find((r) => r.json['event'] === 'alert'), 8000, 'the synthetic-login alert');
    expect(alert.json).toMatchObject({ probe: 'synthetic-login', rule: 'down' });
    expect(String(alert.json['summary'])).toMatch(/synthetic login as alice failed: login of alice at \/api\/login failed: HTTP 500/);
    // The evidence is the redacted login exchange: the password never leaves the monitor.
    expect(String(alert.json['evidence'])).toContain('POST /api/login');
    expect(String(alert.json['evidence'])).toContain('HTTP 500');
    expect(String(alert.json['evidence'])).not.toContain('alice-demo-pass');
    await sleep(3 * INTERVAL);
    const byId = Object.fromEntries(h.monitor.status().map((p) => [p.id, p]));
    expect(byId['homepage']!.up).toBe(true);
    expect(byId['health']!.up).toBe(true);
    expect(byId['login-page']!.up).toBe(true);
    expect(byId['synthetic-login']!.up).toBe(false);
    expect(hook.received.map((r) => `${String(r.json['event'])}:${String(r.json['probe'])}`)).toEqual(['alert:synthetic-login']);
  });
});
