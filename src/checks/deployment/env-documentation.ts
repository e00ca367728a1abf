import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { repoScanGatherer } from '../../secrets/gatherers.js';
import { appVariables, usedAt } from './env-preflight.js';

/** Every variable the code reads is documented in `.env.example` (or an env schema). */
export const envUndocumented = defineCheck({
  meta: {
    id: 'deployment/env-undocumented',
    area: 'deployment',
    severity: 'medium',
    title: 'Every environment variable the code reads is documented',
    why: 'Whoever deploys or takes over the app learns which variables to set from .env.example; an undocumented one is found by an outage.',
    breaks: 'A new environment (staging, a new region, a restore after an incident) is deployed without it and fails at runtime.',
    fix: 'Add each variable to .env.example with an empty or placeholder value and a comment saying what it is for.',
    references: ['https://12factor.net/config'],
  },
  requires: { scan: repoScanGatherer },
  run({ scan }) {
    const vars = appVariables(scan.env);
    if (vars.size === 0) return [];
    if (scan.env.docFiles.length === 0) {
      const names = [...vars.keys()].sort();
      return [
        {
          status: 'fail',
          title: `No .env.example documents the ${names.length} environment variable${names.length === 1 ? '' : 's'} the code reads`,
          location: { file: '.env.example' },
          evidence: { notes: [`variables: ${names.slice(0, 40).join(', ')}${names.length > 40 ? ' …' : ''}`] },
          fix: `Create .env.example listing ${names.slice(0, 5).join(', ')}${names.length > 5 ? ' …' : ''} with placeholder values and a comment each.`,
          discriminator: 'no-doc-file',
        },
      ];
    }
    const out: FindingDraft[] = [];
    for (const [name, reads] of vars) {
      if (scan.env.documented[name]) continue;
      const first = reads[0]!;
      out.push({
        status: 'fail',
        title: `${name} is read by the code but not documented in ${scan.env.docFiles.join(', ')}`,
        location: { file: first.file, line: first.line, detail: name },
        evidence: { notes: [`read at ${usedAt(reads)}`] },
        discriminator: name,
      });
    }
    return out;
  },
});

/** Documented variables nothing reads: stale documentation that makes deploys set useless secrets. */
export const envUnused = defineCheck({
  meta: {
    id: 'deployment/env-unused',
    area: 'deployment',
    severity: 'low',
    title: 'Documented environment variables are still used',
    why: 'A variable in .env.example that no code reads is stale: people keep provisioning (and leaking) a secret nothing needs.',
    breaks: 'Little at runtime, but every deploy carries a credential that should have been revoked.',
    fix: 'Remove it from .env.example and revoke the credential if it was one; if a build tool or framework reads it, add a comment saying so.',
    references: ['https://12factor.net/config'],
  },
  requires: { scan: repoScanGatherer },
  run({ scan }) {
    const read = new Set(scan.env.reads.map((r) => r.name));
    if (read.size === 0) return [];
    const out: FindingDraft[] = [];
    for (const [name, files] of Object.entries(scan.env.documented)) {
      if (read.has(name)) continue;
      // Frameworks read these themselves (Next.js, Prisma, Vite config, Docker).
      if (/^(NEXT_PUBLIC_|VITE_|REACT_APP_|EXPO_PUBLIC_|NUXT_|DATABASE_URL$|DIRECT_URL$|SHADOW_DATABASE_URL$|PORT$|HOST$|NODE_ENV$|TZ$|COMPOSE_|DOCKER_|POSTGRES_|MYSQL_|REDIS_PASSWORD$)/.test(name)) continue;
      out.push({
        status: 'warn',
        title: `${name} is documented in ${files[0]} but no code reads it`,
        location: { file: files[0]!, detail: name },
        discriminator: name,
      });
    }
    return out;
  },
});
