import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import type { Report } from '../../src/model/report.js';
import { DEFAULT_RETENTION, type ProbeSample, type Store } from '../../src/store/index.js';
import { backends, PG_URL } from './backends.js';

const HOUR = 3600_000;

function sample(probeId: string, at: number, ok = true, latencyMs: number | null = 10): ProbeSample {
  return { probeId, at, ok, latencyMs, httpStatus: ok ? 200 : 503, message: ok ? 'ok' : 'HTTP 503', value: null };
}

function report(target: string, startedAt: string, verdict: Report['verdict'], findings: Array<Pick<Finding, 'id' | 'severity' | 'status'>>): Report {
  return {
    tool: { name: 'launchready', version: '0.1.0' },
    target,
    startedAt,
    durationMs: 1234,
    verdict,
    incomplete: [],
    score: 90,
    scorecard: [],
    findings: findings.map((f) => ({ ...f, check: 'edge/security-headers', area: 'edge', title: `finding ${f.id}`, location: { url: target }, evidence: {}, fix: 'fix it', references: [] })),
    blockers: [],
    accessMatrix: [],
    latency: {},
    stats: { requests: 3, bytes: 100, areaDurationsMs: {} },
  };
}

if (!PG_URL) it.skip('PostgreSQL store tests (set LAUNCHREADY_TEST_PG_URL; see test/store/start-postgres.sh)', () => undefined);

