import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile } from '../../src/config/load.js';
import { inMaintenance, resolveMonitorPlan } from '../../src/monitor/config.js';
import { MonitorSchema } from '../../src/monitor/schema.js';
import { tempDir, writeConfig } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function plan(yaml: string, opts: { allowShortIntervals?: boolean } = {}) {
  const file = writeConfig(tmp.dir, yaml, `c${Math.random().toString(36).slice(2)}.yml`);
  return resolveMonitorPlan(loadConfigFile(file, {}), opts);
}

function errorOf(yaml: string, opts: { allowShortIntervals?: boolean } = {}): ConfigError {
  try {
    plan(yaml, opts);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('monitor config', () => {
  it('derives the checklist probes from the audit config when monitor: says nothing', () => {
    const p = plan(`
target: https://app.example.com
pages: { login: /login }
endpoints: { health: /healthz }
domains: [example.com]
mail: { domain: example.com, dkimSelectors: [s1] }
identities:
  alice: { login: { kind: json, url: /api/login, json: { email: a@x.test, password: pw } }, verify: /api/me }
`);
    expect(p.probes.map((x) => [x.id, x.kind, x.intervalMs])).toEqual([
      ['homepage', 'http', 30_000],
      ['login-page', 'http', 30_000],
      ['health', 'http', 30_000],
      ['synthetic-login', 'login', 30_000],
      ['certificate', 'tls', 30_000],
      ['dns', 'dns', 30_000],
      ['mail-records', 'mail', 30_000],
    ]);
    expect(p.probes[0]!.describe).toBe('GET https://app.example.com/');
    expect(p.probes[3]!.describe).toBe('log in as alice and load /api/me');
    const homepage = p.probes[0]!;
    expect(homepage.alerts && homepage.alerts.failureThreshold).toBe(3);
    expect(homepage.alerts && homepage.alerts.latency).toEqual({ p95Ms: 500, windowMs: 300_000, minSamples: 5 });
    expect(p.probes[5]!.alerts && p.probes[5]!.alerts.failureThreshold).toBe(1);
    expect(p.probes[4]!.alerts && p.probes[4]!.alerts.certDays).toBe(21);
    expect(p.listen).toEqual({ host: '127.0.0.1', port: 9464 });
  });

  it('reads written probes (Gatus-style conditions, expect:, identities) and lets them replace a derived one by name', () => {
    const p = plan(`
target: http://127.0.0.1:8080
identities:
  alice: { login: { kind: bearer, token: t0k3n-value } }
monitor:
  interval: 1m
  alerts: { failureThreshold: 2, reAlertEvery: 30m }
  notifiers:
    - { kind: webhook, url: "http://127.0.0.1:9/hook", secret: abcdefgh12 }
  probes:
    - { name: homepage, url: /, conditions: ["[STATUS] == 200", "[BODY] contains Welcome"], interval: 10s }
    - { name: invoices, url: /api/invoices, identity: alice, expect: { status: [200, 204], json: { "/ok": true }, maxLatency: 800ms }, notify: [webhook] }
`);
    expect(p.probes.map((x) => x.id)).toEqual(['homepage', 'invoices']);
    expect(p.probes[0]!.intervalMs).toBe(10_000);
    expect(p.probes[0]!.conditions.map((c) => c.text)).toEqual(['[STATUS] == 200', '[BODY] contains Welcome']);
    expect(p.probes[1]!.conditions.map((c) => c.text)).toEqual(['[STATUS] == any(200, 204)', '[BODY]/ok == true', '[RESPONSE_TIME] < 800']);
    expect(p.probes[1]!.alerts && p.probes[1]!.alerts.failureThreshold).toBe(2);
    expect(p.probes[1]!.alerts && p.probes[1]!.alerts.reAlertEveryMs).toBe(1_800_000);
    expect(p.notifiers.map((n) => [n.name, n.retry.attempts])).toEqual([['webhook', 6]]);
  });

  it('refuses an interval under 5 s with file:line:col, unless a test allows it explicitly', () => {
    const yaml = `target: http://127.0.0.1:1\nmonitor:\n  probes:\n    - { name: fast, url: /, interval: 2s }\n`;
    const e = errorOf(yaml);
    expect(e.line).toBe(4);
    expect(e.problem).toMatch(/interval 2s is too short: the minimum is 5s/);
    expect(plan(yaml, { allowShortIntervals: true }).probes.find((x) => x.id === 'fast')!.intervalMs).toBe(2000);
    expect(errorOf(`target: http://127.0.0.1:1\nmonitor:\n  interval: 1s\n`).line).toBe(3);
  });

  it('locates schema errors in the monitor section: bad conditions, unknown keys, unknown identities, bad durations', () => {
    const cond = errorOf(`target: http://127.0.0.1:1\nmonitor:\n  probes:\n    - url: /\n      conditions:\n        - "[STATUS] == 200"\n        - "[RESPONSE_TIME] < fast"\n`);
    expect([cond.line, cond.problem]).toEqual([7, expect.stringMatching(/monitor.probes.0.conditions.1: .*expected a number or a duration/)]);
    const unknown = errorOf(`target: http://127.0.0.1:1\nmonitor:\n  intervall: 30s\n`);
    expect([unknown.line, unknown.col]).toEqual([3, 3]);
    expect(unknown.problem).toMatch(/unknown setting "intervall"/);
    const id = errorOf(`target: http://127.0.0.1:1\nmonitor:\n  probes:\n    - { kind: login, identity: mallory }\n`);
    expect(id.problem).toMatch(/identity "mallory" is not defined under identities/);
    expect(id.line).toBe(4);
    const dur = errorOf(`target: http://127.0.0.1:1\nmonitor:\n  timeout: soon\n`);
    expect([dur.line, dur.problem]).toEqual([3, expect.stringMatching(/expected a duration such as 30s/)]);
    const notify = errorOf(`target: http://127.0.0.1:1\nmonitor:\n  probes:\n    - { url: /, notify: [pager] }\n`);
    expect(notify.problem).toMatch(/no notifier named "pager"/);
  });

  it('has nothing to monitor without a target or probes, and says so', () => {
    expect(errorOf(`domains: []\n`).problem).toMatch(/nothing to monitor/);
  });

  it('parses its own output again unchanged (the root schema can embed MonitorSchema)', () => {
    const once = MonitorSchema.parse({ interval: '30s', jitter: '10%', alerts: { downAfter: '2m', latency: { p95: '400ms' } }, probes: [{ url: '/', timeout: '2s' }] });
    expect(MonitorSchema.parse(once)).toEqual(once);
    expect(once.interval).toBe(30_000);
    expect(once.probes![0]).toMatchObject({ kind: 'http', timeout: 2000 });
  });

  it('maintenance windows: one-off and weekly (UTC, across midnight), per probe', () => {
    const p = plan(`
target: http://127.0.0.1:1
monitor:
  maintenance:
    - { from: "2026-11-24T02:00:00Z", to: "2026-11-24T03:00:00Z" }
    - { days: [sun], start: "23:30", end: "00:30", probes: [homepage] }
`);
    expect(inMaintenance(p.maintenance, 'homepage', Date.parse('2026-11-24T02:30:00Z'))).toBe(true);
    expect(inMaintenance(p.maintenance, 'homepage', Date.parse('2026-11-24T03:00:00Z'))).toBe(false);
    // 2026-11-29 is a Sunday.
    expect(inMaintenance(p.maintenance, 'homepage', Date.parse('2026-11-29T23:45:00Z'))).toBe(true);
    expect(inMaintenance(p.maintenance, 'homepage', Date.parse('2026-11-30T00:15:00Z'))).toBe(true);
    expect(inMaintenance(p.maintenance, 'other', Date.parse('2026-11-30T00:15:00Z'))).toBe(false);
    expect(inMaintenance(p.maintenance, 'homepage', Date.parse('2026-11-30T00:45:00Z'))).toBe(false);
  });
});
