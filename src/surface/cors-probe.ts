import { defineGatherer, NotApplicable } from '../engine/check.js';
import { credentialHeaders, sessionsGatherer, type Session } from '../identity/session.js';
import type { HttpExchange } from '../net/http.js';
import { apiSurfaceGatherer } from './routes.js';
import { safeAuthenticatedReads } from './pages.js';

export interface CorsAttempt {
  /** What the probe pretended to be. */
  kind: 'foreign-origin' | 'null-origin' | 'suffix-origin' | 'preflight';
  origin: string;
  credentialed: boolean;
  exchange: HttpExchange;
}

export interface CorsEvidence {
  url: string;
  attempts: CorsAttempt[];
}

/** Origins no app should trust, built from the target's own host so suffix/prefix matching bugs show. */
export function hostileOrigins(target: URL): Record<'foreign-origin' | 'suffix-origin', string> {
  return {
    'foreign-origin': 'https://evil.launchready.invalid',
    'suffix-origin': `${target.protocol}//${target.hostname}.launchready-evil.invalid`,
  };
}

export const corsProbeGatherer = defineGatherer<CorsEvidence>({
  id: 'surface/cors-probe',
  async gather(ctx) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL');
    let session: Session | undefined;
    let url = base;
    try {
      const { sessions } = await ctx.gather(sessionsGatherer);
      session = sessions.values().next().value;
      const reads = safeAuthenticatedReads((await ctx.gather(apiSurfaceGatherer)).routes, 1);
      if (reads[0]) url = new URL(reads[0].path, base);
    } catch (err) {
      if (!(err instanceof NotApplicable)) throw err;
    }
    const creds = session ? credentialHeaders(session) : {};
    const origins = hostileOrigins(base);
    const attempts: CorsAttempt[] = [];
    const send = async (kind: CorsAttempt['kind'], origin: string, extra: Record<string, string> = {}, method = 'GET'): Promise<void> => {
      const exchange = await ctx.http.request({
        method,
        url,
        headers: { origin, ...(method === 'OPTIONS' ? {} : creds), ...extra },
        credentialed: method !== 'OPTIONS' && !!session,
        ...(session ? { identity: session.identity } : {}),
        area: 'cors-csrf',
      });
      attempts.push({ kind, origin, credentialed: method !== 'OPTIONS' && !!session, exchange });
    };
    await send('foreign-origin', origins['foreign-origin']);
    await send('null-origin', 'null');
    await send('suffix-origin', origins['suffix-origin']);
    await send('preflight', origins['foreign-origin'], { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' }, 'OPTIONS');
    return { url: url.href, attempts };
  },
});
