import type { Area } from './area.js';

/**
 * Effort of a typical fix, per check, in engineer-hours: the data behind the 48-hour sprint plan.
 * `hours` covers the fix, a test and a deploy for the first place; `perExtraPlace` each further
 * route/file/record with the same root cause (usually small: one fix covers them), capped at
 * `maxHours`. The `basis` says what the estimate assumes, so a team can disagree with it.
 *
 * Estimates are deliberately those of one engineer who knows the codebase; they are a plan, not a
 * promise. A check without its own row uses its area's row.
 */
export interface EffortEstimate {
  hours: number;
  perExtraPlace?: number;
  maxHours?: number;
  basis: string;
}

export const AREA_EFFORT: Record<Area, EffortEstimate> = {
  authentication: { hours: 4, perExtraPlace: 0.25, maxHours: 8, basis: 'add the auth middleware to the unprotected routers and a test per route' },
  authorization: { hours: 6, perExtraPlace: 0.5, maxHours: 14, basis: 'scope every query by the caller (tenant/owner) in the data layer, plus a cross-tenant test per route' },
  session: { hours: 3, perExtraPlace: 0.5, maxHours: 6, basis: 'server-side session invalidation or cookie attributes in one place, plus a test' },
  secrets: { hours: 2, perExtraPlace: 0.5, maxHours: 6, basis: 'rotate the credential at its provider, move it to the deploy environment, purge it from the artefact' },
  'input-validation': { hours: 3, perExtraPlace: 0.25, maxHours: 8, basis: 'schema validation on the route and one error handler that answers 4xx without internals' },
  'rate-limiting': { hours: 2, perExtraPlace: 0.5, maxHours: 5, basis: 'a per-IP and per-account limiter (library) on the sensitive endpoints' },
  'cors-csrf': { hours: 2, perExtraPlace: 0.25, maxHours: 4, basis: 'an explicit origin allow-list and a CSRF token or SameSite cookies for cookie writes' },
  logging: { hours: 2, perExtraPlace: 0.25, maxHours: 5, basis: 'a redacting log serializer and purging the affected log files' },
  'domain-tls': { hours: 1, perExtraPlace: 0.25, maxHours: 4, basis: 'DNS or hosting configuration; most of the elapsed time is propagation, started first' },
  edge: { hours: 1, perExtraPlace: 0.25, maxHours: 3, basis: 'headers or cache rules in the CDN or framework config, one place for every route' },
  email: { hours: 1, perExtraPlace: 0.25, maxHours: 3, basis: 'DNS TXT records (SPF, DKIM, DMARC) at the registrar' },
  performance: { hours: 6, perExtraPlace: 1, maxHours: 12, basis: 'profile the slow action, add the missing index or cache, re-measure' },
  monitoring: { hours: 1, perExtraPlace: 0.25, maxHours: 3, basis: 'a health route and uptime/synthetic-login probes with an alert route' },
  deployment: { hours: 1, perExtraPlace: 0.25, maxHours: 4, basis: 'set or document the variables in the deploy environment, verify webhook signatures with the provider SDK' },
};