for (const backend of backends()) {
  describe(`store on ${backend.name}`, () => {
    const open: Store[] = [];
    const openFresh = async (): Promise<{ store: Store; location: string }> => {
      const location = await backend.fresh();
      const store = await backend.open(location);
      open.push(store);
      return { store, location };
    };
    afterAll(async () => {
      for (const s of open) await s.close().catch(() => undefined);
      await backend.cleanup();
    });

    it('migrates once: reopening an existing store keeps its rows and does not re-run the schema', async () => {
      const { store, location } = await openFresh();
      await store.commit({ samples: [sample('home', 1000)] });
      await store.close();
      const again = await backend.open(location);
      open.push(again);
      expect(await again.countSamples('home')).toBe(1);
    });

    it('commits samples, alert state, incidents and outbox intent together and reads them back after reopening', async () => {
      const { store, location } = await openFresh();
      await store.commit({
        samples: [sample('home', 1000), sample('home', 2000, false, null)],
        alertStates: [{ probeId: 'home', rule: 'down', state: { firing: true, failures: 3 }, updatedAt: 2000 }],
        incidents: [{ id: 'inc-1', probeId: 'home', rule: 'down', openedAt: 2000, resolvedAt: null, title: 'home is down', lastEvidence: 'HTTP 503', notified: true }],
        outbox: [{ id: 'o-1', dedupeKey: 'inc-1:alert:hook', incidentId: 'inc-1', kind: 'alert', notifier: 'hook', payload: { text: 'down' }, createdAt: 2000, nextAttemptAt: 2000 }],
      });
      await store.close();
      const s = await backend.open(location);
      open.push(s);
      const samples = await s.recentSamples('home', 10);
      expect(samples.map((x) => [x.at, x.ok, x.httpStatus, x.latencyMs])).toEqual([
        [1000, true, 200, 10],
        [2000, false, 503, null],
      ]);
      expect(await s.loadAlertStates()).toEqual([{ probeId: 'home', rule: 'down', state: { firing: true, failures: 3 }, updatedAt: 2000 }]);
      expect((await s.openIncidents()).map((i) => i.id)).toEqual(['inc-1']);
      const due = await s.dueOutbox(2000, 10);
      expect(due.map((o) => [o.id, o.kind, o.status, o.payload])).toEqual([['o-1', 'alert', 'pending', { text: 'down' }]]);
    });

    it('never queues the same notification twice: a second intent with the same dedupe key is ignored', async () => {
      const { store } = await openFresh();
      const intent = { id: 'a', dedupeKey: 'inc:alert:hook', incidentId: 'inc', kind: 'alert' as const, notifier: 'hook', payload: {}, createdAt: 1, nextAttemptAt: 1 };
      await store.commit({ outbox: [intent] });
      await store.commit({ outbox: [{ ...intent, id: 'b' }] });
      expect((await store.listOutbox()).map((o) => o.id)).toEqual(['a']);
    });

    it('rolls back the whole batch when one write fails, so history and alert state never disagree', async () => {
      const { store } = await openFresh();
      const bad = { id: 'inc', probeId: 'home', rule: 'down', openedAt: 1, resolvedAt: null, title: null as unknown as string, lastEvidence: '', notified: false };
      await expect(store.commit({ samples: [sample('home', 1)], incidents: [bad] })).rejects.toThrow();
      expect(await store.countSamples()).toBe(0);
    });

    it('tracks delivery: due entries, failed attempts with the next retry time, delivered entries and per-notifier errors', async () => {
      const { store } = await openFresh();
      const base = { incidentId: 'inc', kind: 'alert' as const, payload: {}, createdAt: 1, nextAttemptAt: 1 };
      await store.commit({ outbox: [{ ...base, id: 'x', dedupeKey: 'x', notifier: 'hook' }, { ...base, id: 'y', dedupeKey: 'y', notifier: 'mail' }] });
      await store.markAttemptFailed('y', 1, 5000, 'ECONNREFUSED 127.0.0.1:25', false);
      expect((await store.dueOutbox(100, 10)).map((o) => o.id)).toEqual(['x']);
      expect((await store.dueOutbox(5000, 10)).map((o) => o.id)).toEqual(['x', 'y']);
      await store.markDelivered('x', 200);
      await store.markAttemptFailed('y', 5, 9000, 'gave up', true);
      const stats = await store.outboxStats();
      expect(stats).toMatchObject({ pending: 0, delivered: 1, failed: 1, retrying: 0 });
      expect(stats.lastErrors).toEqual([expect.objectContaining({ notifier: 'mail', error: 'gave up' })]);
      expect(await store.dueOutbox(10_000, 10)).toEqual([]);
    });

    it('updates an incident in place when it resolves', async () => {
      const { store } = await openFresh();
      const inc = { id: 'inc', probeId: 'home', rule: 'down', openedAt: 1, resolvedAt: null, title: 'down', lastEvidence: 'HTTP 500', notified: true };
      await store.commit({ incidents: [inc] });
      await store.commit({ incidents: [{ ...inc, resolvedAt: 99 }] });
      expect(await store.openIncidents()).toEqual([]);
      expect((await store.listIncidents(10)).map((i) => [i.id, i.resolvedAt])).toEqual([['inc', 99]]);
    });

    it('down-samples raw history older than the raw window into hourly roll-ups and keeps recent samples raw', async () => {
      const { store } = await openFresh();
      const now = 100 * HOUR;
      const old: ProbeSample[] = [];
      // Hour 10: 20 samples, latencies 1..20 ms, two failures.
      for (let i = 1; i <= 20; i++) old.push(sample('home', 10 * HOUR + i * 1000, i % 10 !== 0, i));
      const recent = [sample('home', now - 1000), sample('home', now - 500)];
      await store.commit({ samples: [...old, ...recent] });
      const policy = { ...DEFAULT_RETENTION, rawMs: 48 * HOUR, rollupMs: 1000 * HOUR, bucketMs: HOUR };
      const r1 = await store.compact(policy, now);
      expect(r1.rolledUp).toBe(20);
      expect(await store.countSamples('home')).toBe(2);
      const rollups = await store.rollupsBetween('home', 0, now);
      expect(rollups).toEqual([{ probeId: 'home', bucketStart: 10 * HOUR, bucketMs: HOUR, count: 20, failures: 2, latencySum: 210, latencyMax: 20, latencyP95: 19 }]);
      // Idempotent: nothing more to roll up.
      expect((await store.compact(policy, now)).rolledUp).toBe(0);
      expect((await store.rollupsBetween('home', 0, now))[0]!.count).toBe(20);
      // A late sample in the same bucket merges into it.
      await store.commit({ samples: [sample('home', 10 * HOUR + 50_000, false, 99)] });
      await store.compact(policy, now);
      expect((await store.rollupsBetween('home', 0, now))[0]).toMatchObject({ count: 21, failures: 3, latencyMax: 99 });
      // Roll-ups age out after rollupMs.
      await store.compact({ ...policy, rollupMs: 10 * HOUR }, now);
      expect(await store.rollupsBetween('home', 0, now)).toEqual([]);
    });

    it('keeps DNS/mail baselines by key and clears them by prefix', async () => {
      const { store } = await openFresh();
      await store.setBaseline('dns:example.com', { A: ['192.0.2.1'] }, 10);
      await store.setBaseline('dns:example.com', { A: ['192.0.2.2'] }, 20);
      await store.setBaseline('mail:example.com', { spf: 'v=spf1 -all' }, 30);
      expect(await store.getBaseline('dns:example.com')).toEqual({ value: { A: ['192.0.2.2'] }, recordedAt: 20 });
      expect(await store.clearBaselines('dns:')).toBe(1);
      expect(await store.getBaseline('dns:example.com')).toBeUndefined();
      expect(await store.getBaseline('mail:example.com')).toBeDefined();
    });

    it('keeps audit history for the dashboard: save, list per target newest first, fetch the full report and its findings', async () => {
      const { store } = await openFresh();
      const r1 = report('https://a.test', '2026-11-20T10:00:00.000Z', 'not-ready', [
        { id: 'f1', severity: 'high', status: 'fail' },
        { id: 'f2', severity: 'low', status: 'pass' },
      ]);
      const r2 = report('https://a.test', '2026-11-21T10:00:00.000Z', 'ready', [{ id: 'f2', severity: 'low', status: 'pass' }]);
      const r3 = report('https://b.test', '2026-11-22T10:00:00.000Z', 'incomplete', []);
      const id1 = await store.saveAudit(r1);
      const id2 = await store.saveAudit(r2);
      await store.saveAudit(r3);
      const listed = await store.listAudits('https://a.test');
      expect(listed.map((a) => [a.id, a.verdict, a.startedAt])).toEqual([
        [id2, 'ready', '2026-11-21T10:00:00.000Z'],
        [id1, 'not-ready', '2026-11-20T10:00:00.000Z'],
      ]);
      expect(listed[1]!.failing).toEqual({ high: 1 });
      expect((await store.listAudits()).length).toBe(3);
      const got = await store.getAudit(id1);
      expect(got?.report).toEqual(r1);
      expect(got?.score).toBe(90);
      expect((await store.auditFindings(id1)).map((f) => [f.findingId, f.status])).toEqual([
        ['f1', 'fail'],
        ['f2', 'pass'],
      ]);
      expect(await store.getAudit('missing')).toBeUndefined();
    });
  });
}
