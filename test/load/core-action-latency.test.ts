import { describe, expect, it } from 'vitest';
import { coreActionLatency } from '../../src/checks/performance/core-action-latency.js';
import { ConfigSchema } from '../../src/config/schema.js';
import type { CheckContext } from '../../src/engine/context.js';
import type { RouteResult } from '../../src/load/generator.js';
import type { CoreActionLoad } from '../../src/load/gatherer.js';

/** Recorded evidence in, findings out: the judgement alone, no server (the check tester pattern). */
function route(name: string, p95: number, statuses: Record<string, number>, errors = 0): RouteResult {
  const count = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    name,
    method: 'GET',
    identities: ['alice'],
    latency: { p50: p95 / 2, p90: p95 * 0.9, p95, p99: p95, max: p95, count, errors, histogram: [[p95 <= 500 ? 500 : 750, count]] },
    meanMs: p95 / 2,
    statusCounts: statuses,
    errorSamples: [],
  };
}

function evidence(routes: RouteResult[]): CoreActionLoad {
  return {
    plan: { model: 'open', rate: 20, durationMs: 5000, warmupMs: 1000, actions: routes.length, identities: ['alice'] },
    result: {
      model: 'open',
      rate: 20,
      connections: 8,
      startedAt: '2026-11-23T00:00:00.000Z',
      warmupMs: 1000,
      measuredMs: 5000,
      sent: 120,
      measured: 100,
      errors: 0,
      throughput: 20,
      bytes: 0,
      overall: { p50: 1, p90: 1, p95: 1, p99: 1, max: 1, count: 100, errors: 0, meanMs: 1 },
      routes: Object.fromEntries(routes.map((r) => [r.name, r])),
      stoppedBy: 'duration',
      notes: [],
    },
    skipped: [{ route: 'GET /api/invoices/{id}', reason: 'has path parameters' }],
    notes: [],
  };
}

const ctx = (p95Ms = 500): CheckContext =>
  ({ config: ConfigSchema.parse({ target: 'http://127.0.0.1:1', thresholds: { p95Ms } }), target: { baseUrl: new URL('http://127.0.0.1:1'), isDevelopment: true }, options: { allowWrites: false, seed: 1 }, now: new Date(), evidence: { exchange: () => ({}) } }) as CheckContext;

describe('performance/core-action-p95 judgement', () => {
  it('fails an action whose p95 is over the threshold (high when over four times it) and passes the others', async () => {
    const out = await coreActionLatency.run({ load: evidence([route('GET /a', 120, { 200: 50 }), route('GET /b', 700, { 200: 50 }), route('GET /c', 2600, { 200: 50 })]) }, ctx());
    expect(out.map((f) => [f.location.url, f.status, f.severity])).toEqual([
      ['http://127.0.0.1:1/a', 'pass', undefined],
      ['http://127.0.0.1:1/b', 'fail', 'medium'],
      ['http://127.0.0.1:1/c', 'fail', 'high'],
    ]);
    expect(out[1]!.evidence?.notes).toEqual(expect.arrayContaining(['not loaded: GET /api/invoices/{id} — has path parameters']));
  });

  it('uses thresholds.p95Ms from the config', async () => {
    const out = await coreActionLatency.run({ load: evidence([route('GET /a', 120, { 200: 50 })]) }, ctx(100));
    expect(out[0]!.status).toBe('fail');
  });

  it('does not judge the speed of an action that mostly failed, and warns about errors under load', async () => {
    const out = await coreActionLatency.run({ load: evidence([route('GET /admin', 3, { 403: 50 }, 50), route('GET /flaky', 40, { 200: 45, 503: 5 }, 5)]) }, ctx());
    expect(out.map((f) => [f.location.url, f.status])).toEqual([
      ['http://127.0.0.1:1/admin', 'warn'],
      ['http://127.0.0.1:1/flaky', 'pass'],
      ['http://127.0.0.1:1/flaky', 'warn'],
    ]);
    expect(out[0]!.title).toMatch(/failed 100% of requests under load \(403 ×50\)/);
  });
});
