import { defineGatherer, NotApplicable } from '../engine/check.js';
import { credentialHeaders, sessionsGatherer, type Session } from '../identity/session.js';
import type { HttpExchange } from '../net/http.js';
import { apiSurfaceGatherer, type Route } from './routes.js';

export interface MalformedAttempt {
  route: string;
  payload: 'invalid-json' | 'missing-required' | 'bad-path-id';
  exchange: HttpExchange;
}

function requiredFields(schema: unknown): string[] {
  const s = schema as { required?: unknown } | undefined;
  return Array.isArray(s?.required) ? s.required.map(String) : [];
}

/** Fill path parameters with a value no sane id parser accepts. */
export function withBadId(route: Route): string {
  return route.path.replace(/\{[^}]+\}/g, encodeURIComponent(`0'"<x>`));
}

/**
 * A few malformed requests that cannot create or change anything (broken JSON, bodies missing their
 * required fields, nonsense ids): a well-built API answers 4xx without internals.
 */
export const malformedRequestsGatherer = defineGatherer<MalformedAttempt[]>({
  id: 'surface/malformed-requests',
  async gather(ctx) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL');
    const { routes } = await ctx.gather(apiSurfaceGatherer);
    let session: Session | undefined;
    try {
      session = (await ctx.gather(sessionsGatherer)).sessions.values().next().value;
    } catch (err) {
      if (!(err instanceof NotApplicable)) throw err;
    }
    const auth = (write: boolean): Record<string, string> => (session ? credentialHeaders(session, { write }) : {});
    const common = session ? { credentialed: true, identity: session.identity } : {};
    const attempts: MalformedAttempt[] = [];
    const writes = routes.filter((r) => (r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH') && !r.path.includes('{') && !/login|logout|signup|register|reset|password|webhook|invite/i.test(r.path)).slice(0, 6);
    for (const r of writes) {
      const url = new URL(r.path, base);
      attempts.push({
        route: `${r.method} ${r.path}`,
        payload: 'invalid-json',
        exchange: await ctx.http.request({ method: r.method, url, headers: { ...auth(true), 'content-type': 'application/json' }, body: '{"launchready": ', area: 'input-validation', ...common }),
      });
      if (requiredFields(r.requestSchema).length > 0) {
        attempts.push({
          route: `${r.method} ${r.path}`,
          payload: 'missing-required',
          exchange: await ctx.http.request({ method: r.method, url, headers: auth(true), json: {}, area: 'input-validation', ...common }),
        });
      }
    }
    const reads = routes.filter((r) => r.method === 'GET' && /\{[^}]*id\}/i.test(r.path)).slice(0, 4);
    for (const r of reads) {
      attempts.push({
        route: `${r.method} ${r.path}`,
        payload: 'bad-path-id',
        exchange: await ctx.http.request({ url: new URL(withBadId(r), base), headers: auth(false), area: 'input-validation', ...common }),
      });
    }
    if (attempts.length === 0) throw new NotApplicable('the API surface has no write route or id route to send a malformed request to');
    return attempts;
  },
});
