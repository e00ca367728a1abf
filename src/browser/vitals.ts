import type { CDPSession, Page } from 'playwright-core';
import type { LaunchedChromium } from './chromium.js';

/**
 * Page vitals in a real browser under Lighthouse's mobile settings, applied through the DevTools
 * protocol: a 412×823 screen at 1.75× (a mid-range Android phone), a mobile user agent, the CPU
 * slowed 4×, and a slow-4G network (150 ms round trip, 1.6 Mbps down, 750 kbps up). One page load
 * swings from run to run, so each page is loaded several times in fresh contexts (cold cache) and
 * the median is judged, with the range shown.
 */

export const MOBILE_PROFILE = {
  width: 412,
  height: 823,
  deviceScaleFactor: 1.75,
  userAgent: 'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Mobile Safari/537.36',
  cpuSlowdown: 4,
  rttMs: 150,
  downloadKbps: 1.6 * 1024,
  uploadKbps: 750,
} as const;

export type MobileProfile = typeof MOBILE_PROFILE;

export interface PageRun {
  /** Largest Contentful Paint, ms from navigation start; undefined when the page painted no candidate. */
  lcpMs?: number;
  /** What the LCP element was (tag, id/class, or the image URL). */
  lcpElement?: string;
  /** Cumulative Layout Shift (largest session window, as Core Web Vitals define it). */
  cls: number;
  /** Time to first byte of the document, ms from navigation start. */
  ttfbMs?: number;
  /** Transferred bytes of scripts (compressed, as sent over the wire). */
  jsBytes: number;
  requests: number;
  status?: number;
  /** Content-Type of the document (an API root answering JSON has no LCP to judge). */
  contentType?: string;
  mixedContent: string[];
  consoleErrors: string[];
  /** The run failed (navigation timeout, refused): no numbers. */
  error?: string;
}

export interface PageVitals {
  url: string;
  runs: PageRun[];
  /** Medians over the runs that loaded. */
  median: { lcpMs?: number; cls: number; ttfbMs?: number; jsBytes: number };
  range: { lcpMs?: [number, number]; cls: [number, number]; ttfbMs?: [number, number]; jsBytes: [number, number] };
  mixedContent: string[];
  consoleErrors: string[];
  /** Requests refused by the loopback guard (tests and demos only). */
  blocked: string[];
  profile: MobileProfile;
}

export interface MeasureOptions {
  /** At least 1; 3 by default (the checklist's minimum for a judged median). */
  runs?: number;
  /** Navigation deadline per run, ms (default 30000). */
  timeoutMs?: number;
  profile?: MobileProfile;
  signal?: AbortSignal;
}

/** Collected inside the page from its first script on: LCP candidates and layout-shift session windows. */
const OBSERVER_SCRIPT = `(() => {
  const s = { lcp: undefined, lcpElement: undefined, cls: 0, win: 0, winStart: 0, last: 0 };
  Object.defineProperty(window, '__launchreadyVitals', { value: s, enumerable: false });
  const describe = (e) => {
    if (e.url) return e.url;
    const el = e.element;
    if (!el) return undefined;
    let d = el.tagName.toLowerCase();
    if (el.id) d += '#' + el.id;
    else if (typeof el.className === 'string' && el.className.trim()) d += '.' + el.className.trim().split(/\\s+/).join('.');
    return d;
  };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) { s.lcp = e.startTime; s.lcpElement = describe(e); }
    }).observe({ type: 'largest-contentful-paint', buffered: true });
  } catch {}
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.hadRecentInput) continue;
        if (s.win > 0 && e.startTime - s.last < 1000 && e.startTime - s.winStart < 5000) s.win += e.value;
        else { s.win = e.value; s.winStart = e.startTime; }
        s.last = e.startTime;
        if (s.win > s.cls) s.cls = s.win;
      }
    }).observe({ type: 'layout-shift', buffered: true });
  } catch {}
})();`;

export async function measurePage(chromium: LaunchedChromium, url: string, opts: MeasureOptions = {}): Promise<PageVitals> {
  const runs: PageRun[] = [];
  const count = Math.max(1, opts.runs ?? 3);
  const profile = opts.profile ?? MOBILE_PROFILE;
  const blockedBefore = chromium.blocked.length;
  for (let i = 0; i < count; i++) {
    if (opts.signal?.aborted) break;
    const run = await oneRun(chromium, url, profile, opts.timeoutMs ?? 30_000);
    runs.push(run);
    // Not a page (JSON, a file): more runs would measure nothing.
    if (run.contentType && !/html/i.test(run.contentType)) break;
  }
  const ok = runs.filter((r) => !r.error);
  const lcps = ok.flatMap((r) => (r.lcpMs !== undefined ? [r.lcpMs] : []));
  const ttfbs = ok.flatMap((r) => (r.ttfbMs !== undefined ? [r.ttfbMs] : []));
  const cls = ok.map((r) => r.cls);
  const js = ok.map((r) => r.jsBytes);
  return {
    url,
    runs,
    median: { ...(lcps.length ? { lcpMs: median(lcps) } : {}), cls: median(cls) ?? 0, ...(ttfbs.length ? { ttfbMs: median(ttfbs) } : {}), jsBytes: median(js) ?? 0 },
    range: { ...(lcps.length ? { lcpMs: span(lcps) } : {}), cls: span(cls), ...(ttfbs.length ? { ttfbMs: span(ttfbs) } : {}), jsBytes: span(js) },
    mixedContent: [...new Set(runs.flatMap((r) => r.mixedContent))],
    consoleErrors: [...new Set(runs.flatMap((r) => r.consoleErrors))].slice(0, 20),
    blocked: [...new Set(chromium.blocked.slice(blockedBefore))],
    profile,
  };
}

