import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { CheckContext } from '../../engine/context.js';
import { sessionsGatherer } from '../../identity/session.js';
import type { Evidence } from '../../model/finding.js';
import type { HttpExchange } from '../../net/http.js';
import type { Route } from '../../surface/routes.js';
import { authProbeGatherer, type AttemptKind, type AuthAttempt, type RouteAuthResult } from '../../probes/authentication/probe.js';

/** A route's place in findings: the template, so the same problem keeps the same id across runs. */
export function routeLocation(ctx: CheckContext, route: Pick<Route, 'method' | 'path'>): { url: string; method: string } {
  const origin = ctx.target.baseUrl?.origin ?? '';
  return { url: `${origin}${route.path}`, method: route.method };
}

/** Two exchanges as one piece of evidence: what the authorised party got, then what the other got. */
export function pairEvidence(ctx: CheckContext, first: { label: string; exchange: HttpExchange }, second: { label: string; exchange: HttpExchange }, notes: string[] = []): Evidence {
  const a = ctx.evidence.exchange(first.exchange, { bodyLimit: 300 });
  const b = ctx.evidence.exchange(second.exchange, { bodyLimit: 500 });
  return {
    request: `# ${first.label}\n${a.request ?? ''}\n\n# ${second.label}\n${b.request ?? ''}`,
    response: `# ${first.label}\n${a.response ?? ''}\n\n# ${second.label}\n${b.response ?? ''}`,
    ...(b.reproduce ? { reproduce: b.reproduce } : {}),
    notes,
  };
}

/** When something was tested and nothing failed, say "pass" explicitly next to any "not tested" note. */
export function withPass(ctx: CheckContext, out: FindingDraft[], tested: number): FindingDraft[] {
  if (tested > 0 && !out.some((f) => f.status === 'fail' || f.status === 'warn')) {
    out.unshift({ status: 'pass', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {}, discriminator: 'tested' });
  }
  return out;
}

/** Routes that could not be judged are said so, once per check: never a pass. */
export function notTestedDraft(ctx: CheckContext, what: string, items: Array<{ route: Route; reason: string }>): FindingDraft[] {
  if (items.length === 0) return [];
  const shown = items.slice(0, 12).map((i) => `${i.route.method} ${i.route.path}: ${i.reason}`);
  return [
    {
      status: 'skip',
      location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href, detail: `${what} not tested` } : { detail: `${what} not tested` },
      discriminator: 'not-tested',
      reason: `${items.length} route(s) not tested for ${what}: ${shown.join('; ')}${items.length > shown.length ? ` … and ${items.length - shown.length} more` : ''}`,
    },
  ];
}

const PRIVATE_PATH = /\/(?:me|self|account|accounts|profile|settings|billing|invoices?|orders?|payments?|users?|members?|admin|files?|documents?|tickets?|messages?|reports?|exports?|private|dashboard|customers?|clients?|orgs?|organi[sz]ations?|tenants?|workspaces?|teams?|projects?|stats|analytics)(?:\/|$|\.)/i;

export const identityLogin = defineCheck({
  meta: {
    id: 'authentication/identity-login',
    area: 'authentication',
    severity: 'high',
    title: 'Every configured test identity can log in and its session works',
    why: 'Access control can only be tested with working accounts; a login that silently fails turns every access test into a false pass.',
    breaks: 'Nothing in the product — but every tenant-isolation and role test that needed this identity was not run.',
    fix: 'Check the identity\'s credentials (environment variables), its login flow in launchready.yml, and its `verify` route.',
    references: ['OWASP ASVS 2.1'],
  },
  requires: { sessions: sessionsGatherer },
  run({ sessions }, ctx) {
    const out: FindingDraft[] = [];
    for (const [name, why] of sessions.failures) {
      out.push({ status: 'error', location: { ...(ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {}), detail: `identity ${name}` }, discriminator: name, reason: why });
    }
    return out;
  },
});

function failFor(ctx: CheckContext, r: RouteAuthResult, a: AuthAttempt, title: string, severity?: FindingDraft['severity']): FindingDraft {
  const notes = [a.verdict.why];
  const evidence = r.baseline
    ? pairEvidence(ctx, { label: `as ${r.baseline.identity} (authorised)`, exchange: r.baseline.exchange }, { label: a.kind === 'no-credentials' ? 'with no credentials' : `with a ${a.kind.replace(/-/g, ' ')}`, exchange: a.exchange }, notes)
    : { ...ctx.evidence.exchange(a.exchange), notes };
  return { status: 'fail', ...(severity ? { severity } : {}), title, location: routeLocation(ctx, r.route), evidence, discriminator: a.kind };
}

