import { mad, median, normalizeBody } from '../../abuse/compare.js';
import { HARM } from '../../abuse/harm.js';
import { enumerationGatherer, type EnumerationProbe, type LookupProbe } from '../../abuse/enumeration.js';
import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { CheckContext } from '../../engine/context.js';

const WHAT = { login: 'login', reset: 'password reset' } as const;

/** How the two groups differ, or undefined when they cannot be told apart. */
export function enumerationDifference(p: Pick<EnumerationProbe, 'samples'>, timingFloorMs: number): { how: 'status' | 'body' | 'timing'; words: string; notes: string[] } | undefined {
  const ex = p.samples.filter((s) => s.group === 'existing');
  const un = p.samples.filter((s) => s.group === 'unknown');
  if (ex.length === 0 || un.length === 0 || ex.length !== un.length) return undefined;
  const statusOf = (s: (typeof ex)[number]): string => (s.exchange.response ? String(s.exchange.response.status) : `no response (${s.exchange.error?.code})`);
  const exStatus = new Set(ex.map(statusOf));
  const unStatus = new Set(un.map(statusOf));
  if (![...exStatus].some((s) => unStatus.has(s)) && ex.every((s) => s.exchange.response) && un.every((s) => s.exchange.response)) {
    return { how: 'status', words: `HTTP ${[...exStatus].join('/')} for existing accounts, HTTP ${[...unStatus].join('/')} for unknown ones`, notes: [] };
  }
  const exBodies = new Set(ex.map((s) => normalizeBody(s.exchange.response?.text() ?? '', s.identifier)));
  const unBodies = new Set(un.map((s) => normalizeBody(s.exchange.response?.text() ?? '', s.identifier)));
  const disjoint = ![...exBodies].some((b) => unBodies.has(b));
  // Bodies that differ on every single request (a nonce we could not normalise) prove nothing.
  const stable = exBodies.size < ex.length || unBodies.size < un.length;
  if (disjoint && stable) {
    const sample = (set: Set<string>): string => {
      const v = [...set][0] ?? '';
      return v.length > 140 ? `${v.slice(0, 140)}…` : v;
    };
    return { how: 'body', words: 'a different response body for existing accounts', notes: [`existing: ${sample(exBodies)}`, `unknown: ${sample(unBodies)}`] };
  }
  const exMs = ex.map((s) => s.exchange.timing.totalMs);
  const unMs = un.map((s) => s.exchange.timing.totalMs);
  const diff = median(exMs) - median(unMs);
  const noise = Math.max(mad(exMs), mad(unMs), 0.5);
  const separated = diff > 0 ? Math.min(...exMs) > Math.max(...unMs) : Math.min(...unMs) > Math.max(...exMs);
  if (separated && Math.abs(diff) > Math.max(timingFloorMs, 6 * noise)) {
    const r = (x: number): string => `${Math.round(x)} ms`;
    return {
      how: 'timing',
      words: `response time: ${r(median(exMs))} for existing accounts vs ${r(median(unMs))} for unknown ones (spread within each group ≤ ${r(noise)})`,
      notes: [`existing: ${exMs.map(r).join(', ')}`, `unknown: ${unMs.map(r).join(', ')}`],
    };
  }
  return undefined;
}

function judge(p: EnumerationProbe, floor: number, ctx: CheckContext): FindingDraft {
  const e = p.endpoint;
  const kind = e.kind === 'login' ? 'login' : 'reset';
  const location = { url: new URL(e.path, ctx.target.baseUrl ?? 'http://target.invalid').href, method: e.method };
  const notes = [`${p.samples.length} requests, interleaved: configured identities (with a wrong password) and made-up accounts`];
  if (p.unreached) return { status: 'skip', location, discriminator: kind, reason: p.unreached };
  if (p.throttled) return { status: 'skip', location, discriminator: kind, reason: `not comparable: ${p.throttled}` };
  const d = enumerationDifference(p, floor);
  const existing = p.samples.find((s) => s.group === 'existing')!;
  const unknown = p.samples.find((s) => s.group === 'unknown')!;
  if (!d) return { status: 'pass', title: `${e.method} ${e.path} answers existing and unknown accounts alike`, location, discriminator: kind, evidence: { ...ctx.evidence.exchange(unknown.exchange, { bodyLimit: 200 }), notes } };
  const ev = ctx.evidence.exchange(existing.exchange, { bodyLimit: 300 });
  const other = ctx.evidence.exchange(unknown.exchange, { bodyLimit: 300 });
  return {
    status: 'fail',
    severity: d.how === 'timing' ? 'low' : 'medium',
    title: `${e.method} ${e.path} reveals which accounts exist (${WHAT[kind]}): ${d.words}`,
    location,
    discriminator: kind,
    evidence: { ...ev, response: `existing account:\n${ev.response ?? ''}\n\nunknown account:\n${other.response ?? ''}`, notes: [...notes, ...d.notes, `unknown-account request: ${other.reproduce ?? ''}`] },
  };
}

