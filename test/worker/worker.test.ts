import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../helpers.js';
import { PG_URL, warnPostgresSkipped } from '../store/backends.js';
import { freshDatabase, sleep, spawnWorker, tempConfig, waitUntil, type Db, type WorkerProc } from './helpers.js';

/**
 * `launchready worker` as several real processes on one real PostgreSQL (LAUNCHREADY_TEST_PG_URL;
 * CI starts it with test/store/start-postgres.sh). Skipped, loudly, without it.
 */

warnPostgresSkipped();

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function track(w: WorkerProc): WorkerProc {
  cleanups.push(() => w.kill9());
  return w;
}

async function database(): Promise<Db> {
  const db = await freshDatabase(PG_URL!);
  cleanups.push(() => db.drop());
  return db;
}

interface Target {
  url: string;
  hits: Map<string, number>;
  total(): number;
  /** Locations (the X-Probe-Location header) that get a 503. */
  failFor: Set<string>;
  inFlight(): number;
  /** Slow requests in flight from one worker (the X-Probe-Worker header) that started at most `youngerThanMs` ago. */
  freshInFlight(worker: string, youngerThanMs: number): number;
}

/** A loopback app: /p/N answers 200; /slow/N after 1.5 s; requests carrying a failing location get 503. */
async function startTarget(): Promise<Target> {
  const hits = new Map<string, number>();
  const failFor = new Set<string>();
  let inFlight = 0;
  const started = new Map<object, { worker: string; at: number }>();
  const srv = await startServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const loc = String(req.headers['x-probe-location'] ?? '');
    const answer = (): void => {
      if (failFor.has(loc)) res.writeHead(503, { 'content-type': 'text/plain' }).end(`unavailable from ${loc}`);
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    };
    if (path.startsWith('/slow/')) {
      inFlight += 1;
      const key = {};
      started.set(key, { worker: String(req.headers['x-probe-worker'] ?? ''), at: Date.now() });
      setTimeout(() => {
        inFlight -= 1;
        started.delete(key);
        answer();
      }, 1500);
    } else answer();
  });
  cleanups.push(() => srv.close());
  return { url: srv.url, hits, total: () => [...hits.values()].reduce((a, b) => a + b, 0), failFor,
    inFlight: () => inFlight,
    freshInFlight: (worker, youngerThanMs) => [...started.values()].filter((r) => r.worker === worker && Date.now() - r.at <= youngerThanMs).length,
  };
}

/** A webhook receiver that keeps every delivery. */
async function startReceiver(): Promise<{ url: string; got: Array<{ delivery: string; json: Record<string, unknown> }> }> {
  const got: Array<{ delivery: string; json: Record<string, unknown> }> = [];
  const srv = await startServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      got.push({ delivery: String(req.headers['x-launchready-delivery']), json: JSON.parse(raw || '{}') as Record<string, unknown> });
      res.writeHead(200).end('ok');
    });
  });
  cleanups.push(() => srv.close());
  return { url: srv.url, got };
}

function probesYaml(n: number, path: string, extra = ''): string {
  return Array.from({ length: n }, (_, i) => `    - { name: p${i}, url: ${path}/${i}${extra} }`).join('\n');
}

