import { defineGatherer, NotApplicable } from '../engine/check.js';
import type { GatherContext } from '../engine/context.js';
import type { HttpExchange } from '../net/http.js';
import { sampleFromSchema } from '../surface/sample-body.js';
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

/**
 * Any other route that takes an email, username or phone (a lookup, a profile by name, an
 * availability check, an invite, a security question): the same interleaved comparison.
 */
export interface LookupProbe {
  /** "GET /api/users/lookup". */
  route: string;
  param: string;
  in: 'path' | 'query' | 'body';
  samples: EnumerationSample[];
  throttled?: string;
  unreached?: string;
  /** Anonymous callers were refused (401/403) alike: only logged-in users can look accounts up. */
  protectedBy?: string;
}

export interface EnumerationEvidence {
  probes: EnumerationProbe[];
  lookups: LookupProbe[];
  /** Identifier routes that were not compared, and why. */
  notTested: Array<{ route: string; reason: string }>;
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
  const settings = abuseSettings(ctx);
  const covered = new Set(sensitiveEndpoints(ctx.config, routes).map((e) => `${e.method} ${e.path}`));
  const slots = identifierSlots(routes, covered, ctx.options.allowWrites).slice(0, settings.enumerationMaxRoutes);
  if (endpoints.length === 0 && slots.length === 0) throw new NotApplicable('no login, password-reset or other endpoint taking an email or username found: name them under endpoints: in launchready.yml');
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

  // Every other route that takes an identifier: a known account against made-up ones, asked
  // anonymously — enumeration is what anyone can learn; a member directory behind a login is a feature.
  const lookups: LookupProbe[] = [];
  const notTested: Array<{ route: string; reason: string }> = [];
  for (const slot of slots) {
    const label = `${slot.route.method} ${slot.route.path}`;
    const email = /mail/i.test(slot.param);
    const known = existing.filter((x) => (email ? x.includes('@') : !x.includes('@') && !/phone|mobile/i.test(slot.param)));
    if (known.length === 0) {
      notTested.push({ route: `${label} (${slot.in} ${slot.param})`, reason: `no configured identity has ${email ? 'an email' : /phone|mobile/i.test(slot.param) ? 'a phone number' : 'a username'} to compare with made-up ones` });
      continue;
    }
    const made = (i: number): string => (email ? `${marker}-nobody${i}@${domain ?? 'example.com'}` : `${marker}nobody${i}`);
    const probe: LookupProbe = { route: label, param: slot.param, in: slot.in, samples: [] };
    const send = (value: string): Promise<HttpExchange> => {
      let path = slot.route.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(name === slot.param && slot.in === 'path' ? value : '1'));
      if (slot.in === 'query') path += `${path.includes('?') ? '&' : '?'}${encodeURIComponent(slot.param)}=${encodeURIComponent(value)}`;
      const body = slot.in === 'body' ? { json: slot.route.requestSchema ? sampleFromSchema(slot.route.requestSchema, { marker, optional: false, values: { [slot.param]: value } }) : { [slot.param]: value } } : undefined;
      return sendBody(ctx, { method: slot.route.method, path, ...(body ? { body } : {}), area: 'authentication' });
    };
    for (let i = 0; i < settings.enumerationSamples; i++) {
      const pair: EnumerationSample[] = [
        { group: 'existing', identifier: known[i % known.length]!, exchange: await send(known[i % known.length]!) },
        { group: 'unknown', identifier: made(i), exchange: await send(made(i)) },
      ];
      probe.samples.push(...pair);
      const limited = pair.map((s) => throttleSignal(s.exchange)).find(Boolean);
      if (limited) {
        probe.throttled = `a limit answered after ${probe.samples.length} requests (${limited.label})`;
        break;
      }
      if (i === 0 && pair.every((s) => s.exchange.response && (s.exchange.response.status === 401 || s.exchange.response.status === 403))) {
        probe.protectedBy = `anonymous callers get HTTP ${pair.map((s) => s.exchange.response!.status).join(' and ')} for known and unknown accounts alike`;
        break;
      }
      if (i === 0 && pair.every((s) => !s.exchange.response || s.exchange.response.status === 405 || s.exchange.response.status === 415)) {
        probe.unreached = `the requests never reached the lookup (${pair.map((s) => (s.exchange.response ? `HTTP ${s.exchange.response.status}` : s.exchange.error?.code)).join(', ')})`;
        break;
      }
    }
    lookups.push(probe);
  }
  const requests = ctx.http.stats.requests - startRequests;
  const wallMs = Math.round(performance.now() - t0);
  ctx.contribute({ facts: { 'user-enumeration': { requests, wallMs, routes: probes.length + lookups.length } } });
  return { probes, lookups, notTested, existing: existing.length, timingFloorMs: settings.enumerationTimingFloorMs, requests, wallMs };
}

const IDENTIFIER = /^(?:e-?mail|email[-_]?address|user(?:[-_]?name)?|login|handle|account[-_]?name|screen[-_]?name|phone(?:[-_]?number)?|mobile)$/i;
const LOOKUP_WRITE = /look-?up|check|exists?|availab|find|search|question|recover|invite|verify|resolve/i;

/** Routes other than login/reset/signup that take an identifier in the path, the query or the body. */
export function identifierSlots(routes: readonly Route[], covered: ReadonlySet<string>, allowWrites: boolean): Array<{ route: Route; param: string; in: 'path' | 'query' | 'body' }> {
  const out: Array<{ route: Route; param: string; in: 'path' | 'query' | 'body' }> = [];
  for (const r of routes) {
    if (covered.has(`${r.method} ${r.path}`)) continue;
    if (r.method === 'GET') {
      const p = r.params.find((x) => (x.in === 'path' || x.in === 'query') && IDENTIFIER.test(x.name)) ?? [...r.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1]!, in: 'path' as const })).find((x) => IDENTIFIER.test(x.name));
      if (p) out.push({ route: r, param: p.name, in: p.in as 'path' | 'query' });
      continue;
    }
    if (r.method !== 'POST' || !LOOKUP_WRITE.test(r.path)) continue;
    // An invite emails a stranger: only with --allow-writes.
    if (/invite/i.test(r.path) && !allowWrites) continue;
    const props = (r.requestSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
    const field = Object.keys(props).find((k) => IDENTIFIER.test(k));
    if (field) out.push({ route: r, param: field, in: 'body' });
  }
  return out;
}

