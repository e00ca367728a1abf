import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runMonitor, type MonitorHandle } from '../../src/cli/commands/monitor.js';
import { verifySignature } from '../../src/monitor/notifiers/index.js';
import { openStore } from '../../src/store/index.js';
import { makeCert, memoryLogger, sleep, startReceiver, startSmtp, startTarget, tempDir, waitFor, writeConfig } from './helpers.js';

/**
 * End to end over loopback: a real target that goes down and comes back, real receivers for the
 * generic webhook, the Slack-style webhook and SMTP with STARTTLS. Short intervals (allowed
 * explicitly, as only tests may) keep it fast.
 */

const INTERVAL = 250;
const SECRET = 'whsec-test-0123456789';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function yamlFor(opts: { target: string; hook: string; slack?: string; smtp?: { port: number; ca: string }; store: string; extraProbe?: string; alerts?: string }): string {
  return `
target: ${opts.target}
monitor:
  interval: ${INTERVAL}ms
  jitter: 0
  timeout: 1s
  retries: 1
  defaults: false
  store: ${opts.store}
  alerts: { failureThreshold: 3, successThreshold: 2, reAlertEvery: 1h${opts.alerts ?? ''} }
  probes:
    - name: app
      url: /health
      conditions: ["[STATUS] == 200", "[BODY].status == ok", "[RESPONSE_TIME] < 2s"]
${opts.extraProbe ?? ''}
  notifiers:
    - { kind: webhook, name: hook, url: "${opts.hook}/alerts", secret: ${SECRET}, backoff: 50ms, maxBackoff: 200ms }
${opts.slack ? `    - { kind: slack, name: slack, url: "${opts.slack}/services/T000/B000/xyzsecretpath", backoff: 50ms }` : ''}
${opts.smtp ? `    - { kind: email, name: mail, host: 127.0.0.1, port: ${opts.smtp.port}, from: monitor@launchready.test, to: [oncall@example.test], ca: ${opts.smtp.ca}, backoff: 50ms }` : ''}
`;
}

async function start(file: string, extra: Partial<Parameters<typeof runMonitor>[0]> = {}): Promise<MonitorHandle> {
  const h = await runMonitor({ config: file, allowShortIntervals: true, port: 0, logger: memoryLogger().logger, flushMs: 5, dispatchPollMs: 50, ...extra });
  cleanups.push(() => h.stop());
  return h;
}

