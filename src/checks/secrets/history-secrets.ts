import { NotApplicable, defineCheck } from '../../engine/check.js';
import { repoScanGatherer } from '../../secrets/gatherers.js';
import { hitDraft } from './hit-finding.js';

/**
 * Credentials that were removed from a path but live on in git history at that path. A secret still at
 * the same path is reported once, by `secrets/committed-secret` (with the commit that introduced it).
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
    // A secret still at the same path is the committed-secret finding; removed from this path, it is a
    // history finding here even when the same value still lives at another path.
    const key = (h: { ruleId: string; redacted: { sha256: string }; origin: { path: string } }) => `${h.ruleId}\u0000${h.redacted.sha256}\u0000${h.origin.path}`;
    const inTree = new Set(scan.tree.hits.map(key));
    const elsewhere = new Map<string, string>();
    for (const h of scan.tree.hits) if (!elsewhere.has(`${h.ruleId}\u0000${h.redacted.sha256}`)) elsewhere.set(`${h.ruleId}\u0000${h.redacted.sha256}`, h.origin.path);
    return scan.history.hits
      .filter((h) => !inTree.has(key(h)))
      .map((h) => {
        const still = elsewhere.get(`${h.ruleId}\u0000${h.redacted.sha256}`);
        return hitDraft(h, 'history', {
          titleSuffix: `in git history (${h.origin.path}, commit ${(h.origin.commit ?? '').slice(0, 8)})`,
          extraNotes: [still ? `removed from ${h.origin.path}, but the same value is still in the working tree at ${still}` : 'no longer in the working tree, still in every clone'],
        });
      });
  },
});
