import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboardDb, type DashboardDb } from '../../src/dashboard/db.js';
import { medianGap, monitorView } from '../../src/dashboard/monitor-status.js';
import { monitorPage, targetPage } from '../../src/dashboard/pages/views.js';
import type { AuditSummary } from '../../src/store/types.js';

/** Dashboard words that must not mislead: an old "up" is stale, a score reads as a score. */

const MIN = 60_000;
const NOW = Date.UTC(2026, 11, 5, 12, 0, 0);
const chrome = { user: { username: 'admin', role: 'admin' }, csrf: 'x' } as never;

describe('the monitor page', () => {
  let db: DashboardDb;
  beforeAll(async () => {
    db = await openDashboardDb(':memory:');
    // Two probes every minute until 7 minutes ago, all up; then nothing.
    const samples = [];
    for (const probeId of ['uptime app', 'login flow'])
      for (let i = 10; i >= 0; i--) samples.push({ probeId, at: NOW - 7 * MIN - i * MIN, ok: true, latencyMs: 40, httpStatus: 200, message: 'HTTP 200', value: null });
    await db.store.commit({ samples });
  });
  afterAll(async () => {
    await db?.store.close();
  });

  it('says "stale — last probe 7 min ago", not "all up", when the monitor missed more than two intervals', async () => {
    const view = await monitorView(db.store, db.sql, { now: NOW });
    expect(view.probes.map((p) => [p.intervalMs, p.stale])).toEqual([
      [MIN, true],
      [MIN, true],
    ]);
    expect(view.stale).toEqual({ sinceMs: 7 * MIN });
    const html = monitorPage(view, chrome, NOW);
    expect(html).toContain('Stale — last probe 7 min ago');
    expect(html).not.toMatch(/All probes up/);
  });

  it('within two intervals the same probes are up (the control)', async () => {
    const view = await monitorView(db.store, db.sql, { now: NOW - 6 * MIN + 30_000 });
    expect(view.stale).toBeUndefined();
    expect(monitorPage(view, chrome, NOW - 6 * MIN)).toContain('All probes up');
  });

  it('medianGap ignores a single late sample', () => {
    expect(medianGap([0, 60, 120, 180, 900, 960])).toBe(60);
    expect(medianGap([5])).toBeNull();
  });
});

describe('scores read as scores', () => {
  const audit = (id: string, score: number | null, verdict: AuditSummary['verdict']): AuditSummary => ({ id, target: 'https://app.example.com/', startedAt: `2026-12-0${id}T10:00:00.000Z`, verdict, score, durationMs: 1000, failing: {} });
  it('"score 0/100" in the compare drop-downs and the runs table; "no score" for an untested target', () => {
    const html = targetPage(
      { key: 'k', target: 'https://app.example.com/', audits: 3, lastVerdict: 'incomplete', lastScore: null, lastAuditId: '3', lastStartedAt: '2026-12-03T10:00:00.000Z' } as never,
      [audit('3', null, 'incomplete'), audit('2', 0, 'not-ready'), audit('1', 97, 'ready')],
      chrome,
    );
    expect(html).toContain('— Not ready, score 0/100</option>');
    expect(html).toContain('— Incomplete, no score</option>');
    expect(html).toContain('<td class="num">0/100');
    expect(html).toContain('<td class="num">no score');
    // Whole labels: the drop-downs are not clipped to a fixed width.
    expect(html).not.toMatch(/select[^}]*max-width: 22rem/);
  });
});
