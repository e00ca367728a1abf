import { defineGatherer, NotApplicable } from '../engine/check.js';
import { credentialHeaders, sessionsGatherer, type Session } from '../identity/session.js';
import type { HttpExchange } from '../net/http.js';
import { apiSurfaceGatherer, type Route } from './routes.js';

export interface MalformedAttempt {
  route: string;
  payload: 'bad-path-id';
  exchange: HttpExchange;
}

/** Fill path parameters with a value no sane id parser accepts. */
export function withBadId(route: Route): string {
  return route.path.replace(/\{[^}]+\}/g, encodeURIComponent(`0'"<x>`));
}

/**
 * Reads with a nonsense id in the path: they cannot change anything, and a well-built API answers
 * 4xx without internals. (Write endpoints get the seeded fuzzer of src/abuse/fuzz.ts.)
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
    const auth = (): Record<string, string> => (session ? credentialHeaders(session) : {});
    const common = session ? { credentialed: true, identity: session.identity } : {};
    const attempts: MalformedAttempt[] = [];
    const reads = routes.filter((r) => r.method === 'GET' && /\{[^}]*id\}/i.test(r.path)).slice(0, 8);
    for (const r of reads) {
      attempts.push({
        route: `${r.method} ${r.path}`,
        payload: 'bad-path-id',
        exchange: await ctx.http.request({ url: new URL(withBadId(r), base), headers: auth(), area: 'input-validation', ...common }),
      });
    }
    if (attempts.length === 0) throw new NotApplicable('the API surface has no GET route with an id in its path');
    return attempts;
  },
});
