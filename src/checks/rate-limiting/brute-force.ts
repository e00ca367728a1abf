import { KIND_WORDS, type SensitiveKind } from '../../abuse/endpoints.js';
import { HARM } from '../../abuse/harm.js';
import { burstGatherer, type BurstRun, type EndpointBursts } from '../../abuse/burst.js';
import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { CheckContext } from '../../engine/context.js';
import type { Severity } from '../../model/severity.js';

/** What an unthrottled burst lets an attacker do, per endpoint kind and mode. */
function consequence(kind: SensitiveKind, run: BurstRun): { title: string; severity: Severity } {
  const n = run.sent;
  switch (kind) {
    case 'login':
      return run.mode === 'per-account'
        ? { title: `let ${n} wrong passwords for one account through without throttling (tried on ${run.subject})`, severity: 'high' }
        : { title: `let ${n} failed logins for ${n} different accounts from one address through (password spraying is not slowed)`, severity: 'medium' };
    case 'reset':
    case 'resend':
      return run.mode === 'per-account'
        ? { title: `sent ${n} ${KIND_WORDS[kind]} requests for one address without throttling (anyone can flood a user's inbox)`, severity: 'medium' }
        : { title: `accepted ${n} ${KIND_WORDS[kind]} requests for ${n} different addresses from one client without throttling`, severity: 'medium' };
    case 'signup':
      return { title: `created ${n} accounts from one address without throttling (fake-account and spam sign-ups are free)`, severity: 'medium' };
    case 'token':
      return { title: `checked ${n} made-up tokens from one address without throttling (reset and invite tokens can be guessed)`, severity: 'high' };
    case 'otp':
      return { title: `checked ${n} made-up one-time codes without throttling (a 6-digit code falls to brute force)`, severity: 'high' };
    case 'invite':
      return { title: `sent ${n} invites without throttling (the app can be used to spam strangers)`, severity: 'medium' };
    case 'export':
      return { title: `served ${n} exports in a row without throttling (bulk data extraction is unchecked)`, severity: 'low' };
  }
}

function statusLine(run: BurstRun): string {
  return Object.entries(run.statuses)
    .map(([s, n]) => `${n}× ${/^\d+$/.test(s) ? `HTTP ${s}` : s}`)
    .join(', ');
}

export function judgeEndpoint(b: EndpointBursts, ctx: CheckContext, burstSize: number): FindingDraft[] {
  const e = b.endpoint;
  const location = { url: new URL(e.path, ctx.target.baseUrl ?? 'http://target.invalid').href, method: e.method };
  const route = `${e.method} ${e.path}`;
  if (b.skipped) return [{ status: 'skip', location, discriminator: e.kind, reason: b.skipped }];
  const out: FindingDraft[] = [];
  for (const run of b.runs) {
    const notes = [`${KIND_WORDS[e.kind]} endpoint from ${e.source}`, `${run.mode}: ${run.subject}`, `sent ${run.sent} of at most ${burstSize} in ${run.wallMs} ms: ${statusLine(run)}`];
    const discriminator = `${e.kind}:${run.mode}`;
    if (run.throttled) {
      out.push({
        status: 'pass',
        title: `${route} throttled the ${run.mode === 'per-account' ? 'attempts on one account' : 'attempts from one address'} at attempt ${run.throttledAt} (${run.signal!.label})`,
        location,
        discriminator,
        evidence: {
          ...ctx.evidence.exchange(run.throttled, { bodyLimit: 300 }),
          notes: run.throttledAt === 1 ? [...notes, 'throttled from the first attempt: earlier attempts from this address had already reached a limit'] : notes,
        },
      });
      continue;
    }
    if (run.stoppedBy === 'unreached' || run.reached === 0) {
      out.push({
        status: 'skip',
        location,
        discriminator,
        reason: `the attempts never reached the ${KIND_WORDS[e.kind]} check (${statusLine(run)}): describe the request body in api.openapi, or configure an identity that logs in here`,
        ...(run.last ? { evidence: { ...ctx.evidence.exchange(run.last, { bodyLimit: 300 }), notes } } : {}),
      });
      continue;
    }
    const c = consequence(e.kind, run);
    if (run.stoppedBy === 'time') {
      out.push({
        status: 'warn',
        severity: 'low',
        title: `${route} was not throttled within ${run.sent} attempts (the time bound ended the burst before ${burstSize})`,
        location,
        discriminator,
        evidence: { ...ctx.evidence.exchange(run.last!, { bodyLimit: 300 }), notes },
      });
      continue;
    }
    out.push({ status: 'fail', severity: c.severity, title: `${route} ${c.title}`, location, discriminator, evidence: { ...ctx.evidence.exchange(run.last!, { bodyLimit: 300 }), notes } });
  }
  return out;
}

export const bruteForceThrottling = defineCheck({
  meta: {
    id: 'rate-limiting/brute-force',
    area: 'rate-limiting',
    severity: 'high',
    title: 'Login, signup, password reset, one-time codes and invites throttle repeated attempts, per account and per address',
    why: 'Without a limit, passwords are guessed as fast as the server answers, reset and invite tokens can be brute-forced, and signup and reset forms become spam cannons that burn your email reputation.',
    breaks: 'Attackers take over accounts by guessing or spraying common passwords, flood customers with reset emails, and register fake accounts by the thousand.',
    fix: 'Count failed attempts per account and per client address (e.g. 5 per account and 20 per address per 15 minutes) and answer 429 with Retry-After once over; add exponential back-off or a CAPTCHA after a few failures; count every signup and reset request per address and per target email.',
    references: ['OWASP API4:2023', 'OWASP ASVS 2.2.1', 'CWE-307', 'https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#protect-against-automated-attacks'],
    phase: 'last',
    harm: HARM.bursts,
  },
  requires: { bursts: burstGatherer },
  run({ bursts }, ctx) {
    const out = bursts.endpoints.flatMap((b) => judgeEndpoint(b, ctx, bursts.burstSize));
    if (bursts.throwaway) {
      for (const f of out) f.evidence = { ...(f.evidence ?? {}), notes: [...(f.evidence?.notes ?? []), bursts.throwaway.detail] };
    }
    for (const f of out) f.evidence = { ...(f.evidence ?? {}), notes: [...(f.evidence?.notes ?? []), `all bursts: ${bursts.requests} requests in ${bursts.wallMs} ms`] };
    return out;
  },
});
