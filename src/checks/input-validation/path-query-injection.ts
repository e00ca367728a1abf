import { HARM } from '../../abuse/harm.js';
import { answerShape, injectionGatherer, type InjectionProbe } from '../../abuse/injection.js';
import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { CheckContext } from '../../engine/context.js';
import { findLeaks } from './leak-signatures.js';

type Answers = InjectionProbe['answers'];
type HttpExchange = Answers[string]['exchange'];

const shape = (a: Answers, name: string): string | undefined => {
  const x = a[name];
  return x ? answerShape(x.exchange, x.value, a['base']?.value) : undefined;
};
const status = (ex: HttpExchange): string => (ex.response ? `HTTP ${ex.response.status}, ${ex.response.body.length} bytes` : `no response (${ex.error?.code})`);

/** A boolean pair that differs while its control pair matches, and the true side answers like the base value. */
export function booleanDifferential(a: Answers, prefix: '' | 'num-'): boolean {
  const t = shape(a, `${prefix}true`);
  const t2 = shape(a, `${prefix}true2`);
  const f = shape(a, `${prefix}false`);
  const base = shape(a, 'base');
  const absent = shape(a, 'absent');
  if (!t || !t2 || !f || !base || !absent) return false;
  if (t.startsWith('error:') || f.startsWith('error:') || /^5\d\d\|/.test(t)) return false;
  // The base value must be something the API answers differently from "nothing", or there is nothing to compare.
  if (base === absent) return false;
  return t === t2 && t !== f && t === base;
}

/** `43-1` answers like `42`, while `43-0` does not: the database did the arithmetic. */
export function arithmetic(a: Answers): boolean {
  const ar = shape(a, 'arith');
  const ctl = shape(a, 'arith-control');
  const base = shape(a, 'base');
  const absent = shape(a, 'absent');
  if (!ar || !ctl || !base || !absent || base === absent || ar.startsWith('error:')) return false;
  return ar === base && ctl !== base;
}

/** `param[$ne]=nothing` answers with data while `param=nothing` (twice, alike) does not: an operator reached the query. */
export function nosqlOperator(a: Answers): boolean {
  const ne = a['nosql']?.exchange;
  const none = a['absent']?.exchange.response;
  const absent = shape(a, 'absent');
  if (!ne?.response || !none || !absent || absent !== shape(a, 'absent2')) return false;
  if (ne.response.status >= 300) return false;
  const neShape = shape(a, 'nosql');
  // More than the answer to "nothing", and not what any bracket form gets: the operator matched rows.
  return neShape !== absent && neShape !== shape(a, 'nosql-control') && ne.response.body.length > none.body.length + 16;
}

function proof(ctx: CheckContext, a: Answers, names: string[]): string[] {
  return names
    .filter((n) => a[n])
    .map((n) => {
      const x = a[n]!;
      return `${n}: ${JSON.stringify(x.value)} → ${status(x.exchange)}\n  ${ctx.evidence.exchange(x.exchange).reproduce ?? ''}`;
    });
}