async function oneRun(chromium: LaunchedChromium, url: string, profile: MobileProfile, timeoutMs: number): Promise<PageRun> {
  // viewport: null leaves the screen to our CDP emulation, so Playwright never re-applies its own.
  const context = await chromium.newContext({ viewport: null });
  const run: PageRun = { cls: 0, jsBytes: 0, requests: 0, mixedContent: [], consoleErrors: [] };
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await emulate(cdp, profile);
    const types = new Map<string, string>();
    cdp.on('Network.requestWillBeSent', (e: { requestId: string; type?: string; request: { url: string; mixedContentType?: string } }) => {
      run.requests += 1;
      if (e.type) types.set(e.requestId, e.type);
      if (e.request.mixedContentType && e.request.mixedContentType !== 'none') run.mixedContent.push(e.request.url);
    });
    cdp.on('Network.responseReceived', (e: { requestId: string; type?: string }) => {
      if (e.type) types.set(e.requestId, e.type);
    });
    cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => {
      if (types.get(e.requestId) === 'Script') run.jsBytes += e.encodedDataLength;
    });
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const text = m.text();
      if (/^Mixed Content:/.test(text)) run.mixedContent.push(text.slice(0, 300));
      // Requests the loopback guard refused are reported separately, not as the page's errors.
      if (/ERR_BLOCKED_BY_CLIENT|ERR_PROXY_CONNECTION_FAILED|ERR_NAME_NOT_RESOLVED/.test(text) && chromium.guarded) return;
      run.consoleErrors.push(text.slice(0, 300));
    });
    page.on('pageerror', (err) => run.consoleErrors.push(`uncaught: ${err.message.slice(0, 300)}`));
    await page.addInitScript({ content: OBSERVER_SCRIPT });
    const response = await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
    if (response) {
      run.status = response.status();
      const ct = response.headers()['content-type'];
      if (ct) run.contentType = ct;
    }
    // LCP candidates keep coming until the page settles; a short quiet period ends the run.
    await page.waitForLoadState('networkidle', { timeout: Math.min(5000, timeoutMs) }).catch(() => undefined);
    const v = await readVitals(page);
    if (v.lcp !== undefined) run.lcpMs = round(v.lcp);
    if (v.lcpElement) run.lcpElement = v.lcpElement.slice(0, 200);
    run.cls = Math.round(v.cls * 1000) / 1000;
    if (v.ttfb !== undefined) run.ttfbMs = round(v.ttfb);
    run.mixedContent = [...new Set(run.mixedContent)];
  } catch (err) {
    run.error = (err as Error).message.split('\n')[0] ?? 'failed';
  } finally {
    await context.close().catch(() => undefined);
  }
  return run;
}

async function emulate(cdp: CDPSession, p: MobileProfile): Promise<void> {
  await cdp.send('Emulation.setDeviceMetricsOverride', { width: p.width, height: p.height, deviceScaleFactor: p.deviceScaleFactor, mobile: true, screenWidth: p.width, screenHeight: p.height });
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
  await cdp.send('Emulation.setUserAgentOverride', { userAgent: p.userAgent, platform: 'Android' });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: p.cpuSlowdown });
  await cdp.send('Network.enable', {});
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: p.rttMs,
    downloadThroughput: (p.downloadKbps * 1024) / 8,
    uploadThroughput: (p.uploadKbps * 1024) / 8,
  });
}

async function readVitals(page: Page): Promise<{ lcp?: number; lcpElement?: string; cls: number; ttfb?: number }> {
  return page.evaluate(() => {
    const w = window as unknown as { __launchreadyVitals?: { lcp?: number; lcpElement?: string; cls: number } };
    const s = w.__launchreadyVitals;
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    return { ...(s?.lcp !== undefined ? { lcp: s.lcp } : {}), ...(s?.lcpElement ? { lcpElement: s.lcpElement } : {}), cls: s?.cls ?? 0, ...(nav && nav.responseStart > 0 ? { ttfb: nav.responseStart } : {}) };
  });
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function span(values: readonly number[]): [number, number] {
  return values.length ? [Math.min(...values), Math.max(...values)] : [0, 0];
}

function round(n: number): number {
  return Math.round(n);
}
