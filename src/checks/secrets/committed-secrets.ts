import { defineCheck } from '../../engine/check.js';
import { repoScanGatherer } from '../../secrets/gatherers.js';
import { hitDraft } from './hit-finding.js';

/** Live credentials in the files of the working tree. */
export const committedSecrets = defineCheck({
  meta: {
    id: 'secrets/committed-secret',
    area: 'secrets',
    severity: 'high',
    title: 'No live credentials in the repository',
    why: 'A credential in the repository is readable by everyone with access to the code today and in the future: every laptop, CI runner, fork and backup.',
    breaks: 'Whoever reads the repo can use the key: charge cards, read customer data, send mail as you, or run up a cloud bill.',
    fix: 'Rotate the credential first, then move it to the environment or a secret manager, then purge it from git history.',
    references: ['OWASP ASVS 5.0 V13.3 (secret management)', 'CWE-798', 'https://docs.github.com/en/code-security/secret-scanning'],
  },
  requires: { scan: repoScanGatherer },
  run({ scan }) {
    return scan.tree.hits.map((h) => hitDraft(h, 'tree', { titleSuffix: `in ${h.origin.path}` }));
  },
});
