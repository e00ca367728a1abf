import { defineGatherer, NotApplicable } from '../engine/check.js';
import { patternMatchesTemplate } from '../net/exclude.js';
import { apiSurfaceGatherer } from '../surface/routes.js';
import { isFatal } from './send.js';

/**
 * What `api.exclude` is checked against: every route the run knows (the surface before the exclude
 * list took anything out, `endpoints:`, webhooks, pages and load actions). A pattern that matches
 * none of them is most likely a typo — and a typo in an exclude list is a safety hole.
 */
export interface ExcludeScope {
  patterns: string[];
  /** Patterns that match no known route. */
  unmatched: string[];
  /** How many routes each pattern took out of the surface. */
  matched: Record<string, number>;
  knownRoutes: number;
  /** The surface could not be read: only the config's own routes were compared. */
  surfaceMissing?: string;
}

export const excludeScopeGatherer = defineGatherer<ExcludeScope>({
  id: 'scope/api-exclude',
  async gather(ctx) {
    const patterns = ctx.config.api.exclude;
    if (patterns.length === 0) throw new NotApplicable('api.exclude is empty');
    const known: Array<{ method: string; path: string }> = [];
    let surfaceMissing: string | undefined;
    try {
      const s = await ctx.gather(apiSurfaceGatherer);
      known.push(...s.routes, ...(s.excluded ?? []));
    } catch (err) {
      if (isFatal(err)) throw err;
      surfaceMissing = err instanceof NotApplicable ? err.reason : (err as Error).message;
    }
    const asRoute = (value: string): { method: string; path: string } | undefined => {
      const m = /^([A-Z]+)\s+(\/\S*)$/.exec(value.trim());
      if (m) return { method: m[1]!, path: m[2]! };
      if (value.startsWith('/')) return { method: 'GET', path: value };
      try {
        return { method: 'POST', path: new URL(value).pathname };
      } catch {
        return undefined;
      }
    };
    for (const v of Object.values(ctx.config.endpoints)) {
      const r = typeof v === 'string' ? asRoute(v) : undefined;
      // An endpoint named without a method may be called with any: try the common ones.
      if (r) known.push(r, { ...r, method: 'POST' }, { ...r, method: 'PUT' }, { ...r, method: 'PATCH' }, { ...r, method: 'DELETE' });
    }
    for (const w of ctx.config.webhooks) {
      const r = asRoute(w.url);
      if (r) known.push({ method: 'POST', path: r.path });
    }
    for (const r of ctx.config.api.routes) {
      const parsed = typeof r === 'string' ? asRoute(r) : { method: r.method.toUpperCase(), path: r.path };
      if (parsed) known.push(parsed);
    }
    if (ctx.config.pages?.landing) known.push({ method: 'GET', path: ctx.config.pages.landing });
    if (ctx.config.pages?.login) known.push({ method: 'GET', path: ctx.config.pages.login });
    for (const a of ctx.config.load?.actions ?? []) {
      const r = asRoute(typeof a === 'string' ? a : a.route);
      if (r) known.push(r);
    }
    const matched: Record<string, number> = {};
    for (const p of patterns) matched[p] = known.filter((r) => patternMatchesTemplate(p, r)).length;
    return { patterns, unmatched: patterns.filter((p) => matched[p] === 0), matched, knownRoutes: known.length, ...(surfaceMissing ? { surfaceMissing } : {}) };
  },
});
