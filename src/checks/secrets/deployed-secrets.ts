import { defineCheck } from '../../engine/check.js';
import { siteScanGatherer } from '../../secrets/sources/site.js';
import { hitDraft } from './hit-finding.js';

/** Credentials in what the live site serves: the page, its scripts and their source maps. */
export const deployedSecrets = defineCheck({
  meta: {
    id: 'secrets/deployed-secret',
    area: 'secrets',
    severity: 'critical',
    title: 'The deployed site serves no credentials',
    why: 'The HTML, JavaScript and source maps the site serves are public: crawlers and attackers scan them for keys automatically.',
    breaks: 'Any visitor can lift the key from the page or a source map and use it against the provider, as you.',
    fix: 'Rotate the key, move the code that needs it to the server, redeploy, and stop serving source maps publicly.',
    references: ['CWE-540', 'CWE-798', 'OWASP WSTG-INFO-05 (review web page content for information leakage)'],
  },
  requires: { site: siteScanGatherer },
  run({ site }) {
    return site.hits.map((h) =>
      hitDraft(h, 'site', {
        titleSuffix: h.origin.via ? `served in source map ${h.origin.url ?? h.origin.via} (original file ${h.origin.path})` : `served at ${h.origin.url ?? h.origin.path}`,
        minSeverity: 'critical',
        extraNotes: [`scanned ${site.scripts.length} script(s) and ${site.maps.length} source map(s) from ${site.page}`],
      }),
    );
  },
});
