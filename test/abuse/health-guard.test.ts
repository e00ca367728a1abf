import { describe, expect, it } from 'vitest';
import { escalationHalt, looksSuperLinear, type FuzzAttempt } from '../../src/abuse/fuzz.js';
import { superLinear } from '../../src/checks/input-validation/invalid-payloads.js';
import { symptomOf, TargetDown, TargetHealth, type ProbeResult } from '../../src/net/target-health.js';
import { exchange } from '../helpers.js';

/** The guard's decisions with a scripted baseline (no server, no waiting). */
const noWait = async (): Promise<void> => undefined;
const ok = (ms = 5): ProbeResult => ({ answered: true, status: 200, ms });
const dead: ProbeResult = { answered: false, ms: 1000, code: 'TIMEOUT' };
function guard(script: ProbeResult[]): { h: TargetHealth; probes: () => number } {
  let i = 0;
  const h = new TargetHealth('http://127.0.0.1:1', new URL('http://127.0.0.1:1/health'), async () => script[Math.min(i++, script.length - 1)]!, { recheckDelaysMs: [1, 1, 1], calibrationSamples: 2 }, noWait);
  return { h, probes: () => i };
}
const failed = (code: string, seq = 0): ReturnType<typeof exchange> => ({ ...exchange({ method: 'POST', url: 'http://127.0.0.1:1/api/x' }), response: undefined, error: { code, message: code }, seq } as never);

describe('the target health guard', () => {
  it('classifies symptoms: timeouts, refusals, drops, gateway errors and latency jumps; a 404 is none', () => {
    expect(symptomOf(failed('TIMEOUT'), undefined)?.symptom).toBe('timeout');
    expect(symptomOf(failed('ECONNREFUSED'), undefined)?.symptom).toBe('refused');
    expect(symptomOf(failed('UND_ERR_SOCKET'), undefined)?.symptom).toBe('reset');
    expect(symptomOf(exchange({ status: 503 }), undefined)?.symptom).toBe('unavailable');
    expect(symptomOf({ ...exchange({ status: 200 }), timing: { startedAt: 0, ttfbMs: 900, totalMs: 2000 } }, 1005)?.symptom).toBe('latency');
    expect(symptomOf(exchange({ status: 404 }), 1005)).toBeUndefined();
  });

  it('a slow or failed request with a healthy baseline right after is the request\'s own problem: no event', async () => {
    const { h, probes } = guard([ok(), ok(), ok()]);
    await h.calibrate();
    const r = await h.observe(failed('TIMEOUT', 7), 7);
    expect(r).toEqual({ symptom: 'timeout', targetHealthy: true });
    expect(h.events).toEqual([]);
    expect(probes()).toBe(3);
  });

  it('a baseline that fails after a request and comes back is a recovered event naming that request', async () => {
    const { h } = guard([ok(), ok(), dead, dead, ok()]);
    await h.calibrate();
    await h.observe(exchange({ status: 200 }), 4);
    const r = await h.observe(failed('UND_ERR_SOCKET', 5), 5, 'input-validation');
    expect(r?.event?.recovered).toBe(true);
    expect(r?.event?.afterRequest).toBe(5);
    expect(h.events).toHaveLength(1);
    expect(h.down).toBeUndefined();
    await expect(h.gate()).resolves.toBeUndefined();
  });

  it('a refused connection blames the request before it; a target that stays down stops all traffic', async () => {
    const { h } = guard([ok(), ok(), dead]);
    await h.calibrate();
    const good = { ...exchange({ method: 'POST', url: 'http://127.0.0.1:1/api/crash', status: 200 }), seq: 11 };
    await h.observe(good, 11);
    const r = await h.observe(failed('ECONNREFUSED', 12), 12);
    expect(r?.event?.recovered).toBe(false);
    expect(h.down?.afterRequest).toBe(11);
    expect(h.down?.suspect.request.url).toBe('http://127.0.0.1:1/api/crash');
    expect(h.signal.aborted).toBe(true);
    await expect(h.gate()).rejects.toBeInstanceOf(TargetDown);
  });

  it('stops waiting when the run ends: the outage is reported as seen, the target is not called down', async () => {
    const { h } = guard([ok(), ok(), dead, dead, dead, dead, dead]);
    await h.calibrate();
    const ended = new AbortController();
    ended.abort();
    h.stopOn(ended.signal);
    const r = await h.observe(failed('TIMEOUT', 3), 3);
    expect(r?.event?.interrupted).toBe(true);
    expect(h.down).toBeUndefined();
  });

  it('has no opinion about a target that never answered (the start-of-run checks report that)', async () => {
    const { h } = guard([dead]);
    await h.calibrate();
    expect(h.baseline).toBeUndefined();
    expect(await h.observe(failed('ECONNREFUSED', 1), 1)).toBeUndefined();
    expect(h.events).toEqual([]);
  });
});