function judgeLookup(p: LookupProbe, floor: number, ctx: CheckContext): FindingDraft {
  const method = p.route.slice(0, p.route.indexOf(' '));
  const location = { url: new URL(p.route.slice(p.route.indexOf(' ') + 1), ctx.target.baseUrl ?? 'http://target.invalid').href.replace(/%7B/g, '{').replace(/%7D/g, '}'), method };
  const discriminator = `lookup:${p.route}:${p.param}`;
  const notes = [`${p.samples.length} anonymous requests, interleaved: configured identities and made-up accounts in the ${p.in} field "${p.param}"`];
  if (p.unreached) return { status: 'skip', location, discriminator, reason: p.unreached };
  if (p.throttled) return { status: 'skip', location, discriminator, reason: `not comparable: ${p.throttled}` };
  if (p.protectedBy) return { status: 'pass', title: `${p.route} tells anonymous callers nothing about accounts (it needs a login)`, location, discriminator, evidence: { ...ctx.evidence.exchange(p.samples[1]!.exchange, { bodyLimit: 200 }), notes: [...notes, p.protectedBy] } };
  const d = enumerationDifference(p, floor);
  const existing = p.samples.find((s) => s.group === 'existing')!;
  const unknown = p.samples.find((s) => s.group === 'unknown')!;
  if (!d) return { status: 'pass', title: `${p.route} answers existing and unknown accounts alike`, location, discriminator, evidence: { ...ctx.evidence.exchange(unknown.exchange, { bodyLimit: 200 }), notes } };
  const ev = ctx.evidence.exchange(existing.exchange, { bodyLimit: 300 });
  const other = ctx.evidence.exchange(unknown.exchange, { bodyLimit: 300 });
  return {
    status: 'fail',
    severity: d.how === 'timing' ? 'low' : 'medium',
    title: `${p.route} reveals which accounts exist (by "${p.param}"): ${d.words}`,
    location,
    discriminator,
    evidence: { ...ev, response: `existing account:\n${ev.response ?? ''}\n\nunknown account:\n${other.response ?? ''}`, notes: [...notes, ...d.notes, `unknown-account request: ${other.reproduce ?? ''}`] },
    fix: 'Do not answer "does this account exist" to anyone who asks: require a logged-in caller for profile and lookup routes, answer availability checks only during signup behind a rate limit and a CAPTCHA, and answer invites and recovery questions with one message whatever the address.',
  };
}

/** A wrong password for an existing account answered with 2xx: failures look like successes to clients, proxies and monitors. */
function failedLogin200(p: EnumerationProbe, ctx: CheckContext): FindingDraft | undefined {
  if (p.endpoint.kind !== 'login' || p.unreached) return undefined;
  // An API answer only: a server-rendered form re-displayed with its error and HTTP 200 is ordinary.
  const wrong = p.samples.filter((s) => s.group === 'existing' && s.exchange.response && s.exchange.response.status >= 200 && s.exchange.response.status < 300 && /json/i.test(s.exchange.response.headers['content-type'] ?? ''));
  if (wrong.length === 0 || wrong.length !== p.samples.filter((s) => s.group === 'existing').length) return undefined;
  const e = p.endpoint;
  return {
    status: 'fail',
    severity: 'low',
    title: `${e.method} ${e.path} answers a failed login (wrong password) with HTTP ${wrong[0]!.exchange.response!.status}`,
    location: { url: new URL(e.path, ctx.target.baseUrl ?? 'http://target.invalid').href, method: e.method },
    discriminator: 'failed-login-2xx',
    evidence: { ...ctx.evidence.exchange(wrong[0]!.exchange, { bodyLimit: 300 }), notes: [`${wrong.length} wrong-password attempts for configured identities, all answered 2xx`] },
    fix: 'Answer a failed login with 401 (and the same body for every failure), so clients, proxies, WAF rules and monitors can count failures and rate limits can key on them.',
  };
}

export const userEnumeration = defineCheck({
  meta: {
    id: 'authentication/user-enumeration',
    area: 'authentication',
    severity: 'medium',
    title: 'Login, password reset and every lookup by email or username answer the same for existing and unknown accounts',
    why: 'If the login or reset form answers differently (status, message or timing) for an address that has an account, anyone can test a list of emails and learn who your customers are.',
    breaks: 'Attackers build a list of your real users for targeted phishing and for password guessing that only spends attempts on accounts that exist.',
    fix: 'Answer every login failure with the same status and message ("Invalid email or password") and every reset request with the same 202 ("If an account exists, we sent a link"); do the same work (hash a dummy password, queue the email asynchronously) in both cases so timing matches.',
    references: ['OWASP ASVS 2.2.1', 'OWASP WSTG-IDNT-04', 'CWE-204', 'CWE-208'],
    phase: 'last',
    harm: HARM.enumeration,
  },
  requires: { probe: enumerationGatherer },
  run({ probe }, ctx) {
    const out = probe.probes.map((p) => judge(p, probe.timingFloorMs, ctx));
    for (const p of probe.probes) {
      const f = failedLogin200(p, ctx);
      if (f) out.push(f);
    }
    out.push(...probe.lookups.map((p) => judgeLookup(p, probe.timingFloorMs, ctx)));
    for (const n of probe.notTested) out.push({ status: 'skip', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {}, discriminator: `lookup:${n.route}`, reason: `${n.route}: ${n.reason}` });
    return out;
  },
});