export const missingAuthentication = defineCheck({
  meta: {
    id: 'authentication/missing-auth',
    area: 'authentication',
    severity: 'critical',
    title: 'Protected routes refuse requests without valid credentials',
    why: 'A route that answers without a login hands its data to anyone on the internet who finds the URL — bundles and API docs list them.',
    breaks: 'Anyone can read (or change) what the route serves, without an account, and no audit log ties it to a user.',
    fix: 'Put the authentication middleware in front of every route by default (deny by default) and mark the few public routes explicitly; answer 401 with no data.',
    references: ['OWASP API2:2023 Broken Authentication', 'OWASP ASVS 4.1.1', 'CWE-306'],
  },
  requires: { probe: authProbeGatherer },
  run({ probe }, ctx) {
    const out: FindingDraft[] = [];
    const notTested: Array<{ route: Route; reason: string }> = [];
    for (const r of probe.results) {
      if (r.notTested) notTested.push({ route: r.route, reason: r.notTested });
      const anon = r.attempts.find((a) => a.kind === 'no-credentials');
      if (anon?.verdict.data) {
        const declared = r.route.auth === true;
        const sameAsOwner = r.baseline?.exchange.response && anon.exchange.response?.body.equals(r.baseline.exchange.response.body);
        if (declared) out.push(failFor(ctx, r, anon, `${r.route.method} ${r.route.path} answers with data without any credentials`));
        else if (r.baseline && PRIVATE_PATH.test(r.route.path) && !sameAsOwner)
          out.push(failFor(ctx, r, anon, `${r.route.method} ${r.route.path} answers with data without any credentials (the API does not say it is public)`, 'high'));
        else if (r.baseline && PRIVATE_PATH.test(r.route.path))
          out.push({ ...failFor(ctx, r, anon, `${r.route.method} ${r.route.path} answers without credentials — confirm it is meant to be public`, 'medium'), status: 'warn' });
      }
      const mal = r.attempts.find((a) => a.kind === 'malformed-token');
      if (mal?.verdict.data && !anon?.verdict.data) out.push(failFor(ctx, r, mal, `${r.route.method} ${r.route.path} accepts a malformed token`));
    }
    const tested = probe.results.filter((r) => !r.notTested || r.attempts.length > 0).length;
    return [...withPass(ctx, out, tested), ...notTestedDraft(ctx, 'missing authentication', notTested)];
  },
});

const JWT_KINDS: Record<string, { title: string }> = {
  'jwt-signature-stripped': { title: 'accepts a JWT whose signature was removed' },
  'jwt-alg-none': { title: 'accepts an unsigned JWT ("alg": "none")' },
  'jwt-tampered-payload': { title: 'accepts a JWT whose claims were changed after signing' },
};

export const jwtVerification = defineCheck({
  meta: {
    id: 'authentication/jwt-verification',
    area: 'authentication',
    severity: 'critical',
    title: 'Tokens are verified: no stripped signatures, no "alg: none", no tampered claims',
    why: 'A JWT is only as good as the server\'s signature check. If it trusts the token\'s own "alg" or skips verification, anyone can write their own token.',
    breaks: 'An attacker edits the token\'s claims (user id, role, tenant) and becomes any user, including an admin.',
    fix: 'Verify with a maintained library and pin the algorithm (e.g. `jwt.verify(token, key, { algorithms: ["HS256"] })`); reject "none" and tokens whose signature does not match.',
    references: ['OWASP API2:2023 Broken Authentication', 'RFC 8725 §3.1–3.2', 'CWE-347'],
  },
  requires: { probe: authProbeGatherer },
  run({ probe }, ctx) {
    if (probe.jwts.length === 0) return [{ status: 'skip', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {}, reason: 'no identity carries a JWT (bearer, API-key header or cookie)' }];
    const out: FindingDraft[] = [];
    let tried = 0;
    for (const r of probe.results) {
      for (const a of r.attempts) {
        const k = JWT_KINDS[a.kind];
        if (!k) continue;
        tried++;
        if (a.verdict.data && !out.some((f) => f.discriminator === a.kind)) out.push(failFor(ctx, r, a, `The API ${k.title}`));
      }
    }
    if (tried === 0) return [{ status: 'skip', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {}, reason: 'no route answered the token holder with data, so tampered tokens had nothing to be compared with' }];
    return out;
  },
});

