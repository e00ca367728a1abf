import { NotApplicable, defineCheck } from '../../engine/check.js';
import { repoScanGatherer } from '../../secrets/gatherers.js';
import { hitDraft } from './hit-finding.js';

/** Credentials in built output: minified bundles and source maps (attributed to the original file). */
export const bundleSecrets = defineCheck({
  meta: {
    id: 'secrets/bundle-secret',
    area: 'secrets',
    severity: 'critical',
    title: 'No credentials in built bundles or source maps',
    why: 'Built JavaScript and its source maps are downloaded by every visitor; a key inlined at build time is public the moment you deploy.',
    breaks: 'Any visitor can open DevTools, copy the key and call the provider as you.',
    fix: 'Rotate the key, move the call to the server, rebuild, and stop publishing source maps.',
    references: ['CWE-540', 'CWE-798', 'https://developer.chrome.com/docs/devtools/javascript/source-maps'],
  },
  requires: { scan: repoScanGatherer },
  run({ scan }) {
    if (!scan.bundles) throw new NotApplicable('no built output was given: run launchready scan --bundles DIR');
    return scan.bundles.hits.map((h) =>
      hitDraft(h, 'bundle', {
        titleSuffix: h.origin.via ? `in source map ${h.origin.via} (original file ${h.origin.path})` : `in bundle ${h.origin.path}`,
        minSeverity: 'critical',
        extraNotes: ['built output ships to every browser'],
      }),
    );
  },
});
