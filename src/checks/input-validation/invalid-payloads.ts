import { fuzzGatherer, looksSuperLinear, type FuzzAttempt, type FuzzEvidence } from '../../abuse/fuzz.js';
import { HARM } from '../../abuse/harm.js';
import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { CheckContext } from '../../engine/context.js';
import type { Evidence } from '../../model/finding.js';
import type { Severity } from '../../model/severity.js';
import { shellQuote } from '../../net/http.js';
import { findLeaks } from './leak-signatures.js';

type Outcome = 'leak' | 'dropped' | 'hang' | '5xx' | 'accepted' | 'duplicate-key';

const OUTCOME: Record<Outcome, { severity: Severity; status: 'fail' | 'warn'; words: (a: FuzzAttempt, extra: string) => string }> = {
  leak: { severity: 'high', status: 'fail', words: (a, extra) => `shows ${extra} in its answer to ${a.case.label}` },
  dropped: { severity: 'high', status: 'fail', words: (a, extra) => `dropped the connection (${extra}) on ${a.case.label}` },
  hang: { severity: 'medium', status: 'fail', words: (a, extra) => `did not answer within ${extra} to ${a.case.label}` },
  '5xx': { severity: 'medium', status: 'fail', words: (a, extra) => `answers ${extra} to ${a.case.label} (expected 4xx)` },
  accepted: { severity: 'low', status: 'warn', words: (a, extra) => `accepted ${a.case.label} (${extra}; a 4xx was expected)` },
  'duplicate-key': { severity: 'info', status: 'warn', words: (a, extra) => `accepted ${a.case.label} and used the ${extra}` },
};

/** Which of two duplicate values the answer shows (top level or under data/user/item), if either. */
export function duplicateKeyWinner(a: FuzzAttempt): 'last' | 'first' | undefined {
  const d = a.case.duplicateKey;
  const r = a.exchange.response;
  if (!d || !r || r.status >= 300) return undefined;
  const body = r.json();
  if (!body || typeof body !== 'object') return undefined;
  const o = body as Record<string, unknown>;
  for (const holder of [o, o['data'], o['user'], o['item'], o['result']]) {
    if (!holder || typeof holder !== 'object' || !(d.field in (holder as object))) continue;
    const v = (holder as Record<string, unknown>)[d.field];
    if (JSON.stringify(v) === JSON.stringify(d.second)) return 'last';
    if (JSON.stringify(v) === JSON.stringify(d.first)) return 'first';
  }
  return undefined;
}

function outcomesOf(a: FuzzAttempt): Array<{ outcome: Outcome; extra: string }> {
  const ex = a.exchange;
  if (ex.error) return ex.error.code === 'TIMEOUT' ? [{ outcome: 'hang', extra: ex.error.message.replace(/^no complete response within /, '') }] : [{ outcome: 'dropped', extra: ex.error.code }];
  const r = ex.response!;
  const out: Array<{ outcome: Outcome; extra: string }> = [];
  const leaks = findLeaks(r.text());
  if (leaks.length) out.push({ outcome: 'leak', extra: [...new Set(leaks.map((l) => l.kind.replace('-', ' ')))].join(' and ') });
  if (r.status >= 500) out.push({ outcome: '5xx', extra: `HTTP ${r.status}` });
  else if (r.status < 300 && a.case.mustReject) out.push({ outcome: 'accepted', extra: `HTTP ${r.status}` });
  const winner = duplicateKeyWinner(a);
  if (winner) out.push({ outcome: 'duplicate-key', extra: `${winner} value` });
  return out;
}

/** The reproduction command; bodies too large to paste are rebuilt by a one-line node expression. */
export function reproduction(a: FuzzAttempt, ctx: CheckContext): Evidence {
  const ev = ctx.evidence.exchange(a.exchange, { bodyLimit: 400 });
  if (a.case.bodyExpr && ev.reproduce) {
    const data = `--data-binary "$(node -e ${shellQuote(`process.stdout.write(${a.case.bodyExpr})`)})"`;
    ev.reproduce = ev.reproduce.replace(/--data-raw '(?:[^']|'\\'')*'/, () => data);
  }
  return ev;
}

/**
 * Size escalations whose answer time grew faster than the input: from one step to the next the time
 * above the route's ordinary answers grew 1.5 times faster than the length or more, and by at least
 * 100 ms — a validator or parser that is super-linear in its input (a catastrophic regex, a
 * quadratic loop), found before it can hang the server.
 */