export const jwtWeakSecret = defineCheck({
  meta: {
    id: 'authentication/jwt-weak-secret',
    area: 'authentication',
    severity: 'critical',
    title: 'JWTs are not signed with a guessable secret',
    why: 'An HMAC-signed token is forged by anyone who knows the secret; common secrets ("secret", "changeme", tutorial values) are tried by attackers in seconds, offline.',
    breaks: 'Anyone can mint a valid token for any user or role.',
    fix: 'Sign with a random secret of at least 256 bits from a secret manager (e.g. `openssl rand -base64 48`), or switch to an asymmetric key; rotate it now, which logs everyone out.',
    references: ['RFC 8725 §3.5', 'OWASP ASVS 3.5.3', 'CWE-521'],
  },
  requires: { probe: authProbeGatherer },
  run({ probe }, ctx) {
    const hmac = probe.jwts.filter((j) => /^HS/.test(j.alg));
    if (hmac.length === 0) return [{ status: 'skip', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {}, reason: probe.jwts.length ? `the tokens are not HMAC-signed (${probe.jwts[0]!.alg})` : 'no identity carries a JWT' }];
    const out: FindingDraft[] = [];
    for (const j of hmac) {
      if (!j.weakSecret) continue;
      const forged = probe.results.flatMap((r) => r.attempts.filter((a) => a.kind === 'jwt-resigned-weak-secret').map((a) => ({ r, a })))[0];
      const notes = [
        `The ${j.alg} token of ${j.identity} (${j.carrier}) verifies with a dictionary secret of ${j.weakSecret.length} characters (sha256 ${j.weakSecret.sha256.slice(0, 12)}…).`,
        forged ? (forged.a.verdict.data ? `A token re-signed with it was accepted: ${forged.a.verdict.why}.` : `A token re-signed with it was not accepted on ${forged.r.route.path} (${forged.a.verdict.why}); the secret is still guessable.`) : 'No route was available to try a re-signed token on.',
      ];
      const evidence = forged ? { ...ctx.evidence.exchange(forged.a.exchange), value: j.weakSecret, notes } : { value: j.weakSecret, notes };
      out.push({ status: 'fail', location: { ...(ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {}), detail: `JWT of ${j.identity}` }, discriminator: j.identity, evidence });
      break;
    }
    return out;
  },
});

export const jwtExpiry = defineCheck({
  meta: {
    id: 'authentication/jwt-expiry',
    area: 'authentication',
    severity: 'medium',
    title: 'JWTs expire',
    why: 'A token without "exp" works forever: one leaked token (a log line, a browser extension, a laptop) is a permanent key.',
    breaks: 'A stolen token keeps working after logout, password change and offboarding.',
    fix: 'Issue access tokens with a short "exp" (15–60 minutes) and renew them with a refresh token that the server can revoke.',
    references: ['RFC 7519 §4.1.4', 'OWASP ASVS 3.5.2', 'CWE-613'],
  },
  requires: { probe: authProbeGatherer },
  run({ probe }, ctx) {
    if (probe.jwts.length === 0) return [{ status: 'skip', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {}, reason: 'no identity carries a JWT' }];
    const out: FindingDraft[] = [];
    // One server issues every identity's token: one finding, naming each identity it applies to.
    const never = probe.jwts.filter((j) => !j.hasExp);
    const long = probe.jwts.filter((j) => j.hasExp && j.lifetimeSeconds !== undefined && j.lifetimeSeconds > 30 * 86400);
    const loc = ctx.target.baseUrl ? { url: ctx.target.baseUrl.href, detail: 'issued JWTs' } : { detail: 'issued JWTs' };
    const first = never[0] ?? long[0];
    const base = first?.loginExchange ? ctx.evidence.exchange(first.loginExchange, { bodyLimit: 300 }) : {};
    if (never.length) {
      out.push({ status: 'fail', title: `JWTs never expire (no "exp" claim in the token${never.length > 1 ? 's' : ''} of ${never.map((j) => j.identity).join(', ')})`, location: loc, discriminator: 'no-exp', evidence: { ...base, value: never[0]!.token, notes: [`claims: ${never[0]!.claims.join(', ')}`] } });
    } else if (long.length) {
      const days = Math.round(long[0]!.lifetimeSeconds! / 86400);
      out.push({ status: 'warn', severity: 'low', title: `JWTs live ${days} days (${long.map((j) => j.identity).join(', ')})`, location: loc, discriminator: 'long-lived', evidence: { ...base, value: long[0]!.token, notes: [`lifetime ${long[0]!.lifetimeSeconds} s`] } });
    }
    return out;
  },
});

export type { AttemptKind };