describe('size escalation', () => {
  const answered = (ms: number) => ({ ...exchange({ status: 400 }), timing: { startedAt: 0, ttfbMs: ms, totalMs: ms } });
  it('goes on while answers stay near the route\'s ordinary ones, stops on a slow, super-linear or missing answer', () => {
    expect(escalationHalt(answered(4), 1024, undefined, [3, 3, 4])).toBeUndefined();
    expect(escalationHalt(answered(9), 8192, { length: 1024, ms: 4 }, [3, 3, 4])).toBeUndefined();
    expect(escalationHalt(answered(300), 8192, { length: 1024, ms: 4 }, [3, 3, 4])).toMatch(/took 300 ms at 8,192 characters/);
    expect(escalationHalt(failed('TIMEOUT'), 1024, undefined, [3])).toMatch(/no answer at 1,024 characters/);
  });

  const attempt = (ms: number, length?: number, repeat = false): FuzzAttempt => ({
    route: 'POST /login',
    case: { payload: length ? `huge-${length}` : 'number', label: 'x', field: 'username', mustReject: true, contentType: 'application/json', bodyBytes: length ?? 10, ...(length ? { escalation: { family: 'huge', step: length === 1024 ? 0 : length === 8192 ? 1 : 2, length } } : {}), ...(repeat ? { repeat: true } : {}) },
    exchange: answered(ms),
    owned: true,
  });
  it('calls an answer time super-linear only when it grew 1.5× faster than the input and by 100 ms', () => {
    expect(looksSuperLinear({ length: 1024, ms: 6 }, { length: 8192, ms: 135 }, 13)).toBe(true);
    expect(looksSuperLinear({ length: 1024, ms: 6 }, { length: 8192, ms: 90 }, 13)).toBe(false); // under 100 ms above ordinary
    expect(looksSuperLinear({ length: 1024, ms: 113 }, { length: 8192, ms: 813 }, 13)).toBe(false); // linear: 100 → 800 ms
  });
  it('one slow answer that a second measurement does not repeat is noise, not a finding; a repeated one is', () => {
    const ordinary = [attempt(13), attempt(12), attempt(14)];
    // The dashboard's own login on a busy machine: 8 KiB took 135 ms once, 9 ms when sent again.
    const noise = [...ordinary, attempt(6, 1024), attempt(135, 8192), attempt(7, 1024, true), attempt(9, 8192, true)];
    expect(superLinear(noise)).toEqual([]);
    // A quadratic validator: slow both times.
    const real = [...ordinary, attempt(20, 1024), attempt(900, 8192), attempt(18, 1024, true), attempt(870, 8192, true)];
    const found = superLinear(real);
    expect(found).toHaveLength(1);
    expect(found[0]!.words).toMatch(/8,192 characters \(again\) → 870 ms/);
    // Not measured again (the request bound ran out): the single measurement still counts.
    expect(superLinear([...ordinary, attempt(6, 1024), attempt(400, 8192)])).toHaveLength(1);
  });
});

describe('the injection differentials', () => {
  const ans = (value: string, status: number, body: string) => ({ value, exchange: exchange({ status, body, headers: { 'content-type': 'application/json' } }) });
  const base = 'lamp';
  const T = `${base}' AND 1=1 AND '1' LIKE '1`;
  const T2 = `${base}' AND 2=2 AND '1' LIKE '1`;
  const F = `${base}' AND 1=2 AND '1' LIKE '1`;
  it('a server that echoes the value and finds nothing for any of them is not injectable', async () => {
    const { booleanDifferential } = await import('../../src/checks/input-validation/path-query-injection.js');
    const echo = (v: string) => ans(v, 200, JSON.stringify({ q: v, results: v === base ? [{ id: 1, name: 'Brass lamp' }] : [] }));
    expect(booleanDifferential({ base: echo(base), absent: echo('lrx1'), true: echo(T), true2: echo(T2), false: echo(F) }, '')).toBe(false);
  });
  it('a true pair that answers like the base value while the false one does not is', async () => {
    const { booleanDifferential } = await import('../../src/checks/input-validation/path-query-injection.js');
    const hit = (v: string) => ans(v, 200, JSON.stringify({ results: [{ id: 1, name: 'Brass lamp' }] }));
    const none = (v: string) => ans(v, 200, JSON.stringify({ results: [] }));
    expect(booleanDifferential({ base: hit(base), absent: none('lrx1'), true: hit(T), true2: hit(T2), false: none(F) }, '')).toBe(true);
    // The control pair disagreeing (noise) is no proof.
    expect(booleanDifferential({ base: hit(base), absent: none('lrx1'), true: hit(T), true2: none(T2), false: none(F) }, '')).toBe(false);
  });
});
