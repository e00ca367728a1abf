import { describe, expect, it } from 'vitest';
import { renderStatusPage, type StatusDocument } from '../../src/monitor/status-page.js';

describe('status page', () => {
  it('shows what the target sent as text, never as markup (a hostile body cannot script the page)', () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const doc: StatusDocument = {
      generatedAt: '2026-11-23T10:00:00.000Z',
      startedAt: '2026-11-23T09:00:00.000Z',
      overall: 'degraded',
      target: 'http://127.0.0.1:1',
      store: { kind: 'sqlite', location: '/tmp/x.db', committedSamples: 3, lastError: null },
      probes: [
        {
          id: 'app',
          kind: 'http',
          check: 'GET http://127.0.0.1:1/',
          intervalMs: 30_000,
          derived: false,
          up: false,
          lastRunAt: Date.parse('2026-11-23T09:59:30.000Z'),
          lastMessage: `GET /: HTTP 500 — failed [BODY].status == ok (was "${hostile}")`,
          lastLatencyMs: 12,
          runs: 10,
          failures: 3,
          inMaintenance: false,
          rules: [{ rule: 'down', status: 'firing', since: 1, incident: 'app:down:1' }],
        },
      ],
      incidents: [{ id: 'app:down:1', probe: 'app', rule: 'down', title: '[ALERT] app is DOWN', since: '2026-11-23T09:58:00.000Z', notified: true }],
      notifiers: [{ name: 'hook', kind: 'webhook', delivered: 1, failedAttempts: 2, lastError: { at: '2026-11-23T09:59:00.000Z', message: hostile }, lastDeliveredAt: null }],
      outbox: { pending: 0, delivered: 1, failed: 0, retrying: 0, lastErrors: [] },
    };
    const html = renderStatusPage(doc);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('ALERTING');
    expect(html).toContain('Some checks are alerting');
    expect(html).toContain('30s ago');
    expect(html).toContain('2 failed attempts');
  });
});
