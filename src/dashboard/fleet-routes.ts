import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SqlDriver } from '../store/driver.js';
import type { Store } from '../store/types.js';
import { isFleetName, setFleetSchedule } from '../worker/fleet.js';
import { fleetView } from './fleet.js';
import type { Chrome } from './pages/layout.js';
import { fleetPage } from './pages/fleet.js';

export interface FleetRouteDeps {
  store: Store;
  sql: SqlDriver;
  now: () => number;
  chromeOf(request: FastifyRequest): Chrome;
  /** Whether the caller may change schedules (the signed-in admin; never an API token). */
  canEdit(request: FastifyRequest): boolean;
}

const html = 'text/html; charset=utf-8';

/**
 * The fleet page and its API: GET /fleet, GET /api/fleet, and POST /fleet/:name/schedule (a form;
 * the dashboard's session, Origin and CSRF checks apply as to every write).
 */
export function registerFleetRoutes(app: FastifyInstance, deps: FleetRouteDeps): void {
  app.get('/fleet', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const saved = typeof q['saved'] === 'string' && isFleetName(q['saved']) ? `Schedule of ${q['saved']} saved; the workers pick it up within seconds.` : undefined;
    return reply.type(html).send(fleetPage(await fleetView(deps.store, deps.sql, deps.now()), deps.chromeOf(request), deps.canEdit(request), saved));
  });

  app.get('/api/fleet', async () => fleetView(deps.store, deps.sql, deps.now()));

  app.post('/fleet/:name/schedule', async (request, reply) => {
    const { name } = request.params as { name: string };
    const chrome = deps.chromeOf(request);
    if (!deps.canEdit(request)) {
      return reply.code(403).type(html).send(fleetPage(await fleetView(deps.store, deps.sql, deps.now()), chrome, false, 'Only the admin can change schedules.'));
    }
    const body = (request.body ?? {}) as Record<string, unknown>;
    const schedule = typeof body['schedule'] === 'string' ? body['schedule'].slice(0, 200) : '';
    const problem = isFleetName(name) ? await setFleetSchedule(deps.sql, name, schedule || null, deps.now()) : `no target named "${name.slice(0, 100)}" in the fleet`;
    if (problem) {
      return reply.code(problem.startsWith('no target') ? 404 : 400).type(html).send(fleetPage(await fleetView(deps.store, deps.sql, deps.now()), chrome, true, `Not saved: ${problem}`));
    }
    return reply.redirect(`/fleet?saved=${encodeURIComponent(name)}`, 303);
  });
}
