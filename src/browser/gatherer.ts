import { defineGatherer, NotApplicable } from '../engine/check.js';
import type { GatherContext } from '../engine/context.js';
import { measureAlone } from '../load/alone.js';
import type { LoadSettings } from '../load/plan.js';
import { ChromiumUnavailable, CHROMIUM_ENV, launchChromium } from './chromium.js';
import { measurePage, type PageVitals } from './vitals.js';

export interface PageVitalsEvidence {
  pages: Array<{ role: 'landing' | 'login'; vitals: PageVitals }>;
}

/**
 * Loads the landing page (pages.landing, default /) and the login page (pages.login, when set) in
 * headless Chromium under mobile emulation, several runs each.
 */
export const pageVitalsGatherer = defineGatherer<PageVitalsEvidence>({
  id: 'browser/page-vitals',
  async gather(ctx: GatherContext) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL to load in a browser');
    const settings = ctx.services.loadSettings ?? {};
    const wanted: Array<{ role: 'landing' | 'login'; url: string }> = [{ role: 'landing', url: new URL(ctx.config.pages?.landing ?? '/', base).href }];
    if (ctx.config.pages?.login) wanted.push({ role: 'login', url: new URL(ctx.config.pages.login, base).href });
    return measureAlone(ctx.http, () => measurePages(ctx, wanted, settings));
  },
});

/** Requests one page load may make (document, scripts, styles, images, fonts). */
const PAGE_REQUEST_ALLOWANCE = 40;

async function measurePages(ctx: GatherContext, wanted: Array<{ role: 'landing' | 'login'; url: string }>, settings: LoadSettings): Promise<PageVitalsEvidence> {
  // Page loads spend the run's budget too: an allowance is reserved, and what was not used goes back.
  const runs = settings.browserRuns ?? 3;
  const allowance = ctx.http.reserve(wanted.length * runs * PAGE_REQUEST_ALLOWANCE);
  if (allowance === 0) throw new NotApplicable('the request budget is spent: raise --max-requests to measure page loads');
  let used = 0;
  let chromium;
  try {
    chromium = await launchChromium({
      // api.exclude binds the browser too: an excluded URL is refused before it counts.
      allowRequest: (url, method) => ctx.http.allows(url, method) && (used < allowance ? (used++, true) : false),
      ...(settings.chromiumPath ? { executablePath: settings.chromiumPath } : ctx.env[CHROMIUM_ENV] ? { executablePath: ctx.env[CHROMIUM_ENV] } : {}),
      ...(ctx.options.overrides ? { overrides: ctx.options.overrides } : {}),
    });
  } catch (err) {
    ctx.http.settle(allowance, 0, 0);
    if (err instanceof ChromiumUnavailable) throw new NotApplicable(err.message);
    throw err;
  }
  const onAbort = (): void => void chromium.close();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const pages: PageVitalsEvidence['pages'] = [];
    for (const w of wanted) {
      pages.push({ role: w.role, vitals: await measurePage(chromium, w.url, { runs, timeoutMs: settings.browserTimeoutMs ?? 30_000, signal: ctx.signal }) });
    }
    ctx.contribute({
      facts: {
        pageVitals: pages.map((p) => ({ role: p.role, url: p.vitals.url, mode: p.vitals.profile.mode, median: p.vitals.median, range: p.vitals.range, ...(p.vitals.lcpElement ? { lcpElement: p.vitals.lcpElement } : {}), runs: p.vitals.runs.length })),
      },
    });
    return { pages };
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    await chromium.close();
    ctx.http.settle(allowance, used, 0, 'performance');
  }
}
