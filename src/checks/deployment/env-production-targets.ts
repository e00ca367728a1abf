import { defineCheck } from '../../engine/check.js';
import { repoScanGatherer } from '../../secrets/gatherers.js';

/** Production settings that point at localhost, staging hosts, or payment test mode. */
export const envProductionTargets = defineCheck({
  meta: {
    id: 'deployment/env-production-points-elsewhere',
    area: 'deployment',
    severity: 'high',
    title: 'Production configuration does not point at localhost or staging',
    why: 'A production setting copied from development sends real users to a machine that does not exist in production, or real data to staging.',
    breaks: 'Login callbacks, webhooks, emails or database traffic go to localhost (broken) or to staging (customer data where it must not be; test-mode payments that never charge).',
    fix: 'Set the production value in the deploy environment; keep localhost and staging URLs in .env.development / .env.staging only.',
    references: ['https://12factor.net/dev-prod-parity'],
  },
  requires: { scan: repoScanGatherer },
  run({ scan }) {
    return scan.env.productionSettings.map((p) => ({
      status: 'fail' as const,
      title:
        p.points === 'test-key'
          ? `${p.name || 'A setting'} in ${p.file} uses a Stripe test-mode key (${p.host}…) in production`
          : `${p.name || 'A setting'} in ${p.file} points at ${p.points === 'localhost' ? 'a local address' : 'a staging/dev host'} (${p.host})`,
      location: { file: p.file, line: p.line, ...(p.name ? { detail: p.name } : {}) },
      discriminator: `${p.name}:${p.host}`,
    }));
  },
});
