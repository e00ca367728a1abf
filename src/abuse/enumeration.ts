import { defineGatherer, NotApplicable } from '../engine/check.js';
import type { GatherContext } from '../engine/context.js';
import type { HttpExchange } from '../net/http.js';
import { apiSurfaceGatherer, type Route } from '../surface/routes.js';
import { emailBody, existingIdentifiers, identityDomain, loginBody, sensitiveEndpoints, type SensitiveEndpoint } from './endpoints.js';
import { abuseMarker } from './random.js';
import { reachedCheck } from './reached.js';
import { isFatal, sendBody } from './send.js';
import { abuseSettings } from './settings.js';
import { throttleSignal } from './throttle.js';

/**
 * Login and password-reset requests for accounts that exist (the configured identities, with a
 * wrong password) and for made-up ones, interleaved so drift hits both groups alike. The check
 * compares status, normalised body and timing; the configured identities get at most a couple of
 * wrong passwords each, far below any lockout.
 */
export interface EnumerationSample {
  group: 'existing' | 'unknown';
  identifier: string;
  exchange: HttpExchange;
}

export interface EnumerationProbe {
  endpoint: SensitiveEndpoint;
  samples: EnumerationSample[];
  /** A limit answered part-way: the groups are no longer comparable. */
  throttled?: string;
  /** The requests never reached the login/reset logic (shape rejected, route missing). */
  unreached?: string;
}

export interface EnumerationEvidence {
  probes: EnumerationProbe[];
  existing: number;
  timingFloorMs: number;
  requests: number;
  wallMs: number;
}

export const enumerationGatherer = defineGatherer<EnumerationEvidence>({
  id: 'abuse/user-enumeration',
  gather(ctx) {
    return probeEnumeration(ctx);
  },
});

async function probeEnumeration(ctx: GatherContext): Promise<EnumerationEvidence> {
  if (!ctx.target.baseUrl) throw new NotApplicable('no target URL');
  const existing = existingIdentifiers(ctx.config);
  if (existing.length === 0) throw new NotApplicable('no configured identity has an email or username to compare with made-up ones');
  let routes: Route[] = [];
  try {
    routes = (await ctx.gather(apiSurfaceGatherer)).routes;
  } catch (err) {
    if (isFatal(err)) throw err;
  }
  const endpoints = sensitiveEndpoints(ctx.config, routes).filter((e) => e.kind === 'login' || e.kind === 'reset');
  if (endpoints.length === 0) throw new NotApplicable('no login or password-reset endpoint found: name them under endpoints: in launchready.yml');
  const settings = abuseSettings(ctx);
  const marker = abuseMarker(ctx.options.seed);
  const domain = identityDomain(ctx.config);
  const unknownId = (i: number): string => (domain ? `${marker}-nobody${i}@${domain}` : `${marker}nobody${i}`);
  const startRequests = ctx.http.stats.requests;
  const t0 = performance.now();
  const probes: EnumerationProbe[] = [];
  for (const e of endpoints) {
    const probe: EnumerationProbe = { endpoint: e, samples: [] };
    const send = (identifier: string, i: number): Promise<HttpExchange> =>
      sendBody(ctx, { method: e.method, path: e.path, body: e.kind === 'login' ? loginBody(ctx.config, e, identifier, `Wrong-${marker}-${i}!`) : emailBody(e, identifier), area: 'authentication' });
    for (let i = 0; i < settings.enumerationSamples; i++) {
      const pair: EnumerationSample[] = [
        { group: 'existing', identifier: existing[i % existing.length]!, exchange: await send(existing[i % existing.length]!, i) },
        { group: 'unknown', identifier: unknownId(i), exchange: await send(unknownId(i), i) },
      ];
      probe.samples.push(...pair);
      const limited = pair.map((s) => throttleSignal(s.exchange)).find(Boolean);
      if (limited) {
        probe.throttled = `a limit answered after ${probe.samples.length} requests (${limited.label})`;
        break;
      }
      if (i === 0 && !pair.some((s) => reachedCheck(s.exchange, e.kind))) {
        const statuses = pair.map((s) => (s.exchange.response ? `HTTP ${s.exchange.response.status}` : s.exchange.error?.code)).join(', ');
        probe.unreached = `the requests never reached the ${e.kind} logic (${statuses})`;
        break;
      }
    }
    probes.push(probe);
  }
  const requests = ctx.http.stats.requests - startRequests;
  const wallMs = Math.round(performance.now() - t0);
  ctx.contribute({ facts: { 'user-enumeration': { requests, wallMs } } });
  return { probes, existing: existing.length, timingFloorMs: settings.enumerationTimingFloorMs, requests, wallMs };
}
