import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { sleep, startReceiver, startTarget, tempDir, waitFor, writeConfig } from './helpers.js';

/**
 * The monitor in a child process, killed with SIGKILL mid-run: every write it acknowledged is in
 * the store afterwards, and the restarted monitor neither repeats an alert nor loses one.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/monitor-child.ts', import.meta.url));
const INTERVAL = 150;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function spawnMonitor(config: string): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, config], {
    cwd: ROOT,
    env: { ...process.env, LAUNCHREADY_LOOPBACK_ONLY: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const line = await waitFor(() => out.split('\n').find((l) => l.startsWith('{')), 20_000, `the monitor child to start (stderr: ${err})`, 50);
  return { child, url: (JSON.parse(line) as { url: string }).url, stderr: () => err };
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

function config(target: string, hook: string, db: string): string {
  // Several probes on one target keep the store busy, so the kill lands in the middle of writes.
  const probes = ['a', 'b', 'c', 'd']
    .map((n) => `    - { name: ${n}, url: "/${n}", conditions: ["[STATUS] == 200"] }`)
    .join('\n');
  return `
target: ${target}
monitor:
  interval: ${INTERVAL}ms
  jitter: 0
  timeout: 1s
  retries: 0
  defaults: false
  store: ${db}
  alerts: { failureThreshold: 3, successThreshold: 2, errorRate: false, latency: false }
  probes:
${probes}
  notifiers:
    - { kind: webhook, name: hook, url: "${hook}/alerts", backoff: 50ms, maxBackoff: 100ms, attempts: 20 }
`;
}

const eventsOf = (received: Array<{ json: Record<string, unknown> }>): string[] =>
  received.map((r) => `${String(r.json['event'])}:${String(r.json['probe'])}`).sort();

describe('monitor survives kill -9', () => {
  it('loses no acknowledged history and sends no duplicate alert after a SIGKILL mid-run', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const target = await startTarget();
    const hook = await startReceiver();
    cleanups.push(() => target.close(), () => hook.close());
    const db = join(tmp.dir, 'monitor.db');
    const file = writeConfig(tmp.dir, config(target.url, hook.url, db));

    const a = await spawnMonitor(file);
    await sleep(3 * INTERVAL);
    target.setDown(true);
    await waitFor(() => hook.received.length === 4, 8000, 'one alert per probe');
    await sleep(2 * INTERVAL);
    // What the process has acknowledged (committed) right before it dies.
    const status = (await (await fetch(`${a.url}/status.json`)).json()) as { store: { committedSamples: number } };
    await kill9(a.child);
    const store = await openStore(db);
    const stored = await store.countSamples();
    await store.close();
    expect(stored).toBeGreaterThanOrEqual(status.store.committedSamples);
    expect(status.store.committedSamples).toBeGreaterThan(10);

    const b = await spawnMonitor(file);
    await sleep(6 * INTERVAL);
    expect(eventsOf(hook.received)).toEqual(['alert:a', 'alert:b', 'alert:c', 'alert:d']);
    target.setDown(false);
    await waitFor(() => hook.received.length === 8, 8000, 'one recovery per probe');
    // Delivery is at-least-once: between the receiver's 2xx and the commit that records it there is
    // a window of a few milliseconds in which a kill means one repeat (with the same delivery id, so
    // receivers can drop it). Wait until the deliveries are recorded, then kill mid-run again.
    const view = await openStore(db);
    await waitFor(async () => (await view.outboxStats()).delivered === 8, 5000, 'deliveries recorded', 10);
    await view.close();
    await kill9(b.child);
    const c = await spawnMonitor(file);
    await sleep(5 * INTERVAL);
    expect(eventsOf(hook.received)).toEqual(['alert:a', 'alert:b', 'alert:c', 'alert:d', 'recovery:a', 'recovery:b', 'recovery:c', 'recovery:d']);
    const ids = hook.received.map((r) => r.headers['x-launchready-delivery']);
    expect(new Set(ids).size).toBe(8);
    await kill9(c.child);
    const after = await openStore(db);
    expect(await after.countSamples()).toBeGreaterThan(stored);
    expect((await after.listIncidents(10)).every((i) => i.resolvedAt !== null)).toBe(true);
    await after.close();
  }, 60_000);

  it('an alert decided but not yet delivered when the process is killed is delivered once after the restart', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const target = await startTarget();
    const hook = await startReceiver();
    cleanups.push(() => target.close(), () => hook.close());
    const db = join(tmp.dir, 'monitor.db');
    const file = writeConfig(tmp.dir, config(target.url, hook.url, db));
    // The receiver is down: every delivery attempt fails, so the alerts sit in the outbox.
    hook.failNext(1_000_000);
    const a = await spawnMonitor(file);
    target.setDown(true);
    const store = await openStore(db);
    await waitFor(async () => (await store.listOutbox()).filter((o) => o.attempts > 0).length === 4, 8000, 'four alerts queued and failing', 50);
    await store.close();
    await kill9(a.child);
    hook.failNext(0);
    await spawnMonitor(file);
    await waitFor(() => hook.received.length === 4, 8000, 'the queued alerts');
    await sleep(6 * INTERVAL);
    expect(eventsOf(hook.received)).toEqual(['alert:a', 'alert:b', 'alert:c', 'alert:d']);
  }, 60_000);
});
