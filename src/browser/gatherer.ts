import { defineGatherer, NotApplicable } from '../engine/check.js';
import type { GatherContext } from '../engine/context.js';
import { measureAlone } from '../load/alone.js';
import type { LoadContextExtensions } from '../load/gatherer.js';
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
    const settings = (ctx as GatherContext & LoadContextExtensions).loadSettings ?? {};
    const wanted: Array<{ role: 'landing' | 'login'; url: string }> = [{ role: 'landing', url: new URL(ctx.config.pages?.landing ?? '/', base).href }];
    if (ctx.config.pages?.login) wanted.push({ role: 'login', url: new URL(ctx.config.pages.login, base).href });
    return measureAlone(ctx.http, () => measurePages(ctx, wanted, settings));
  },
});

async function measurePages(ctx: GatherContext, wanted: Array<{ role: 'landing' | 'login'; url: string }>, settings: LoadSettings): Promise<PageVitalsEvidence> {
  let chromium;
  try {
    chromium = await launchChromium({
      ...(settings.chromiumPath ? { executablePath: settings.chromiumPath } : ctx.env[CHROMIUM_ENV] ? { executablePath: ctx.env[CHROMIUM_ENV] } : {}),
      ...(ctx.options.overrides ? { overrides: ctx.options.overrides } : {}),
    });
  } catch (err) {
    if (err instanceof ChromiumUnavailable) throw new NotApplicable(err.message);
    throw err;
  }
  const onAbort = (): void => void chromium.close();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const pages: PageVitalsEvidence['pages'] = [];
    for (const w of wanted) {
      pages.push({ role: w.role, vitals: await measurePage(chromium, w.url, { runs: settings.browserRuns ?? 3, timeoutMs: settings.browserTimeoutMs ?? 30_000, signal: ctx.signal }) });
    }
    ctx.contribute({ facts: { pageVitals: pages.map((p) => ({ role: p.role, url: p.vitals.url, median: p.vitals.median, range: p.vitals.range, runs: p.vitals.runs.length })) } });
    return { pages };
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    await chromium.close();
  }
}
