import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { CheckContext } from '../../engine/context.js';
import { sessionsGatherer } from '../../identity/session.js';
import type { Evidence } from '../../model/finding.js';
import type { HttpExchange } from '../../net/http.js';
import type { Route } from '../../surface/routes.js';
import { authProbeGatherer, type AttemptKind, type AuthAttempt, type RouteAuthResult } from '../../probes/authentication/probe.js';
import { personalData } from './content.js';
import { findLeaks } from '../input-validation/leak-signatures.js';

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
      const judged = anon ? judgeAnonymous(r, anon, publicByConfig(ctx, r.route)) : undefined;
      if (judged) {
        const f = failFor(ctx, r, anon!, judged.title, judged.severity);
        f.evidence = { ...f.evidence, notes: [...(f.evidence?.notes ?? []), ...judged.notes] };
        out.push(judged.warn ? { ...f, status: 'warn' } : f);
      }
      const mal = r.attempts.find((a) => a.kind === 'malformed-token');
      if (mal?.verdict.data && !anon?.verdict.data) out.push(failFor(ctx, r, mal, `${r.route.method} ${r.route.path} accepts a malformed token`));
    }
    const tested = probe.results.filter((r) => !r.notTested || r.attempts.length > 0).length;
    if (probe.identities === 0) {
      const note: FindingDraft = {
        status: 'skip',
        location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href, detail: 'judged without identities' } : { detail: 'judged without identities' },
        discriminator: 'no-identities',
        reason: `no identity could log in: ${tested} route(s) were asked without credentials and judged by their content alone (personal data, credentials); routes that answer data no identity could compare with are not proven private — configure identities in launchready.yml`,
      };
      return [...(out.length ? out : []), note, ...notTestedDraft(ctx, 'missing authentication', notTested)];
    }
    return [...withPass(ctx, out, tested), ...notTestedDraft(ctx, 'missing authentication', notTested)];
  },
});

/** The user said in launchready.yml that the route is public (`api.routes: [{ …, auth: false }]`): trusted, unlike the target's spec. */
function publicByConfig(ctx: CheckContext, route: Route): boolean {
  return ctx.config.api.routes.some((x) => typeof x !== 'string' && x.auth === false && x.path === route.path && x.method.toUpperCase() === route.method);
}

/**
 * Whether an anonymous answer is a missing-authentication finding, judged by content: another
 * identity's values or personal data in it make it private whatever the target's spec says.
 */