export function superLinear(attempts: readonly FuzzAttempt[]): Array<{ route: string; field: string; steps: FuzzAttempt[]; words: string }> {
  const out: Array<{ route: string; field: string; steps: FuzzAttempt[]; words: string }> = [];
  const byRoute = new Map<string, FuzzAttempt[]>();
  for (const a of attempts) byRoute.set(a.route, [...(byRoute.get(a.route) ?? []), a]);
  for (const [route, list] of byRoute) {
    const ordinary = list.filter((a) => !a.case.escalation && a.exchange.response).map((a) => a.exchange.timing.totalMs).sort((x, y) => x - y);
    const families = new Map<string, FuzzAttempt[]>();
    for (const a of list) if (a.case.escalation) families.set(a.case.escalation.family, [...(families.get(a.case.escalation.family) ?? []), a]);
    for (const steps of families.values()) {
      const answered = steps.filter((s) => s.exchange.response);
      if (answered.length < 2) continue;
      const normal = ordinary.length ? ordinary[Math.floor(ordinary.length / 2)]! : answered[0]!.exchange.timing.totalMs;
      // A size measured twice (a suspected step is sent again) counts with its faster answer.
      const byLength = new Map<number, number>();
      for (const s of answered) byLength.set(s.case.escalation!.length, Math.min(byLength.get(s.case.escalation!.length) ?? Infinity, s.exchange.timing.totalMs));
      const sizes = [...byLength].sort((x, y) => x[0] - y[0]).map(([length, ms]) => ({ length, ms }));
      for (let i = 1; i < sizes.length; i++) {
        if (looksSuperLinear(sizes[i - 1]!, sizes[i]!, normal)) {
          const fmt = (s: FuzzAttempt): string => `${s.case.escalation!.length.toLocaleString('en')} characters${s.case.repeat ? ' (again)' : ''} → ${s.exchange.response ? `${Math.round(s.exchange.timing.totalMs)} ms` : `no answer (${s.exchange.error?.code})`}`;
          out.push({ route, field: steps.find((s) => s.case.escalation!.length === sizes[i]!.length)!.case.field ?? '?', steps, words: `${steps.map(fmt).join(', ')} (ordinary answers: ${Math.round(normal)} ms)` });
          break;
        }
      }
    }
  }
  return out;
}

function summary(f: FuzzEvidence): string[] {
  const notes = [
    `seed ${f.seed}: ${f.attempts.length} invalid payloads to ${f.routes.length} write routes; ${f.requests} requests in ${f.wallMs} ms (bounds: ${f.maxRequests} requests, ${f.deadlineMs} ms)`,
  ];
  if (f.stoppedBy) notes.push(`stopped early at ${f.stoppedBy}`);
  for (const s of f.escalationStops ?? []) notes.push(`${s.route}: stopped growing ${s.family} at ${s.atLength.toLocaleString('en')} characters: ${s.reason}`);
  for (const s of f.stoppedFamilies ?? []) notes.push(`not sent again: ${s.reason}`);
  if (f.created.length) notes.push(`created: ${f.created.join('; ')}`);
  if (f.deleted.length) notes.push(`deleted again: ${f.deleted.join('; ')}`);
  if (f.leftBehind.length) notes.push(`left behind (created by launchready, marker in the values): ${f.leftBehind.join('; ')}`);
  for (const n of f.notTested.slice(0, 8)) notes.push(`not tested: ${n.route}: ${n.reason}`);
  return notes;
}

