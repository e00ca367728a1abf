// Runs with the e2e audits (one file at a time): the super-linear validator case times answers, and
// another test file running beside it on a 2-core machine blurs the growth it must see.
import { afterEach, describe, expect, it } from 'vitest';
import { bruteForceThrottling } from '../../src/checks/rate-limiting/brute-force.js';
import { denialOfService } from '../../src/checks/input-validation/denial-of-service.js';
import { invalidPayloads } from '../../src/checks/input-validation/invalid-payloads.js';
import { pathQueryInjection } from '../../src/checks/input-validation/path-query-injection.js';
import { verdictOf } from '../../src/model/report.js';
import { startFragile, type Fragile } from '../abuse/fixtures/fragile-api.js';
import { failing, problems, runAbuse } from '../abuse/run.js';

/**
 * The target health guard against real servers that hang and crash (each in its own child process
 * under a supervisor, so a hang cannot block the test runner): the run ends in bounded time with a
 * denial-of-service finding that names the request, and an incomplete verdict when the target stays
 * down; a run that finds no DoS leaves the server alive.
 */
const HEALTH = { recheckDelaysMs: [200, 500, 1000], probeTimeoutMs: 1000 };
const ABUSE = { burstSize: 8, fuzzRequestTimeoutMs: 1500 };
const checks = [bruteForceThrottling, pathQueryInjection, invalidPayloads, denialOfService];

