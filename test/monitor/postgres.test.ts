import { afterEach, describe, expect, it } from 'vitest';
import { runMonitor } from '../../src/cli/commands/monitor.js';
import { PG_URL, postgresBackend, warnPostgresSkipped } from '../store/backends.js';
import { memoryLogger, sleep, startReceiver, startTarget, tempDir, waitFor, writeConfig } from './helpers.js';

/**
 * The monitor on PostgreSQL (teams): the same alert-once, restart, recover-once behaviour as on
 * SQLite. Runs when LAUNCHREADY_TEST_PG_URL is set (test/store/start-postgres.sh), skipped loudly otherwise.
 */

const INTERVAL = 200;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

warnPostgresSkipped();

describe.skipIf(!PG_URL)('monitor on PostgreSQL', () => {
  it('alerts once, keeps its state across a restart, and sends one recovery', async () => {
    const backend = postgresBackend(PG_URL!);
    cleanups.push(() => backend.cleanup());
    const db = await backend.fresh();
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const target = await startTarget();
    const hook = await startReceiver();
    cleanups.push(() => target.close(), () => hook.close());
    const file = writeConfig(
      tmp.dir,
      `target: ${target.url}
monitor:
  interval: ${INTERVAL}ms
  jitter: 0
  retries: 0
  defaults: false
  probes: [{ name: app, url: /health, conditions: ["[STATUS] == 200"] }]
  notifiers: [{ kind: webhook, name: hook, url: "${hook.url}/a", backoff: 50ms }]
`,
    );
    const opts = { config: file, db, allowShortIntervals: true, port: 0, flushMs: 5, dispatchPollMs: 50 };
    const first = await runMonitor({ ...opts, logger: memoryLogger().logger });
    expect(first.store.kind).toBe('postgres');
    target.setDown(true);
    await waitFor(() => hook.received.length === 1, 5000, 'the alert');
    await first.stop();
    const second = await runMonitor({ ...opts, logger: memoryLogger().logger });
    cleanups.push(() => second.stop());
    await sleep(5 * INTERVAL);
    expect(hook.received.map((r) => r.json['event'])).toEqual(['alert']);
    target.setDown(false);
    await waitFor(() => hook.received.length === 2, 5000, 'the recovery');
    await sleep(3 * INTERVAL);
    expect(hook.received.map((r) => r.json['event'])).toEqual(['alert', 'recovery']);
    expect(await second.store.countSamples('app')).toBeGreaterThan(5);
  });
});
