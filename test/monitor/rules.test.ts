import { describe, expect, it } from 'vitest';
import type { AlertPolicy } from '../../src/monitor/config.js';
import { errorRateOutcome, initialRuleState, latencyOutcome, stepRule, type HistoryPoint, type RuleState } from '../../src/monitor/rules.js';

const policy: AlertPolicy = {
  failureThreshold: 3,
  failureWindow: 3,
  downAfterMs: 0,
  successThreshold: 2,
  reAlertEveryMs: 10_000,
  maxReAlerts: 2,
  errorRate: { windowMs: 300_000, baselineMs: 3_600_000, factor: 3, minErrors: 3, minRate: 0.2, statuses: ['5xx', 401, 403] },
  latency: { p95Ms: 500, windowMs: 300_000, minSamples: 5 },
  certDays: 21,
};

/** Feeds outcomes (true = bad) one second apart; returns the event types per step. */
function run(outcomes: boolean[], p: AlertPolicy = policy, opts: { maintenanceUntil?: number; suppress?: boolean } = {}): { events: string[][]; state: RuleState } {
  let state = initialRuleState();
  const events: string[][] = [];
  outcomes.forEach((bad, i) => {
    const now = 1_000_000 + i * 1000;
    const r = stepRule('app', 'down', state, { bad, message: bad ? 'HTTP 503' : 'HTTP 200', evidence: '' }, p, now, { inMaintenance: now < (opts.maintenanceUntil ?? 0), suppressOpen: opts.suppress ?? false });
    state = r.state;
    events.push(r.events.map((e) => e.type));
  });
  return { events, state };
}

const flat = (e: string[][]): string[] => e.flat();

describe('alert rules', () => {
  it('fires after the failure threshold of consecutive failures: open + alert once', () => {
    const { events, state } = run([false, true, true, true, true, true]);
    expect(events).toEqual([[], [], [], ['open', 'alert'], [], []]);
    expect(state.status).toBe('firing');
    expect(state.since).toBe(1_001_000);
  });

  it('does not fire on a flap inside the threshold', () => {
    expect(flat(run([true, false, true, false, true, true, false]).events)).toEqual([]);
  });

  it('N of M: 3 failures among the last 5 fire even when not consecutive', () => {
    expect(flat(run([true, false, true, false, true], { ...policy, failureWindow: 5 }).events)).toEqual(['open', 'alert']);
  });

  it('down after T: fires when failing continuously for downAfter, even below the count', () => {
    const p = { ...policy, failureThreshold: 100, failureWindow: 100, downAfterMs: 2500 };
    expect(run([true, true, true, true], p).events).toEqual([[], [], [], ['open', 'alert']]);
  });

  it('recovers after the success threshold with one recovery notice, and closes the incident', () => {
    const { events, state } = run([true, true, true, false, true, false, false, false]);
    expect(flat(events)).toEqual(['open', 'alert', 'resolve', 'recovery']);
    expect(events[7]).toEqual([]);
    expect(state.status).toBe('ok');
    expect(state.incidentId).toBeNull();
  });

  it('re-alerts at most maxReAlerts times while still failing', () => {
    const outcomes = Array.from({ length: 60 }, () => true);
    expect(flat(run(outcomes).events)).toEqual(['open', 'alert', 'reminder', 'reminder']);
  });

  it('holds the alert during maintenance, sends it when the window ends if still failing', () => {
    const { events } = run([true, true, true, true, true, true], policy, { maintenanceUntil: 1_004_500 });
    expect(events).toEqual([[], [], ['open'], [], [], ['alert']]);
  });

  it('closes silently (no recovery) when the outage ended inside maintenance', () => {
    expect(flat(run([true, true, true, false, false], policy, { maintenanceUntil: 2_000_000 }).events)).toEqual(['open', 'resolve']);
  });

  it('opens nothing while another rule speaks for the outage', () => {
    expect(flat(run([true, true, true, true], policy, { suppress: true }).events)).toEqual([]);
  });

  it('not enough data leaves the state untouched', () => {
    const s = initialRuleState();
    expect(stepRule('app', 'latency', s, { bad: undefined, message: '', evidence: '' }, policy, 1, { inMaintenance: false, suppressOpen: false }).state).toBe(s);
  });
});

describe('window rules', () => {
  const now = 10_000_000;
  const point = (agoMs: number, status: number | null, latencyMs: number | null = 50): HistoryPoint => ({ at: now - agoMs, ok: status !== null && status < 400, httpStatus: status, latencyMs });
  const er = policy.errorRate as Exclude<AlertPolicy['errorRate'], false>;
  const lat = policy.latency as Exclude<AlertPolicy['latency'], false>;

  it('error-rate spike: 5xx/401/403 well above the baseline hour', () => {
    const baseline = Array.from({ length: 50 }, (_, i) => point(400_000 + i * 10_000, i === 0 ? 500 : 200));
    const recent = [point(10_000, 500), point(20_000, 401), point(30_000, 403), point(40_000, 200), point(50_000, 200)];
    const o = errorRateOutcome([...baseline, ...recent], er, now);
    expect(o.bad).toBe(true);
    expect(o.message).toMatch(/3 of 5 responses in the last 5m were errors \(60%: 1× 500, 1× 401, 1× 403\); baseline 2%/);
  });

  it('no spike when the error share matches the baseline, or when too few errors', () => {
    const steady = Array.from({ length: 60 }, (_, i) => point(i * 60_000, i % 2 ? 500 : 200));
    expect(errorRateOutcome(steady, er, now).bad).toBe(false);
    expect(errorRateOutcome([point(1000, 500), point(2000, 500)], er, now).bad).toBe(false);
  });

  it('leaves out samples the down rule already alerted on', () => {
    const covered = [1, 2, 3, 4].map((i) => ({ ...point(i * 1000, 503), covered: true }));
    expect(errorRateOutcome([...covered, point(100, 200)], er, now).bad).toBe(false);
  });

  it('p95 latency over the window above the threshold', () => {
    const fast = Array.from({ length: 20 }, (_, i) => point(i * 1000, 200, 100));
    expect(latencyOutcome(fast, lat, now).bad).toBe(false);
    const slow = [...fast.slice(0, 18), point(500, 200, 900), point(600, 200, 950)];
    const o = latencyOutcome(slow, lat, now);
    expect(o.bad).toBe(true);
    expect(o.message).toContain('p95 latency 900 ms');
    expect(latencyOutcome(fast.slice(0, 3), lat, now).bad).toBeUndefined();
  });
});