let servers: Fragile[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function fragile(opts: Parameters<typeof startFragile>[0]): Promise<Fragile> {
  const s = await startFragile(opts);
  servers.push(s);
  return s;
}
// --allow-writes: the fixture is the tester's own staging app, so every payload may be sent to every route.
const configOf = (s: Fragile) => ({ target: s.url, api: { openapi: `${s.url}/openapi.json` }, endpoints: { login: 'POST /api/login', health: 'GET /health' } });

describe('a server that hangs for good on a long email (catastrophic regex)', () => {
  it('stops the run in bounded time: DoS finding with the request and a reproduction, verdict incomplete, the bursts already judged', async () => {
    const s = await fragile({ flaws: ['hang'] });
    const run = await runAbuse(configOf(s), { checks, abuse: ABUSE, healthSettings: HEALTH, allowWrites: true });
    expect(run.wallMs).toBeLessThan(40_000);
    const dos = failing(run, 'input-validation/denial-of-service');
    expect(dos).toHaveLength(1);
    expect(dos[0]!.severity).toBe('high');
    expect(dos[0]!.title).toMatch(/^POST \/api\/subscribe took the app down for good: the target stopped answering after request \d+ \(POST \/api\/subscribe\)/);
    // The exact request (a 1 KiB email: the escalation never reached 64 KiB) and a runnable reproduction.
    expect(dos[0]!.evidence.reproduce).toContain('"A".repeat(1024)');
    expect(dos[0]!.evidence.reproduce).toMatch(/^curl -i -X POST .*--data-binary "\$\(node -e /);
    expect(run.incomplete.join('\n')).toMatch(/the target stopped answering after request \d+ \(POST \/api\/subscribe\)/);
    // The DoS finding is high: with the default --fail-on it is NOT READY (a known blocker), and the
    // run is listed incomplete either way; below the DoS's severity the verdict is incomplete.
    expect(verdictOf(run.findings, 'high', run.incomplete)).toBe('not-ready');
    expect(verdictOf(run.findings, 'critical', run.incomplete)).toBe('incomplete');
    // Order by harm: the login bursts ran (and passed) before the fuzzer took the server down.
    expect(run.findings.filter((f) => f.check === 'rate-limiting/brute-force').map((f) => f.status)).toContain('pass');
    // Nothing after the outage is a pass.
    expect(run.findings.filter((f) => f.check === 'input-validation/invalid-payloads').map((f) => f.status)).not.toContain('pass');
    expect(await s.alive(500)).toBe(false);
  }, 60_000);
});

describe('a server whose validator is quadratic in the input length', () => {
  // The fixture's answer time is a timer ((n / 1 KiB)² × 8 ms), so the signal (8 ms → 512 ms) does
  // not depend on the machine's speed or load; a one-off slow answer is measured again by the fuzzer.
  it('is a finding from the size escalation, stopped before 64 KiB, and the server is left alive', async () => {
    const s = await fragile({ flaws: ['slow'] });
    // A generous request deadline: the 8 KiB step takes half a second.
    const run = await runAbuse(configOf(s), { checks, abuse: { ...ABUSE, fuzzRequestTimeoutMs: 5000 }, healthSettings: HEALTH, allowWrites: true, timeoutMs: 8000 });
    const slow = failing(run, 'input-validation/invalid-payloads', /POST \/api\/tags answers slower the longer "text" is/);
    expect(slow).toHaveLength(1);
    expect(slow[0]!.title).toMatch(/1,024 characters → \d+ ms, 8,192 characters → \d+ ms/);
    expect(slow[0]!.title).not.toMatch(/65,536/);
    expect(slow[0]!.evidence.notes!.join('\n')).toMatch(/stopped growing huge-string:text at 8,192 characters/);
    expect(failing(run, 'input-validation/denial-of-service')).toEqual([]);
    expect(run.incomplete).toEqual([]);
    expect(await s.alive()).toBe(true);
    expect(s.exits()).toBe(0);
  }, 60_000);
});

describe('a server that crashes on a malformed body', () => {
  it('restarted by its supervisor: a DoS finding per payload kind that crashed it, each kind sent once, the run goes on', async () => {
    const s = await fragile({ flaws: ['crash'], maxRestarts: 10, restartDelayMs: 300 });
    const run = await runAbuse(configOf(s), { checks, abuse: ABUSE, healthSettings: HEALTH, allowWrites: true });
    const dos = failing(run, 'input-validation/denial-of-service');
    expect(dos.length).toBeGreaterThanOrEqual(2);
    // The parameter-less GET crashed it (found by the injection probes, which run before the fuzzer) …
    const search = dos.filter((f) => f.title.startsWith('GET '));
    expect(search).toHaveLength(1);
    expect(search[0]!.title).toMatch(/^GET \/api\/notes\/search took the app down: the target stopped answering normally for [\d.]+ s after request \d+ \(GET \/api\/notes\/search\), then recovered/);
    // Without q, or with q[$ne]=… (which leaves ?q= unset for a handler that reads it as a string).
    expect(search[0]!.evidence.reproduce).toMatch(/^curl -i -X GET .*\/api\/notes\/search(?:\?q%5B%24ne%5D=\w+)?'$/);
    // … and so did each malformed body kind (invalid JSON, XML, multipart, deep nesting).
    for (const f of dos.filter((x) => !x.title.startsWith('GET '))) expect(f.title).toMatch(/^POST \/api\/notes took the app down: the target stopped answering normally for [\d.]+ s after request \d+ \(POST \/api\/notes\), then recovered/);
    // Each kind crashed it once and was not sent again.
    expect(s.exits()).toBe(dos.length);
    expect(s.exits()).toBeLessThanOrEqual(5);
    expect(run.incomplete).toEqual([]);
    expect(await s.alive()).toBe(true);
  }, 60_000);

  it('not restarted: the run stops, the verdict is incomplete, and the DoS finding says so', async () => {
    const s = await fragile({ flaws: ['crash'], maxRestarts: 0 });
    const run = await runAbuse(configOf(s), { checks, abuse: ABUSE, healthSettings: HEALTH, allowWrites: true });
    expect(run.wallMs).toBeLessThan(40_000);
    const dos = failing(run, 'input-validation/denial-of-service');
    expect(dos).toHaveLength(1);
    // The first probe that crashed it: the parameter-less search (the injection probes run before the body fuzzer).
    expect(dos[0]!.title).toMatch(/GET \/api\/notes\/search took the app down for good/);
    expect(run.incomplete.join('\n')).toMatch(/the target stopped answering after request \d+ \(GET \/api\/notes\/search\)/);
    expect(run.findings.filter((f) => f.check === 'input-validation/invalid-payloads').map((f) => f.status)).toEqual(['error']);
    expect(s.events.some((e) => e.event === 'gave-up')).toBe(true);
  }, 60_000);
});

describe('the correct build (control)', () => {
  it('gives no DoS or fuzz finding, and the server is alive and never restarted after the run', async () => {
    const s = await fragile({ flaws: [] });
    const run = await runAbuse(configOf(s), { checks, abuse: ABUSE, healthSettings: HEALTH, allowWrites: true });
    expect(problems(run)).toEqual([]);
    expect(run.findings.find((f) => f.check === 'input-validation/denial-of-service')?.status).toBe('pass');
    expect(run.incomplete).toEqual([]);
    expect(await s.alive()).toBe(true);
    expect(s.exits()).toBe(0);
  }, 60_000);
});