export function judgeAnonymous(r: RouteAuthResult, anon: AuthAttempt, publicByUser: boolean): { title: string; severity?: FindingDraft['severity']; notes: string[]; warn?: boolean } | undefined {
  if (!anon.verdict.data || publicByUser) return undefined;
  const where = `${r.route.method} ${r.route.path}`;
  const specSaysPublic = r.route.auth === false;
  const specNote = specSaysPublic ? ['the API description marks this route public (security: []); its content says otherwise'] : [];
  const json = anon.exchange.response?.json();
  const personal = json !== undefined ? personalData(json) : { kinds: [], fields: [], records: 0 };
  const sensitive = personal.kinds.some((k) => /password|credentials|national|health|payment/.test(k));
  if (r.anonymousMatches?.length) {
    return { title: `${where} answers a test identity's data without any credentials`, severity: 'critical', notes: [`values of a configured identity in the anonymous answer: ${r.anonymousMatches.map((m) => JSON.stringify(m.length > 40 ? `${m.slice(0, 40)}…` : m)).join(', ')}`, ...specNote] };
  }
  if (personal.records >= 2 || (sensitive && personal.records >= 1)) {
    return { title: `${where} answers personal data (${personal.kinds.join(', ')}) without any credentials`, severity: r.route.auth === true ? 'critical' : 'high', notes: [`fields: ${personal.fields.join(', ')} in ${personal.records} record(s)`, ...specNote] };
  }
  if (r.route.auth === true) return { title: `${where} answers with data without any credentials`, notes: [] };
  if (specSaysPublic) return undefined;
  const sameAsOwner = r.baseline?.exchange.response && anon.exchange.response?.body.equals(r.baseline.exchange.response.body);
  if (r.baseline && PRIVATE_PATH.test(r.route.path) && !sameAsOwner) return { title: `${where} answers with data without any credentials (the API does not say it is public)`, severity: 'high', notes: [] };
  if (r.baseline && PRIVATE_PATH.test(r.route.path)) return { title: `${where} answers without credentials — confirm it is meant to be public`, severity: 'medium', notes: [], warn: true };
  return undefined;
}

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
      // A forged token only proves something where anonymous requests get nothing.
      const anon = r.attempts.find((a) => a.kind === 'no-credentials');
      for (const a of r.attempts) {
        const k = JWT_KINDS[a.kind];
        if (!k) continue;
        tried++;
        if (a.verdict.data && anon?.verdict.data) continue;
        if (a.verdict.data && anon && !out.some((f) => f.discriminator === a.kind)) {
          const f = failFor(ctx, r, a, `The API ${k.title}`);
          f.evidence = { ...f.evidence, notes: [...(f.evidence?.notes ?? []), `without credentials the same request gets ${anon.verdict.why}`] };
          out.push(f);
        }
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

/** Responses to requests with broken credentials: what an attacker sees when probing the token check. */
const BROKEN_CREDENTIAL_KINDS: ReadonlySet<string> = new Set(['malformed-token', 'jwt-signature-stripped', 'jwt-alg-none', 'jwt-tampered-payload', 'no-credentials']);

export const credentialErrorLeak = defineCheck({
  meta: {
    id: 'authentication/credential-error-leak',
    area: 'authentication',
    severity: 'high',
    title: 'Bad or missing credentials get a clean 401, never a 5xx or internals',
    why: 'Attackers probe the token check first; a stack trace or a 500 there shows where verification breaks and which library does it.',
    breaks: 'Stack traces, file paths and library versions leak to anyone sending a garbage token; a 500 on a bad token often means the check can be bypassed or crashed.',
    fix: 'Catch verification errors in the authentication middleware and answer 401 with a short message; log the detail server-side.',
    references: ['OWASP API8:2023', 'OWASP ASVS 7.4.1', 'CWE-209'],
  },
  requires: { probe: authProbeGatherer },
  run({ probe }, ctx) {
    const out: FindingDraft[] = [];
    let tried = 0;
    for (const r of probe.results) {
      for (const a of r.attempts) {
        if (!BROKEN_CREDENTIAL_KINDS.has(a.kind)) continue;
        tried++;
        const res = a.exchange.response;
        if (!res) continue;
        const leaks = findLeaks(res.text());
        const label = a.kind === 'no-credentials' ? 'no credentials' : `a ${a.kind.replace(/-/g, ' ')}`;
        if (leaks.length && !out.some((f) => f.discriminator === `${r.route.method} ${r.route.path}:leak`)) {
          out.push({
            status: 'fail',
            title: `${r.route.method} ${r.route.path} shows ${[...new Set(leaks.map((l) => l.kind.replace('-', ' ')))].join(' and ')} to ${label}`,
            location: routeLocation(ctx, r.route),
            discriminator: `${r.route.method} ${r.route.path}:leak`,
            evidence: { ...ctx.evidence.exchange(a.exchange, { bodyLimit: 800 }), notes: leaks.map((l) => `${l.id}: matched`) },
          });
        } else if (res.status >= 500 && !out.some((f) => f.discriminator === `${r.route.method} ${r.route.path}:5xx`)) {
          out.push({
            status: 'fail',
            severity: 'medium',
            title: `${r.route.method} ${r.route.path} answers HTTP ${res.status} to ${label} (expected 401)`,
            location: routeLocation(ctx, r.route),
            discriminator: `${r.route.method} ${r.route.path}:5xx`,
            evidence: ctx.evidence.exchange(a.exchange, { bodyLimit: 300 }),
          });
        }
      }
    }
    if (tried === 0) return [{ status: 'skip', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {}, reason: 'no request with missing or broken credentials was sent' }];
    return out;
  },
});

export const specMarksPrivatePublic = defineCheck({
  meta: {
    id: 'authentication/spec-security',
    area: 'authentication',
    severity: 'low',
    title: 'The API description does not mark private routes public',
    why: 'Generated clients, gateways and scanners trust `security: []`: a private route documented as public gets no credentials from clients and no protection from a gateway that enforces the spec.',
    breaks: 'Tools that follow the spec call private routes anonymously or leave them out of access reviews; the next refactor may drop the check the spec says is not needed.',
    fix: 'Describe the real requirement in the OpenAPI document: a global `security:` block, with `security: []` only on the few public operations (health, login, public catalogue).',
    references: ['OpenAPI 3.1 Security Requirement Object', 'OWASP API9:2023 Improper Inventory Management'],
  },
  requires: { probe: authProbeGatherer },
  run({ probe }, ctx) {
    const claimed = probe.results.filter((r) => r.route.auth === false && r.route.source === 'openapi' && r.route.method === 'GET');
    if (claimed.length === 0) return [{ status: 'skip', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {}, reason: 'the API description marks no route public (or there is none)' }];
    const wrong: Array<{ r: RouteAuthResult; why: string }> = [];
    for (const r of claimed) {
      const anon = r.attempts.find((a) => a.kind === 'no-credentials');
      const st = anon?.exchange.response?.status;
      if ((st === 401 || st === 403) && (r.baseline ? isSuccessStatus(r.baseline.exchange.response?.status) : true)) wrong.push({ r, why: `anonymous HTTP ${st}${r.baseline ? `, ${r.baseline.identity} HTTP ${r.baseline.exchange.response?.status}` : ''}` });
      else if (anon && judgeAnonymous(r, anon, publicByConfig(ctx, r.route))) wrong.push({ r, why: 'answers private data anonymously (see missing authentication)' });
    }
    if (wrong.length === 0) return [];
    const first = wrong[0]!;
    return [
      {
        status: 'fail',
        title: `The API description marks ${wrong.length} private route(s) public (security: [])`,
        location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href, detail: 'OpenAPI security' } : { detail: 'OpenAPI security' },
        discriminator: 'security-empty',
        evidence: { ...ctx.evidence.exchange(first.r.attempts[0]!.exchange, { bodyLimit: 200 }), notes: wrong.slice(0, 12).map((w) => `${w.r.route.method} ${w.r.route.path}: ${w.why}`) },
      },
    ];
  },
});

function isSuccessStatus(s: number | undefined): boolean {
  return s !== undefined && s >= 200 && s < 300;
}