/** Checks whose typical fix differs from their area's. */
export const CHECK_EFFORT: Record<string, EffortEstimate> = {
  'authorization/bola': { hours: 6, perExtraPlace: 0.5, maxHours: 14, basis: 'ownership/tenant filter in every object query (one shared helper), plus a cross-tenant test per route' },
  'authorization/bfla': { hours: 3, perExtraPlace: 0.5, maxHours: 8, basis: 'a role guard on the admin router, plus a test per function' },
  'authorization/mass-assignment': { hours: 2, perExtraPlace: 0.5, maxHours: 6, basis: 'an allow-list of writable fields per model' },
  'authentication/missing-auth': { hours: 2, perExtraPlace: 0.25, maxHours: 6, basis: 'mount the existing auth middleware on the router that lacks it' },
  'authentication/jwt-verification': { hours: 2, basis: 'verify signature and algorithm with the JWT library, reject alg none' },
  'authentication/jwt-weak-secret': { hours: 2, basis: 'generate a long random signing key, rotate it (every session ends)' },
  'authentication/jwt-expiry': { hours: 1, basis: 'set exp on issued tokens and a refresh flow if needed' },
  'authentication/user-enumeration': { hours: 2, basis: 'one generic answer and constant work for unknown accounts' },
  'session/cookie-flags': { hours: 0.5, perExtraPlace: 0.25, maxHours: 2, basis: 'HttpOnly, Secure, SameSite in the session cookie options' },
  'session/after-logout': { hours: 2, basis: 'destroy the session or revoke the token server-side on logout' },
  'session/password-change': { hours: 2, basis: 'revoke other sessions on password change' },
  'session/fixation': { hours: 1, basis: 'regenerate the session id at login' },
  'session/reset-token-reuse': { hours: 1.5, basis: 'mark reset tokens used and expire them' },
  'session/invite-token-reuse': { hours: 1.5, basis: 'mark invite tokens used and expire them' },
  'secrets/committed-secret': { hours: 1.5, perExtraPlace: 0.5, maxHours: 6, basis: 'rotate at the provider, move to the environment, remove from the tree' },
  'secrets/history-secret': { hours: 2, perExtraPlace: 0.5, maxHours: 6, basis: 'rotate at the provider (history rewrite optional once rotated)' },
  'secrets/bundle-secret': { hours: 2, perExtraPlace: 0.5, maxHours: 6, basis: 'rotate, keep the key server-side, rebuild without it' },
  'secrets/deployed-secret': { hours: 2, perExtraPlace: 0.5, maxHours: 6, basis: 'rotate, remove the file from the deployed assets, redeploy' },
  'input-validation/error-leakage': { hours: 1.5, perExtraPlace: 0.25, maxHours: 4, basis: 'one production error handler without stack traces or driver messages' },
  'input-validation/invalid-payloads': { hours: 3, perExtraPlace: 0.25, maxHours: 8, basis: 'schema validation on each route that answered 5xx' },
  'rate-limiting/forwarded-for-bypass': { hours: 1, basis: 'trust X-Forwarded-For only from the known proxy hop' },
  'edge/security-headers': { hours: 1, basis: 'one headers middleware (helmet or the CDN) for every response' },
  'edge/version-banner': { hours: 0.5, basis: 'drop Server/X-Powered-By in the framework or proxy' },
  'edge/private-cache': { hours: 1, perExtraPlace: 0.25, maxHours: 3, basis: 'Cache-Control: private, no-store on authenticated responses' },
  'edge/cdn': { hours: 2, basis: 'put the app behind a CDN/WAF (DNS change, propagation started early)' },
  'domain-tls/certificate-expiry': { hours: 1, basis: 'renew and automate renewal (ACME)' },
  'domain-tls/hsts': { hours: 0.5, basis: 'Strict-Transport-Security header at the edge' },
  'domain-tls/https-redirect': { hours: 0.5, basis: 'one 301 to https at the edge' },
  'domain-tls/dns-dangling-cname': { hours: 1, perExtraPlace: 0.25, maxHours: 3, basis: 'delete the CNAME or reclaim the resource it points at' },
  'performance/core-action-p95': { hours: 6, perExtraPlace: 1, maxHours: 12, basis: 'profile the slow action, add the missing index or cache, re-measure' },
  'performance/page-lcp': { hours: 4, perExtraPlace: 1, maxHours: 8, basis: 'compress and preload the largest element, trim render-blocking scripts' },
  'deployment/webhook-signatures': { hours: 2, perExtraPlace: 0.5, maxHours: 5, basis: "verify each delivery with the provider's SDK and the signing secret" },
  'deployment/env-missing': { hours: 0.5, perExtraPlace: 0.1, maxHours: 2, basis: 'set the variables in the deploy environment' },
  'deployment/env-undocumented': { hours: 0.5, perExtraPlace: 0.1, maxHours: 2, basis: 'document the variables in .env.example' },
  'deployment/env-production-points-elsewhere': { hours: 1, basis: 'point production at production services' },
  'monitoring/health-endpoint': { hours: 1, basis: 'a /healthz route that checks the database' },
  'monitoring/monitors-configured': { hours: 1, basis: 'uptime and synthetic-login probes with an alert route' },
};

export function effortEstimateOf(check: string, area: Area): EffortEstimate {
  return CHECK_EFFORT[check] ?? AREA_EFFORT[area];
}

/** Hours for one root cause at `places` places, rounded to the quarter hour. */
export function effortHours(estimate: EffortEstimate, places: number): number {
  const extra = Math.max(0, places - 1) * (estimate.perExtraPlace ?? 0);
  const raw = Math.min(estimate.maxHours ?? Number.POSITIVE_INFINITY, estimate.hours + extra);
  return Math.max(estimate.hours, Math.round(raw * 4) / 4);
}