describe.skipIf(!PG_URL)('launchready worker on PostgreSQL', () => {
  it('two workers share the probe jobs and no job runs twice', async () => {
    const db = await database();
    const target = await startTarget();
    const cfg = tempConfig(`target: ${target.url}
monitor:
  interval: 1s
  retries: 0
  defaults: false
  alerts: { failureThreshold: 3 }
  probes:
${probesYaml(20, '/p')}
`);
    cleanups.push(cfg.cleanup);
    const [a, b] = (await Promise.all([spawnWorker({ url: db.url, config: [cfg.file] }), spawnWorker({ url: db.url })])).map(track) as [WorkerProc, WorkerProc];
    await sleep(7000);
    await Promise.all([a.stop(), b.stop()]);

    const runs = await db.query<{ worker: string; n: number }>(`SELECT worker, COUNT(*)::int AS n FROM fleet_runs GROUP BY worker`);
    const byWorker = new Map(runs.map((r) => [r.worker, r.n]));
    const total = runs.reduce((s, r) => s + r.n, 0);
    // Every request the app saw is exactly one recorded run: a job run twice would be a request with no row.
    expect(total).toBe(target.total());
    expect(total).toBeGreaterThanOrEqual(20 * 3);
    // Both took a share.
    expect(byWorker.get(a.id) ?? 0).toBeGreaterThan(0);
    expect(byWorker.get(b.id) ?? 0).toBeGreaterThan(0);
    // Each completed job ran once, and no job needed a retry.
    const jobs = await db.query<{ state: string; retry_count: number; n: number }>(`SELECT state, retry_count, COUNT(*)::int AS n FROM pgboss.job WHERE name = 'lr-probe' AND state IN ('completed', 'active', 'retry', 'failed') GROUP BY state, retry_count`);
    const completed = jobs.filter((j) => j.state === 'completed').reduce((s, j) => s + j.n, 0);
    expect(completed).toBe(total);
    expect(jobs.filter((j) => j.retry_count > 0 || j.state === 'failed')).toEqual([]);
    // Probe slots follow each probe's fixed cadence: no slot recorded twice, none skipped in the middle.
    const perProbe = await db.query<{ probe_id: string; n: number; span: number }>(`SELECT probe_id, COUNT(*)::int AS n, (MAX(slot) - MIN(slot))::int AS span FROM fleet_runs GROUP BY probe_id`);
    expect(perProbe).toHaveLength(20);
    for (const p of perProbe) expect(p.n).toBe(p.span / 1000 + 1);
    expect(a.stderr()).toBe('');
  }, 60_000);

  it('kill -9 of a worker mid-run: the other takes its leased jobs over within a lease and records them once', async () => {
    const db = await database();
    const target = await startTarget();
    const cfg = tempConfig(`target: ${target.url}
monitor:
  interval: 1s
  timeout: 3s
  retries: 0
  defaults: false
  probes:
${probesYaml(5, '/slow', ', alerts: false, headers: { x-probe-worker: "${LR_TEST_WORKER}" }')}
`);
    cleanups.push(cfg.cleanup);
    const [a, b] = (
      await Promise.all([
        spawnWorker({ url: db.url, config: [cfg.file], lease: '3s', env: { LR_TEST_WORKER: 'a' } }),
        // B asks for work every 2 s, A every 500 ms: whoever asks first after a slot opens takes the whole slot, so A holds most.
        spawnWorker({ url: db.url, lease: '3s', poll: '2s', env: { LR_TEST_WORKER: 'b' } }),
      ])
    ).map(track) as [WorkerProc, WorkerProc];
    // Kill A while the app is serving a request A sent moments ago (the header names the worker): that
    // job is leased to A and cannot have been recorded, so only a takeover by B can complete it.
    await waitUntil(async () => (await db.query(`SELECT 1 FROM fleet_runs WHERE worker = $1 LIMIT 1`, [a.id])).length > 0 && target.freshInFlight('a', 600) > 0, 20_000, 'A busy with a request it just sent');
    const active = await db.query<{ id: string; data: { p: string; s: number } }>(`SELECT id, data FROM pgboss.job WHERE name = 'lr-probe' AND state = 'active'`);
    const killedAt = Date.now();
    await a.kill9();
    expect(active.length).toBeGreaterThan(0);

    // Every job active at the kill ends completed — A's after the lease, by B, as a retry.
    const done = await waitUntil(
      async () => {
        const rows = await db.query<{ id: string; state: string; retry_count: number }>(`SELECT id, state, retry_count FROM pgboss.job WHERE id = ANY($1::uuid[])`, [active.map((j) => j.id)]);
        return rows.length === active.length && rows.every((r) => r.state === 'completed') ? rows : undefined;
      },
      20_000,
      'the jobs in flight at the kill to complete',
    );
    let takeovers = 0;
    for (const j of active) {
      const rows = await db.query<{ worker: string; ran_at: number }>(`SELECT worker, ran_at::float8 AS ran_at FROM fleet_runs WHERE probe_id = $1 AND slot = $2`, [`${new URL(target.url).host}/${j.data.p}`, j.data.s]);
      // Recorded exactly once, whoever ran it: by A before it died, or by B.
      expect(rows).toHaveLength(1);
      if (rows[0]!.worker === a.id) expect(rows[0]!.ran_at).toBeLessThan(killedAt);
      const retried = done.find((d) => d.id === j.id)!.retry_count > 0;
      if (rows[0]!.worker === b.id && retried && rows[0]!.ran_at > killedAt) {
        takeovers += 1;
        // Within one lease (3 s) plus the maintenance pass and a retry delay: well under 15 s even on a loaded machine.
        expect(rows[0]!.ran_at - killedAt).toBeLessThan(15_000);
      }
    }
    // A held jobs when it died, and B ran them.
    expect(takeovers).toBeGreaterThan(0);
    // B keeps running the probes after the kill.
    const after = await db.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM fleet_runs WHERE worker = $1 AND ran_at > $2`, [b.id, killedAt + 2000]);
    expect(after[0]!.n).toBeGreaterThan(0);
    // A killed worker's jobs never land in the dead-letter queue: a lease lost is a retry, not a failure.
    expect(await db.query(`SELECT 1 FROM pgboss.job WHERE name = 'lr-dead'`)).toEqual([]);
    await b.stop();
  }, 90_000);

  it('confirm: 2 — one location failing is recorded, not alerted; both failing alerts once, naming the locations', async () => {
    const db = await database();
    const target = await startTarget();
    const hook = await startReceiver();
    const cfg = tempConfig(`target: ${target.url}
monitor:
  interval: 1s
  retries: 0
  defaults: false
  confirm: 2
  alerts: { failureThreshold: 2, successThreshold: 2, errorRate: false, latency: false }
  probes:
    - { name: app, url: /p/app, headers: { x-probe-location: "\${LR_TEST_LOCATION}" } }
  notifiers: [{ kind: webhook, name: hook, url: "${hook.url}/hook", backoff: 1s }]
`);
    cleanups.push(cfg.cleanup);
    const [eu, us] = (
      await Promise.all([
        spawnWorker({ url: db.url, location: 'eu-west', config: [cfg.file], env: { LR_TEST_LOCATION: 'eu-west' } }),
        spawnWorker({ url: db.url, location: 'us-east', env: { LR_TEST_LOCATION: 'us-east' } }),
      ])
    ).map(track) as [WorkerProc, WorkerProc];
    const probe = `${new URL(target.url).host}/app`;
    // Both locations report every slot once they both beat.
    await waitUntil(async () => (await db.query(`SELECT slot FROM fleet_runs WHERE probe_id = $1 GROUP BY slot HAVING COUNT(*) = 2`, [probe])).length >= 2, 20_000, 'slots seen from both locations');

    // Only eu-west sees the app down.
    target.failFor.add('eu-west');
    const since = Date.now();
    await waitUntil(async () => (await db.query(`SELECT 1 FROM fleet_runs WHERE probe_id = $1 AND location = 'eu-west' AND ok = 0`, [probe])).length >= 5, 20_000, 'five eu-west failures');
    expect(hook.got).toEqual([]);
    expect(await db.query(`SELECT id FROM incidents`)).toEqual([]);
    const okSlots = await db.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM fleet_slots WHERE probe_id = $1 AND verdict = 'ok' AND judged_at > $2`, [probe, since]);
    expect(okSlots[0]!.n).toBeGreaterThan(0);
    expect(eu.lines.some((l) => String(l['msg']).includes('failed from eu-west') && String(l['msg']).includes('not confirmed'))).toBe(true);

    // Now both see it: one alert, naming both locations.
    target.failFor.add('us-east');
    await waitUntil(() => hook.got.length >= 1, 20_000, 'the confirmed alert');
    await sleep(3000);
    expect(hook.got.map((g) => g.json['event'])).toEqual(['alert']);
    const alert = hook.got[0]!.json;
    expect(String(alert['summary'])).toMatch(/confirmed from 2 locations \(eu-west, us-east\)/);
    expect(String(alert['evidence'])).toMatch(/eu-west: .*503/);
    expect(String(alert['evidence'])).toMatch(/us-east: .*503/);

    // Recovery: one notice, and no delivery id ever repeats.
    target.failFor.clear();
    await waitUntil(() => hook.got.length >= 2, 20_000, 'the recovery');
    await sleep(2000);
    expect(hook.got.map((g) => g.json['event'])).toEqual(['alert', 'recovery']);
    expect(new Set(hook.got.map((g) => g.delivery)).size).toBe(2);
    const outbox = await db.query<{ status: string }>(`SELECT status FROM outbox`);
    expect(outbox.map((o) => o.status)).toEqual(['delivered', 'delivered']);
    await Promise.all([eu.stop(), us.stop()]);
  }, 120_000);

  it('a schedule fires once per tick across three workers', async () => {
    const db = await database();
    const target = await startTarget();
    const cfg = tempConfig(`target: ${target.url}
schedule: "*/4 * * * * *"
monitor:
  interval: 30s
  defaults: false
  probes: [{ name: home, url: /p/home }]
`);
    cleanups.push(cfg.cleanup);
    const ws = (await Promise.all([spawnWorker({ url: db.url, config: [cfg.file] }), spawnWorker({ url: db.url }), spawnWorker({ url: db.url })])).map(track);
    const firstTick = Date.now();
    await waitUntil(async () => (await db.query(`SELECT 1 FROM fleet_audits WHERE status = 'done'`)).length >= 3, 60_000, 'three scheduled audits', 500);
    await Promise.all(ws.map((w) => w.stop(30_000)));

    const ticks = await db.query<{ tick: number; attempts: number; status: string; audit_id: string | null }>(`SELECT tick::float8 AS tick, attempts, status, audit_id FROM fleet_audits ORDER BY tick`);
    const done = ticks.filter((t) => t.status === 'done');
    expect(done.length).toBeGreaterThanOrEqual(3);
    // Every tick: one job, one run (no second attempt), one stored audit.
    for (const t of done) {
      expect(t.tick % 4000).toBe(0);
      expect(t.attempts).toBe(1);
    }
    const jobs = await db.query<{ k: string; n: number }>(`SELECT data->>'k' AS k, COUNT(*)::int AS n FROM pgboss.job WHERE name = 'lr-audit' GROUP BY 1`);
    for (const j of jobs) expect(j.n).toBe(1);
    const audits = await db.query<{ id: string }>(`SELECT id FROM audit_runs`);
    expect(audits.map((x) => x.id).sort()).toEqual(done.map((t) => t.audit_id).sort());
    // Consecutive ticks, none skipped between the first and the last one run.
    for (let i = 1; i < done.length; i++) expect(done[i]!.tick - done[i - 1]!.tick).toBe(4000);
    expect(done[0]!.tick).toBeGreaterThan(firstTick - 60_000);
  }, 120_000);
});
