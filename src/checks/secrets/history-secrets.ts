import { NotApplicable, defineCheck } from '../../engine/check.js';
import { repoScanGatherer } from '../../secrets/gatherers.js';
import { hitDraft } from './hit-finding.js';

/**
 * Credentials that were removed from the tree but live on in git history. Secrets still in the tree
 * are reported once, by `secrets/committed-secret` (with the commit that introduced them).
 */
export const historySecrets = defineCheck({
  meta: {
    id: 'secrets/history-secret',
    area: 'secrets',
    severity: 'high',
    title: 'No credentials in git history',
    why: 'Deleting a key in a later commit does not remove it: every clone still has the old commit, and bots scan public history within minutes.',
    breaks: 'Anyone who clones the repository can check out the old commit and use the key, unless it was rotated.',
    fix: 'Rotate the credential, then purge it with git filter-repo and force-push.',
    references: ['CWE-798', 'https://github.com/newren/git-filter-repo', 'https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/removing-sensitive-data-from-a-repository'],
  },
  requires: { scan: repoScanGatherer },
  run({ scan }) {
    if (!scan.history) throw new NotApplicable(scan.historyError ?? 'git history was not scanned: run launchready scan --history');
    const inTree = new Set(scan.tree.hits.map((h) => `${h.ruleId}\u0000${h.redacted.sha256}`));
    return scan.history.hits
      .filter((h) => !inTree.has(`${h.ruleId}\u0000${h.redacted.sha256}`))
      .map((h) => hitDraft(h, 'history', { titleSuffix: `in git history (${h.origin.path}, commit ${(h.origin.commit ?? '').slice(0, 8)})`, extraNotes: ['no longer in the working tree, still in every clone'] }));
  },
});
