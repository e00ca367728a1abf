import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { apiSurfaceGatherer, looksAdminOnly, type ApiSurface } from '../../surface/routes.js';

/**
 * Routes the app was seen calling (Chromium crawl, HAR, front-end scripts) that its OpenAPI document
 * does not list. Undocumented routes escape review, contract tests and gateway rules; internal or
 * admin-looking ones are the usual place for a forgotten debug or admin function.
 */

export function judgeUndocumented(surface: ApiSurface, origin: string): FindingDraft[] {
  if (!surface.undocumented) return [{ status: 'skip', location: { url: origin }, reason: 'no OpenAPI document is configured (api.openapi), so there is nothing to compare the discovered routes with' }];
  return surface.undocumented.map((r) => {
    const internal = looksAdminOnly(r) || /\/(?:internal|debug|private|_|dev|test)(?:\/|$)/i.test(r.path);
    return {
      status: 'warn' as const,
      severity: internal ? ('low' as const) : ('info' as const),
      title: `${r.method} ${r.path} is called by the app but not in the OpenAPI document${internal ? ' (looks internal or admin-only)' : ''}`,
      location: { url: `${origin}${r.path}`, method: r.method, detail: `found by ${(r.sources ?? [r.source]).join(', ')}` },
      discriminator: `${r.method} ${r.path}`,
      evidence: { notes: [`found by: ${(r.sources ?? [r.source]).join(', ')}`, ...(r.examples?.[0] ? [`example: ${r.method} ${r.examples[0].url}${r.examples[0].status !== undefined ? ` → HTTP ${r.examples[0].status}` : ' (recorded, not sent)'}`] : [])] },
    };
  });
}

export const undocumentedEndpoints = defineCheck({
  meta: {
    id: 'deployment/undocumented-endpoints',
    area: 'deployment',
    severity: 'info',
    title: 'Every route the app calls is in its API description',
    why: 'Routes missing from the OpenAPI document escape review, contract tests and gateway rules; forgotten internal or admin routes are where access-control gaps hide.',
    breaks: 'nobody reviews what an undocumented route lets a caller do',
    fix: 'Add the route to the OpenAPI document (with its security requirement), or remove it if nothing should call it.',
    references: ['OWASP API9:2023 Improper Inventory Management'],
  },
  requires: { surface: apiSurfaceGatherer },
  run: ({ surface }, ctx) => judgeUndocumented(surface, ctx.target.baseUrl?.origin ?? ''),
});