export const invalidPayloads = defineCheck({
  meta: {
    id: 'input-validation/invalid-payloads',
    area: 'input-validation',
    severity: 'medium',
    title: 'Every write endpoint rejects invalid payloads with a 4xx: no 5xx, hang, dropped connection or leaked internals',
    why: 'Real clients send broken input every day, and attackers send it on purpose. An endpoint that crashes, hangs or prints its internals on bad input is one an attacker can take down or map, and often one where SQL or NoSQL injection works.',
    breaks: 'A single crafted request can crash a worker, tie it up, or reveal the code and queries behind it; quotes reaching SQL unescaped mean data theft is one step away.',
    fix: 'Validate each body against a schema before any logic runs (types, required fields, no unknown properties, length and range limits, depth limits) and answer 400/422; use parameterised queries only; cap body size and nesting; let a global error handler log details and return a generic 500.',
    references: ['OWASP API8:2023', 'OWASP ASVS 5.1.3', 'OWASP ASVS 7.4.1', 'CWE-20', 'CWE-89', 'CWE-943', 'CWE-209', 'https://schemathesis.readthedocs.io/'],
    phase: 'last',
    harm: HARM.fuzz,
  },
  requires: { fuzz: fuzzGatherer },
  run({ fuzz }, ctx) {
    const groups = new Map<string, { outcome: Outcome; extra: string; attempts: FuzzAttempt[] }>();
    for (const a of fuzz.attempts) {
      for (const o of outcomesOf(a)) {
        const key = `${a.route}\u0000${o.outcome}`;
        const g = groups.get(key) ?? { outcome: o.outcome, extra: o.extra, attempts: [] };
        g.attempts.push(a);
        groups.set(key, g);
      }
    }
    const notes = summary(fuzz);
    const out: FindingDraft[] = [];
    for (const g of groups.values()) {
      const first = g.attempts[0]!;
      const base = OUTCOME[g.outcome];
      // Duplicate keys are a note, unless the app used a value its own schema forbids: then validation was bypassed.
      const spec = g.outcome === 'duplicate-key' && g.extra.startsWith('last') && first.case.duplicateKey?.secondViolates ? { ...base, severity: 'medium' as Severity, status: 'fail' as const } : base;
      const more = g.attempts.length > 1 ? ` (and ${g.attempts.length - 1} other invalid payload${g.attempts.length > 2 ? 's' : ''})` : '';
      const ev = reproduction(first, ctx);
      if (g.outcome === 'leak') {
        const leaks = findLeaks(first.exchange.response!.text());
        ev.notes = leaks.map((l) => `${l.id} matched`);
      }
      const each = g.attempts.slice(0, 6).map((a) => {
        const status = a.exchange.response ? `HTTP ${a.exchange.response.status}` : `no response (${a.exchange.error?.code})`;
        return `${a.case.payload}: ${a.case.label} → ${status}\n  ${reproduction(a, ctx).reproduce ?? ''}`;
      });
      out.push({
        status: spec.status,
        severity: spec.severity,
        title: `${first.route} ${spec.words(first, g.extra)}${more}`,
        // The route template, not the concrete URL: an id the run created differs from run to run.
        location: { url: new URL(first.route.slice(first.route.indexOf(' ') + 1), first.exchange.request.url).href.replace(/%7B/g, '{').replace(/%7D/g, '}'), method: first.exchange.request.method },
        discriminator: g.outcome,
        evidence: { ...ev, notes: [...(ev.notes ?? []), ...each, ...notes] },
        ...(g.outcome === 'duplicate-key'
          ? {
              fix: 'Reject JSON objects with duplicate keys (e.g. secure-json-parse, or a parser option), at least for fields that decide authorization; make sure the proxy, the validator and the app read the same value.',
              title: `${first.route} accepts ${first.case.label} and uses the ${g.extra.replace(/ value$/, '')} one: a validator or proxy that reads the ${g.extra.startsWith('last') ? 'first' : 'last'} one sees a different request than the app`,
            }
          : {}),
        ...(g.outcome === 'accepted' ? { fix: 'Reject what the published schema forbids (wrong types, unknown properties, out-of-range numbers, over-long strings) with 400 or 422 before the handler runs; make the schema and the validator the same object so they cannot drift.' } : {}),
      });
    }
    for (const s of superLinear(fuzz.attempts)) {
      const last = s.steps[s.steps.length - 1]!;
      out.push({
        status: 'fail',
        severity: 'medium',
        title: `${s.route} answers slower the longer "${s.field}" is, faster than the input grows: ${s.words}`,
        location: { url: new URL(s.route.slice(s.route.indexOf(' ') + 1), last.exchange.request.url).href.replace(/%7B/g, '{').replace(/%7D/g, '}'), method: last.exchange.request.method },
        discriminator: `slow-input:${s.field}`,
        evidence: { ...reproduction(last, ctx), notes: [`a validator or parser whose time is super-linear in the input length (a catastrophic regular expression, a quadratic loop): a few large requests can stall the server`, ...notes] },
        fix: 'Check the length first (maxLength in the schema, a body size limit), and make the validation linear: no nested quantifiers such as (a+)+ or (\\w+\\s?)* in regular expressions (or use RE2), no loops over the input inside loops over the input.',
      });
    }
    if (out.length === 0) {
      const here = ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {};
      if (fuzz.attempts.length === 0) return [{ status: 'skip', location: here, reason: `no write route could be fuzzed: ${fuzz.notTested.map((n) => `${n.route} (${n.reason})`).join('; ') || 'none found'}` }];
      return [{ status: 'pass', title: `${fuzz.routes.length} write routes answered ${fuzz.attempts.length} invalid payloads with 4xx and no leak`, location: here, evidence: { notes } }];
    }
    return out;
  },
});