export function judgeProbe(p: InjectionProbe, ctx: CheckContext): FindingDraft[] {
  const a = p.answers;
  const s = p.slot;
  const where = `${s.in} parameter "${s.param}"`;
  const first = Object.values(a)[0]?.exchange;
  if (!first) return [];
  const loc = { url: new URL(s.route.slice(s.route.indexOf(' ') + 1), first.request.url).href.replace(/%7B/g, '{').replace(/%7D/g, '}'), method: 'GET' };
  const notes = [`base value ${JSON.stringify(s.base)} (${s.baseFrom})`];
  const out: FindingDraft[] = [];
  const sqlProof = (names: string[], main: string, words: string): void => {
    const ev = ctx.evidence.exchange(a[main]!.exchange, { bodyLimit: 300 });
    out.push({
      status: 'fail',
      severity: 'critical',
      title: `${s.route}: SQL injection in the ${where} — ${words}`,
      location: loc,
      discriminator: `sqli:${s.in}:${s.param}`,
      evidence: { ...ev, notes: [...notes, ...proof(ctx, a, names)] },
    });
  };
  if (booleanDifferential(a, '')) sqlProof(['base', 'true', 'true2', 'false'], 'false', `a true condition (' AND 1=1 …) answers like the base value, a false one (' AND 1=2 …) does not, and a second true condition answers the same`);
  else if (booleanDifferential(a, 'num-')) sqlProof(['base', 'num-true', 'num-true2', 'num-false'], 'num-false', 'an appended AND 1=1 answers like the base value, AND 1=2 does not, and AND 2=2 answers the same');
  else if (arithmetic(a)) sqlProof(['base', 'arith', 'arith-control'], 'arith', `${a['arith']!.value} answers like ${s.base} while ${a['arith-control']!.value} does not: the value is evaluated as SQL`);

  // Error-based: what the quotes (and the other probes) made the app print.
  const leakNames = ['quote', 'dquote', 'true', 'false', 'num-true', 'nosql', 'traversal'].filter((n) => a[n]?.exchange.response);
  const leaked = leakNames.map((n) => ({ n, leaks: findLeaks(a[n]!.exchange.response!.text()) })).filter((x) => x.leaks.length);
  const baseLeaks = new Set(a['base']?.exchange.response ? findLeaks(a['base'].exchange.response.text()).map((l) => l.id) : []);
  const fresh = leaked.map((x) => ({ ...x, leaks: x.leaks.filter((l) => !baseLeaks.has(l.id)) })).filter((x) => x.leaks.length);
  const db = fresh.find((x) => x.leaks.some((l) => l.kind === 'sql-error' || l.kind === 'orm-error'));
  if (db && !out.length) {
    const ex = a[db.n]!.exchange;
    out.push({
      status: 'fail',
      severity: 'high',
      title: `${s.route}: a quote in the ${where} reaches the database unescaped (${db.leaks.map((l) => l.id).join(', ')} in the answer)`,
      location: loc,
      discriminator: `sql-error:${s.in}:${s.param}`,
      evidence: { ...ctx.evidence.exchange(ex, { bodyLimit: 600 }), notes: [...notes, ...db.leaks.map((l) => `${l.id}: ${l.excerpt}`), ...proof(ctx, a, ['base', db.n])] },
    });
  }
  const passwd = fresh.find((x) => x.n === 'traversal' && x.leaks.some((l) => l.id === 'passwd-file'));
  if (passwd) {
    out.push({
      status: 'fail',
      severity: 'critical',
      title: `${s.route}: path traversal in the ${where} — ../../etc/passwd is served`,
      location: loc,
      discriminator: `traversal:${s.in}:${s.param}`,
      evidence: { ...ctx.evidence.exchange(a['traversal']!.exchange, { bodyLimit: 300 }), notes },
    });
  }
  const other = fresh.filter((x) => x !== db && x !== passwd).flatMap((x) => x.leaks.filter((l) => l.kind !== 'sql-error' && l.kind !== 'orm-error').map((l) => ({ n: x.n, l })));
  if (other.length) {
    const ex = a[other[0]!.n]!.exchange;
    out.push({
      status: 'fail',
      severity: 'high',
      title: `${s.route}: the ${where} makes the app show ${[...new Set(other.map((o) => o.l.kind.replace('-', ' ')))].join(' and ')}`,
      location: loc,
      discriminator: `leak:${s.in}:${s.param}`,
      evidence: { ...ctx.evidence.exchange(ex, { bodyLimit: 600 }), notes: [...notes, ...other.map((o) => `${o.n}: ${o.l.id}: ${o.l.excerpt}`)] },
    });
  }
  if (nosqlOperator(a)) {
    out.push({
      status: 'fail',
      severity: 'high',
      title: `${s.route}: NoSQL operator injection in the ${where} — ${s.param}[$ne]=… answers with data where ${s.param}=… answers with nothing`,
      location: loc,
      discriminator: `nosql:${s.in}:${s.param}`,
      evidence: { ...ctx.evidence.exchange(a['nosql']!.exchange, { bodyLimit: 300 }), notes: [...notes, ...proof(ctx, a, ['base', 'absent', 'nosql'])] },
    });
  }
  if (!out.length) {
    const crashed = ['quote', 'dquote', 'true', 'false', 'nosql', 'traversal', 'omitted'].map((n) => a[n]).find((x) => x?.exchange.response && x.exchange.response.status >= 500 && !(a['base']?.exchange.response && a['base'].exchange.response.status >= 500));
    if (crashed) {
      out.push({
        status: 'fail',
        severity: 'medium',
        title: crashed === a['omitted'] ? `${s.route}: answers HTTP ${crashed.exchange.response!.status} when the ${where} is left out (expected 4xx)` : `${s.route}: answers HTTP ${crashed.exchange.response!.status} to ${JSON.stringify(crashed.value)} in the ${where} (expected 4xx or a normal answer)`,
        location: loc,
        discriminator: `5xx:${s.in}:${s.param}`,
        evidence: { ...ctx.evidence.exchange(crashed.exchange, { bodyLimit: 300 }), notes },
        fix: 'Validate path and query values before using them (type, format, length) and answer 400 or 404; use parameterised queries; let one error handler turn unexpected errors into a generic 500 without details.',
      });
    }
  }
  return out;
}

export const pathQueryInjection = defineCheck({
  meta: {
    id: 'input-validation/path-query-injection',
    area: 'input-validation',
    severity: 'critical',
    title: 'Path and query parameters are never executed as SQL or NoSQL, and never make the app show its internals',
    why: 'Ids in URLs and search or filter parameters reach database queries in almost every app. Concatenated into SQL, one of them lets anyone read (or change) every row of every table.',
    breaks: 'An attacker dumps your users, sessions and payments through a search box or a product URL, with sqlmap and no account.',
    fix: 'Use parameterised queries or the ORM\'s query builder for every value (never string concatenation or template literals); cast ids to their type before use; allow-list sort and filter column names; return a generic error page.',
    references: ['OWASP API8:2023', 'OWASP ASVS 5.3.4', 'CWE-89', 'CWE-943', 'CWE-22', 'CWE-209', 'https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html'],
    phase: 'last',
    harm: HARM.injection,
  },
  requires: { probes: injectionGatherer },
  run({ probes }, ctx) {
    const out = probes.probes.flatMap((p) => judgeProbe(p, ctx));
    const summary = `seed ${probes.seed}: ${probes.probes.length} parameters probed, ${probes.requests} requests in ${probes.wallMs} ms${probes.stoppedBy ? `; stopped early at ${probes.stoppedBy}` : ''}`;
    const notTested = probes.notTested.slice(0, 8).map((n) => `not tested: ${n.route}: ${n.reason}`);
    for (const f of out) f.evidence = { ...(f.evidence ?? {}), notes: [...(f.evidence?.notes ?? []), summary] };
    if (out.length) return out;
    const here = ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {};
    if (probes.probes.length === 0) return [{ status: 'skip', location: here, reason: `no parameter could be probed: ${probes.notTested.map((n) => `${n.route} (${n.reason})`).join('; ') || 'none found'}` }];
    return [{ status: 'pass', title: `${probes.probes.length} path and query parameters showed no injection or leak`, location: here, evidence: { notes: [summary, ...probes.probes.map((p) => `${p.slot.route} ${p.slot.in} ${p.slot.param}`), ...notTested] } }];
  },
});
