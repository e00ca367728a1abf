import { excludeScopeGatherer } from '../../abuse/scope.js';
import { defineCheck } from '../../engine/check.js';

export const excludePatterns = defineCheck({
  meta: {
    id: 'input-validation/exclude-patterns',
    area: 'input-validation',
    severity: 'low',
    title: 'Every api.exclude pattern matches a route the run knows',
    why: 'api.exclude keeps the fuzzer, the bursts, the crawler, the browser and the load test away from what must not be touched. A pattern with a typo excludes nothing, silently.',
    breaks: 'The route you meant to protect (an admin reset, a payment, a mail blast) gets fuzzed and burst like every other one.',
    fix: 'Correct the pattern so it matches the route as the API documents it ("POST /api/admin/reset", "/api/internal/*"); `*` matches within one path segment, a trailing `/*` everything below.',
    references: ['https://owasp.org/www-project-zap/ (context exclusions)'],
  },
  requires: { scope: excludeScopeGatherer },
  run({ scope }, ctx) {
    const here = ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {};
    const notes = [`${scope.knownRoutes} known routes compared`, ...Object.entries(scope.matched).map(([p, n]) => `"${p}" matches ${n}`)];
    if (scope.surfaceMissing) notes.push(`the API surface could not be read (${scope.surfaceMissing}): only the config's own routes were compared`);
    return scope.unmatched.map((p) => ({
      status: 'warn' as const,
      title: `api.exclude "${p}" matches no known route: check it for a typo (it excludes nothing the run knows of)`,
      location: here,
      discriminator: p,
      evidence: { notes },
    }));
  },
});
