import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { repoScanGatherer } from '../../secrets/gatherers.js';

/** Real `.env` files belong in the deploy platform, never in git. */
export const envCommittedFiles = defineCheck({
  meta: {
    id: 'deployment/env-committed-file',
    area: 'deployment',
    severity: 'high',
    title: 'No .env files are committed',
    why: '.env files hold the real values of every secret; committed once, they are in every clone and every fork forever.',
    breaks: 'Anyone with repository access gets the production database password, API keys and signing secrets at once.',
    fix: 'Rotate every secret the file held, `git rm --cached` it, add `.env*` (with `!.env.example`) to .gitignore, and purge it from history with `git filter-repo --invert-paths --path FILE`.',
    references: ['CWE-538', 'https://12factor.net/config'],
  },
  requires: { scan: repoScanGatherer },
  run({ scan }) {
    const out: FindingDraft[] = [];
    for (const f of scan.env.committedEnvFiles) {
      if (f.historyOnly) {
        out.push({
          status: 'fail',
          severity: 'high',
          title: `${f.path} was committed in ${f.historyOnly.commit.slice(0, 8)} and is still in git history`,
          location: { file: f.path, commit: f.historyOnly.commit, date: f.historyOnly.date },
          discriminator: 'history',
        });
      } else if (f.tracked) {
        out.push({
          status: 'fail',
          severity: f.withValues > 0 ? 'high' : 'low',
          title: `${f.path} is committed${f.withValues > 0 ? ` with ${f.withValues} value${f.withValues === 1 ? '' : 's'}` : ''}`,
          location: { file: f.path },
          evidence: { notes: [`${f.variables} variable(s), ${f.withValues} with a value (names and values not shown)`] },
          discriminator: 'tracked',
        });
      } else {
        out.push({
          status: 'warn',
          severity: 'medium',
          title: `${f.path} is not in .gitignore: one \`git add .\` away from being committed`,
          location: { file: f.path },
          fix: 'Add `.env*` and `!.env.example` to .gitignore.',
          discriminator: 'untracked',
        });
      }
    }
    return out;
  },
});