describe('launchready monitor alerting', () => {
  it('a target that goes down yields exactly one alert per notifier within 3 intervals plus delivery, and exactly one recovery when it is back', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const target = await startTarget();
    const hook = await startReceiver();
    const slack = await startReceiver();
    const cert = makeCert(tmp.dir);
    const smtp = await startSmtp(cert);
    cleanups.push(() => target.close(), () => hook.close(), () => slack.close(), () => smtp.close());
    const file = writeConfig(tmp.dir, yamlFor({ target: target.url, hook: hook.url, slack: slack.url, smtp: { port: smtp.port, ca: cert.certFile }, store: join(tmp.dir, 'm.db') }));
    const h = await start(file);

    await waitFor(() => h.monitor.status()[0]!.runs >= 2, 5000, 'two healthy runs');
    expect(h.monitor.status()[0]!.up).toBe(true);
    const downAt = Date.now();
    target.setDown(true);
    const alert = await waitFor(() => hook.received.find((r) => r.json['event'] === 'alert'), 5000, 'the alert');
    // Detection (3 failed checks) plus delivery: within 3 intervals and a delivery allowance.
    expect(alert.at - downAt).toBeLessThanOrEqual(3 * INTERVAL + 1000);
    await waitFor(() => slack.received.length >= 1 && smtp.messages.length >= 1, 5000, 'slack and email alerts');

    // Still down for several more intervals: no second alert (re-alert is an hour away).
    await sleep(6 * INTERVAL);
    target.setDown(false);
    await waitFor(() => hook.received.find((r) => r.json['event'] === 'recovery'), 5000, 'the recovery');
    await waitFor(() => slack.received.length >= 2 && smtp.messages.length >= 2, 5000, 'slack and email recoveries');
    await sleep(4 * INTERVAL);

    expect(hook.received.map((r) => r.json['event'])).toEqual(['alert', 'recovery']);
    expect(slack.received.length).toBe(2);
    expect(smtp.messages.length).toBe(2);

    // The alert says what failed, since when, the redacted evidence and the status page.
    const a = alert.json;
    expect(a).toMatchObject({ probe: 'app', rule: 'down', title: '[ALERT] app is DOWN' });
    expect(String(a['summary'])).toContain('HTTP 503');
    expect(String(a['summary'])).toContain('[STATUS] == 200 (was 503)');
    expect(Date.parse(String(a['since']))).toBeGreaterThanOrEqual(downAt - 5);
    expect(String(a['evidence'])).toContain('"status":"maintenance"');
    expect(a['statusPage']).toBe(`${h.url}/status`);
    expect(hook.received[1]!.json['incident']).toBe(a['incident']);
    // Signed: the receiver can check the HMAC over the exact body.
    expect(verifySignature(SECRET, alert.raw, String(alert.headers['x-launchready-signature']), Math.floor(Date.now() / 1000))).toBe(true);
    expect(verifySignature('wrong-secret-123', alert.raw, String(alert.headers['x-launchready-signature']), Math.floor(Date.now() / 1000))).toBe(false);
    // Slack gets its text format; email went over STARTTLS.
    expect(String(slack.received[0]!.json['text'])).toContain('*[ALERT] app is DOWN*');
    expect(smtp.messages.every((m) => m.secure)).toBe(true);
    expect(smtp.messages[0]!.raw).toMatch(/Subject: \[ALERT\] app is DOWN/);
    expect(smtp.messages[1]!.raw).toMatch(/Subject: \[RESOLVED\] app is back up/);

    // History and incident are in the store; /status and /metrics tell the story.
    const incidents = await h.store.listIncidents(10);
    expect(incidents.map((i) => [i.rule, i.resolvedAt !== null, i.notified])).toEqual([['down', true, true]]);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/launchready_alerts_total\{probe="app",rule="down",type="alert"\} 1/);
    expect(metrics).toMatch(/launchready_alerts_total\{probe="app",rule="down",type="recovery"\} 1/);
    expect(metrics).toMatch(/launchready_probe_up\{probe="app",kind="http"\} 1/);
    expect(metrics).toMatch(/launchready_probe_duration_seconds_bucket\{probe="app",le="\+Inf"\} \d+/);
    const status = (await (await fetch(`${h.url}/status?format=json`)).json()) as { overall: string; probes: Array<{ id: string; up: boolean }> };
    expect(status.overall).toBe('operational');
    const html = await (await fetch(`${h.url}/status`)).text();
    expect(html).toContain('All systems operational');
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('a target that fails one check inside the failure threshold (a flap) produces no alert', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const target = await startTarget();
    const hook = await startReceiver();
    cleanups.push(() => target.close(), () => hook.close());
    const file = writeConfig(tmp.dir, yamlFor({ target: target.url, hook: hook.url, store: join(tmp.dir, 'm.db') }));
    const h = await start(file);
    await waitFor(() => h.monitor.status()[0]!.runs >= 2, 5000, 'two healthy runs');
    // The check and its one retry both fail: one failed check, then the target is fine again.
    target.failNext(2);
    await waitFor(() => h.monitor.status()[0]!.failures >= 1, 5000, 'the failed check');
    await sleep(8 * INTERVAL);
    const s = h.monitor.status()[0]!;
    expect(s.failures).toBe(1);
    expect(s.runs).toBeGreaterThanOrEqual(8);
    expect(hook.received).toEqual([]);
    expect(await h.store.listIncidents(10)).toEqual([]);
  });

  it('a failing notifier is retried with backoff and its failures show in the log, /status and /metrics', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const target = await startTarget();
    const hook = await startReceiver();
    cleanups.push(() => target.close(), () => hook.close());
    const file = writeConfig(tmp.dir, yamlFor({ target: target.url, hook: hook.url, store: join(tmp.dir, 'm.db') }));
    const mem = memoryLogger();
    const h = await start(file, { logger: mem.logger });
    hook.failNext(2);
    target.setDown(true);
    await waitFor(() => hook.received.length === 1, 8000, 'the alert after two failed attempts');
    const status = (await (await fetch(`${h.url}/status.json`)).json()) as { notifiers: Array<{ name: string; delivered: number; failedAttempts: number; lastError: { message: string } | null }> };
    expect(status.notifiers).toEqual([expect.objectContaining({ name: 'hook', delivered: 1, failedAttempts: 2 })]);
    expect(status.notifiers[0]!.lastError?.message).toContain('HTTP 500');
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/launchready_notifications_total\{notifier="hook",result="retry"\} 2/);
    expect(metrics).toMatch(/launchready_notifications_total\{notifier="hook",result="delivered"\} 1/);
    expect(mem.lines.filter((l) => String(l['msg']).startsWith('notification attempt')).length).toBe(2);
    // The retried delivery is the same notification (same id), not a new alert.
    const outbox = await h.store.listOutbox();
    expect(outbox.map((o) => [o.kind, o.status, o.attempts])).toEqual([['alert', 'delivered', 3]]);
    expect(hook.received[0]!.headers['x-launchready-delivery']).toBe(outbox[0]!.id);
  });

  it('restarting the monitor keeps history and alert state: no second alert for an outage already alerted, one recovery', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const target = await startTarget();
    const hook = await startReceiver();
    cleanups.push(() => target.close(), () => hook.close());
    const dbFile = join(tmp.dir, 'm.db');
    const file = writeConfig(tmp.dir, yamlFor({ target: target.url, hook: hook.url, store: dbFile }));
    const first = await start(file);
    target.setDown(true);
    await waitFor(() => hook.received.length === 1, 5000, 'the alert');
    await sleep(2 * INTERVAL);
    await first.stop();
    const store = await openStore(dbFile);
    const before = await store.countSamples('app');
    await store.close();
    expect(before).toBeGreaterThanOrEqual(4);

    const second = await start(file);
    await sleep(6 * INTERVAL);
    expect(hook.received.map((r) => `${String(r.json['event'])}:${String(r.json['rule'])}`)).toEqual(['alert:down']);
    target.setDown(false);
    await waitFor(() => hook.received.length === 2, 5000, 'the recovery');
    await sleep(3 * INTERVAL);
    expect(hook.received.map((r) => r.json['event'])).toEqual(['alert', 'recovery']);
    expect(hook.received[1]!.json['incident']).toBe(hook.received[0]!.json['incident']);
    expect(await second.store.countSamples('app')).toBeGreaterThan(before);
  });

  it('holds alerts during a maintenance window', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const target = await startTarget();
    const hook = await startReceiver();
    cleanups.push(() => target.close(), () => hook.close());
    const now = Date.now();
    const yaml = yamlFor({ target: target.url, hook: hook.url, store: join(tmp.dir, 'm.db') }) +
      `  maintenance:\n    - { from: "${new Date(now - 60_000).toISOString()}", to: "${new Date(now + 3_600_000).toISOString()}", probes: [app] }\n`;
    const h = await start(writeConfig(tmp.dir, yaml));
    target.setDown(true);
    await waitFor(() => h.monitor.status()[0]!.rules.some((r) => r.status === 'firing'), 5000, 'the rule to fire');
    await sleep(3 * INTERVAL);
    expect(hook.received).toEqual([]);
    const [incident] = h.monitor.openIncidents();
    expect(incident?.notified).toBe(false);
    expect(h.monitor.status()[0]!.inMaintenance).toBe(true);
  });
});
