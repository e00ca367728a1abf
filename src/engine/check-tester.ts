import type { Config } from '../config/schema.js';
import { ConfigSchema } from '../config/schema.js';
import type { Evidence, Status } from '../model/finding.js';
import type { Severity } from '../model/severity.js';
import type { Check, EvidenceOf, FindingDraft, Requirements } from './check.js';
import type { CheckContext, TargetInfo } from './context.js';

/**
 * ESLint's RuleTester for checks: a table of evidence cases that must pass and must fail, run
 * against the check's pure `run`, no server needed.
 */
export interface CheckCase<R extends Requirements> {
  name: string;
  evidence: EvidenceOf<R>;
  config?: Partial<Config>;
  target?: Partial<TargetInfo>;
}

export interface InvalidCase<R extends Requirements> extends CheckCase<R> {
  /** Each expected finding: status (default fail), optional severity and a title pattern. */
  findings: Array<{ status?: Status; severity?: Severity; title?: RegExp | string }>;
}

export function checkContext(opts: { config?: Partial<Config>; target?: Partial<TargetInfo>; now?: Date } = {}): CheckContext {
  return {
    config: { ...ConfigSchema.parse({}), ...opts.config } as Config,
    target: { baseUrl: new URL('https://app.example.com/'), isDevelopment: false, ...opts.target },
    options: { allowWrites: false, seed: 1 },
    now: opts.now ?? new Date('2026-11-23T12:00:00Z'),
    evidence: {
      exchange: (ex): Evidence => ({ request: `${ex.request.method} ${ex.request.url}`, response: ex.response ? `HTTP ${ex.response.status}` : `(no response: ${ex.error?.code})` }),
    },
  };
}

export async function runCheckCase<R extends Requirements>(check: Check<R>, c: CheckCase<R>): Promise<FindingDraft[]> {
  return check.run(c.evidence, checkContext({ ...(c.config ? { config: c.config } : {}), ...(c.target ? { target: c.target } : {}) }));
}

/** Returns a list of problems (empty when every case behaves); the test asserts it is empty. */
export async function checkCases<R extends Requirements>(check: Check<R>, cases: { valid: CheckCase<R>[]; invalid: InvalidCase<R>[] }): Promise<string[]> {
  const problems: string[] = [];
  for (const c of cases.valid) {
    const out = await runCheckCase(check, c);
    const bad = out.filter((f) => f.status === 'fail' || f.status === 'warn' || f.status === 'error');
    if (bad.length) problems.push(`valid case "${c.name}" produced: ${bad.map((f) => `${f.status} ${f.title ?? ''}`).join('; ')}`);
  }
  for (const c of cases.invalid) {
    const out = (await runCheckCase(check, c)).filter((f) => f.status !== 'pass' && f.status !== 'skip');
    if (out.length !== c.findings.length) problems.push(`invalid case "${c.name}": expected ${c.findings.length} finding(s), got ${out.length}: ${out.map((f) => `${f.status} ${f.title ?? ''}`).join('; ')}`);
    c.findings.forEach((exp, i) => {
      const f = out[i];
      if (!f) return;
      if ((exp.status ?? 'fail') !== f.status) problems.push(`invalid case "${c.name}" #${i}: status ${f.status}, expected ${exp.status ?? 'fail'}`);
      if (exp.severity && (f.severity ?? check.meta.severity) !== exp.severity) problems.push(`invalid case "${c.name}" #${i}: severity ${f.severity ?? check.meta.severity}, expected ${exp.severity}`);
      const title = f.title ?? check.meta.title;
      if (exp.title && !(typeof exp.title === 'string' ? title.includes(exp.title) : exp.title.test(title))) problems.push(`invalid case "${c.name}" #${i}: title "${title}" does not match ${String(exp.title)}`);
    });
  }
  return problems;
}
