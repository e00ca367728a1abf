import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth.js';
import type { PortalContext } from '../context.js';
import { buildOpenApi } from '../openapi.js';

/** Health, the activity report (a core dashboard action) and the API description. */
export function systemRoutes(app: FastifyInstance, ctx: PortalContext): void {
  const { db, auth, flaws } = ctx;
  const startedAt = Date.now();

  app.get('/healthz', async (_request, reply) => {
    let database = 'ok';
    try {
      db.prepare('SELECT 1').get();
    } catch {
      database = 'unavailable';
    }
    return reply
      .code(database === 'ok' ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: database === 'ok' ? 'ok' : 'degraded', checks: { database }, uptime_s: Math.round((Date.now() - startedAt) / 1000) });
  });

  app.get('/api/reports/activity', { onRequest: auth.guard() }, async (request) => {
    const p = principalOf(request);
    const days: { day: string; events: number }[] = [];
    const today = new Date();
    const dayKey = (offset: number): string => new Date(today.getTime() - offset * 86_400_000).toISOString().slice(0, 10);
    if (flaws.has('slow-endpoint')) {
      // FLAW slow-endpoint: one round trip per day to the (slow, ~100 ms) analytics store instead
      // of one grouped query — seven sequential waits, about 700 ms per request.
      for (let i = 6; i >= 0; i--) {
        await sleep(100);
        const row = db.prepare('SELECT COUNT(*) AS n FROM activity WHERE org_id = ? AND substr(at, 1, 10) = ?').get(p.user.org_id, dayKey(i)) as { n: number };
        days.push({ day: dayKey(i), events: row.n });
      }
    } else {
      const rows = db
        .prepare('SELECT substr(at, 1, 10) AS day, COUNT(*) AS n FROM activity WHERE org_id = ? AND at >= ? GROUP BY day')
        .all(p.user.org_id, `${dayKey(6)}T00:00:00.000Z`) as { day: string; n: number }[];
      const byDay = new Map(rows.map((r) => [r.day, r.n]));
      for (let i = 6; i >= 0; i--) days.push({ day: dayKey(i), events: byDay.get(dayKey(i)) ?? 0 });
    }
    const recent = db
      .prepare('SELECT a.action, a.subject, a.at, u.name AS actor FROM activity a LEFT JOIN users u ON u.id = a.user_id WHERE a.org_id = ? ORDER BY a.id DESC LIMIT 20')
      .all(p.user.org_id);
    return { org_id: p.user.org_id, days, recent };
  });

  app.get('/openapi.json', async (request, reply) => {
    return reply.header('cache-control', 'no-cache').send(buildOpenApi(`${request.protocol}://${request.host}`));
  });
}
