import { NotApplicable, defineCheck, type FindingDraft } from '../../engine/check.js';
import { repoScanGatherer } from '../../secrets/gatherers.js';
import { appVariables, usedAt } from './env-preflight.js';

/** Every variable the code reads is set in the deploy environment (`--env-file`, or the given environment). */
export const envMissing = defineCheck({
  meta: {
    id: 'deployment/env-missing',
    area: 'deployment',
    severity: 'high',
    title: 'Every environment variable the code reads is set for the deploy',
    why: 'A variable the code reads but the deploy does not set becomes `undefined` at runtime: the feature fails on the first real request, not at build time.',
    breaks: 'Payments, email, login or the database connection break in production right after launch.',
    fix: 'Set the variable in the deploy environment (platform settings or secret manager), or give it a safe default in code and document it.',
    references: ['https://12factor.net/config'],
  },
  requires: { scan: repoScanGatherer },
  run({ scan }) {
    const provided = scan.env.provided;
    if (!provided) throw new NotApplicable('no deploy environment was given: run launchready scan --env-file .env.production');
    const set = new Set(provided.names);
    const empty = new Set(provided.empty);
    const out: FindingDraft[] = [];
    for (const [name, reads] of appVariables(scan.env)) {
      if (set.has(name)) continue;
      const optional = reads.every((r) => r.hasDefault);
      const first = reads[0]!;
      out.push({
        status: optional ? 'warn' : 'fail',
        severity: optional ? 'low' : 'high',
        title: `${name} is read by the code but ${empty.has(name) ? 'empty' : 'not set'} in ${provided.source}${optional ? ' (the code has a fallback)' : ''}`,
        location: { file: first.file, line: first.line, detail: name },
        evidence: { notes: [`read at ${usedAt(reads)}`, `deploy environment: ${provided.source}`] },
        discriminator: name,
      });
    }
    return out;
  },
});
