import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedChromium } from '../../src/browser/chromium.js';
import {
  LIGHTHOUSE_LOAD_END,
  loadEnded,
  MOBILE_PROFILE,
  measurePage,
  NetworkQuiet,
  summarise,
  totalBlockingTime,
  type PageRun,
} from '../../src/browser/vitals.js';
import { pageLcp } from '../../src/checks/performance/page-lcp.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { runChecks } from '../../src/engine/runner.js';
import { HttpClient } from '../../src/net/http.js';
import { startVitalsSite, VITALS_PAGES, type VitalsSite } from '../fixtures/vitals-pages.js';
import { CHROMIUM } from '../helpers.js';

describe("Lighthouse's load-end rule (pure)", () => {
  const p = LIGHTHOUSE_LOAD_END;
  const quiet = { networkQuietMs: 5000, cpuQuietMs: 5000 };
  it.each([
    ['still inside the pause after first paint', { now: 1500, fcpAt: 700, loadAt: 400, ...quiet }, undefined],
    ['inside the pause after load', { now: 1800, fcpAt: 300, loadAt: 1000, ...quiet }, undefined],
    ['network busy (a data fetch in flight)', { now: 3000, fcpAt: 300, loadAt: 300, networkQuietMs: 200, cpuQuietMs: 5000 }, undefined],
    ['main thread busy (a long task just ended)', { now: 3000, fcpAt: 300, loadAt: 300, networkQuietMs: 5000, cpuQuietMs: 300 }, undefined],
    ['painted, loaded, quiet', { now: 3000, fcpAt: 300, loadAt: 300, ...quiet }, 'quiet'],
    ['loaded and quiet but nothing painted', { now: 3000, loadAt: 300, ...quiet }, 'no-fcp'],
    ['no paint by the FCP deadline', { now: p.maxWaitForFcpMs, networkQuietMs: 0, cpuQuietMs: 0 }, 'no-fcp'],
    ['never quiet: the hard cap', { now: p.maxWaitForLoadMs, fcpAt: 300, loadAt: 300, networkQuietMs: 0, cpuQuietMs: 0 }, 'cap'],
  ] as const)('%s', (_name, state, expected) => {
    expect(loadEnded(state, p)).toBe(expected);
  });

  it('uses the published constants of the mode it claims', () => {
    expect(MOBILE_PROFILE.requestLatencyMs).toBe(562.5);
    expect(MOBILE_PROFILE.devtoolsDownloadKbps).toBeCloseTo(1474.56, 5);
    expect(MOBILE_PROFILE.devtoolsUploadKbps).toBe(675);
    expect(MOBILE_PROFILE.cpuSlowdown).toBe(4);
    expect(MOBILE_PROFILE.mode).toMatch(/Lighthouse 12 mobile, DevTools throttling/);
  });
});

describe('network quiet (≤ 2 in flight and no critical request)', () => {
  it('is busy while a high-priority main-frame request is in flight, even alone', () => {
    const n = new NetworkQuiet(0);
    n.started('doc', { frameId: 'F', type: 'Document', priority: 'VeryHigh', network: true }, 0);
    n.finished('doc', 500);
    n.started('api', { frameId: 'F', type: 'Fetch', priority: 'High', network: true }, 800);
    expect(n.quietFor(2000)).toBe(0);
    n.finished('api', 2300);
    expect(n.quietFor(3300)).toBe(1000);
  });
  it('ignores low-priority requests until more than two are in flight, and never counts WebSockets as critical', () => {
    const n = new NetworkQuiet(0);
    n.started('a', { frameId: 'F', type: 'Image', priority: 'Low', network: true }, 100);
    n.started('ws', { frameId: 'F', type: 'WebSocket', priority: 'High', network: true }, 100);
    expect(n.quietFor(1100)).toBe(1100);
    n.started('b', { frameId: 'F', type: 'Image', priority: 'Low', network: true }, 1200);
    expect(n.quietFor(1300)).toBe(0);
    n.started('data', { type: 'Other', network: false }, 1300);
    n.finished('b', 1400);
    expect(n.quietFor(2400)).toBe(1000);
  });
});

describe('total blocking time', () => {
  it('counts the part over 50 ms of each long task after first paint, clipping a task that straddles it', () => {
    expect(totalBlockingTime([[100, 200], [1000, 250], [2000, 40], [3000, 60]], 200)).toBe(0 + 200 + 0 + 10 + 50);
    expect(totalBlockingTime([[0, 500]], undefined)).toBe(0);
  });
});

describe('summary over runs', () => {
  const run = (lcpMs: number | undefined, extra: Partial<PageRun> = {}): PageRun => ({
    ...(lcpMs !== undefined ? { lcpMs } : {}),
    cls: 0,
    tbtMs: 0,
    jsBytes: 0,
    requests: 1,
    mixedContent: [],
    consoleErrors: [],
    ended: 'quiet',
    observedMs: 2000,
    ...extra,
  });
  it('takes medians over the runs that loaded, with the range and the element most runs agree on', () => {
    const v = summarise('http://x/', [run(900, { lcpElement: 'h1' }), run(1500, { lcpElement: 'main > p' }), run(1200, { lcpElement: 'main > p' }), run(undefined, { error: 'net::ERR', ended: 'error' })], MOBILE_PROFILE);
    expect(v.median.lcpMs).toBe(1200);
    expect(v.range.lcpMs).toEqual([900, 1500]);
    expect(v.lcpElement).toBe('main > p');
  });
});

describe.skipIf(!CHROMIUM)('page vitals in Chromium on pages of the shapes that matter', () => {
  let site: VitalsSite;
  let chromium: LaunchedChromium;
  beforeAll(async () => {
    site = await startVitalsSite();
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await site?.close();
  });
  const once = async (path: string): Promise<PageRun> => {
    const v = await measurePage(chromium, site.url + path, { runs: 1 });
    const r = v.runs[0]!;
    expect(r.error).toBeUndefined();
    return r;
  };

  it('reads main content that arrives 1.5 s after load, not the "Loading…" placeholder', async () => {
    const r = await once(VITALS_PAGES.lateWithPlaceholder);
    expect(r.fcpMs).toBeLessThan(r.lcpMs!);
    expect(r.lcpMs).toBeGreaterThanOrEqual(1500);
    expect(r.lcpElement).toMatch(/^main#app > (p|h1)/);
    expect(r.ended).toBe('quiet');
  }, 60_000);

  it('reads late content on a page that paints nothing before it (no placeholder)', async () => {
    const r = await once(VITALS_PAGES.lateNoPlaceholder);
    expect(r.lcpMs).toBeGreaterThanOrEqual(1500);
    expect(r.fcpMs).toBeGreaterThanOrEqual(1500);
  }, 60_000);

  it('names the image as the LCP element when a 200 KB image is the largest paint, after its download on slow 4G', async () => {
    const r = await once(VITALS_PAGES.image);
    expect(r.lcpElement).toMatch(/^body > img\.hero \(http:\/\/127\.0\.0\.1:\d+\/hero\.png\)$/);
    // 200 KB at 1.47 Mbps alone is over a second, plus two round trips of 562.5 ms.
    expect(r.lcpMs).toBeGreaterThan(1500);
    expect(r.lcpMs! - r.fcpMs!).toBeGreaterThan(800);
  }, 60_000);

  it('counts the transfer of a 400 KB render-blocking script and the paint it delays', async () => {
    const r = await once(VITALS_PAGES.blockingScript);
    expect(r.jsBytes).toBeGreaterThan(400_000);
    expect(r.lcpMs).toBeGreaterThan(2500);
  }, 60_000);

  it('measures layout shift from a banner inserted above the content', async () => {
    const r = await once(VITALS_PAGES.layoutShift);
    expect(r.cls).toBeGreaterThan(0.1);
    const light = await once(VITALS_PAGES.light);
    expect(light.cls).toBe(0);
  }, 60_000);

  it('measures blocking time from long tasks after the first paint', async () => {
    const r = await once(VITALS_PAGES.busy);
    // Three ~250 ms tasks → about 3 × 200 ms over the 50 ms allowance.
    expect(r.tbtMs).toBeGreaterThan(400);
    expect(r.ended).toBe('quiet');
  }, 60_000);

  it('takes TTFB from the DevTools timing, so it includes the emulated phone latency, and keeps the server share apart', async () => {
    const r = await once(VITALS_PAGES.light);
    expect(r.ttfbMs).toBeGreaterThanOrEqual(MOBILE_PROFILE.requestLatencyMs);
    expect(r.serverMs).toBeLessThan(r.ttfbMs! - 400);
  }, 60_000);
});

describe.skipIf(!CHROMIUM)('the LCP check never passes a placeholder', () => {
  let site: VitalsSite;
  beforeAll(async () => {
    site = await startVitalsSite();
  });
  afterAll(() => site?.close());

  it('fails a late-content page at a 1 s threshold, with the mode, the element and why each run ended in the evidence', async () => {
    const config = ConfigSchema.parse({ target: site.url, pages: { landing: VITALS_PAGES.lateWithPlaceholder }, thresholds: { lcpMs: 1000 } });
    const http = new HttpClient({ maxRequests: 60, rate: 20, timeoutMs: 5000, maxBodyBytes: 1 << 20 });
    try {
      const run = await runChecks({
        checks: [pageLcp],
        config,
        configDir: '.',
        target: { baseUrl: new URL(site.url), isDevelopment: true },
        http,
        options: { allowWrites: false, seed: 1 },
        env: {},
        checkDeadlineMs: 120_000,
        runDeadlineMs: 120_000,
        services: { loadSettings: { browserRuns: 3 } },
      });
      // The LCP judgement itself (console and mixed-content notes are separate warnings).
      const main = run.findings.find((x) => x.check === 'performance/page-lcp' && x.status !== 'warn')!;
      expect(main.status).toBe('fail');
      const notes = main.evidence.notes!.join('\n');
      expect(notes).toMatch(/median of 3 runs: LCP (1\.[5-9]\d|[2-9]\.\d\d) s/);
      expect(notes).toMatch(/on main#app > (p|h1)/);
      expect(notes).toMatch(/mode: Lighthouse 12 mobile, DevTools throttling/);
      expect(notes).toMatch(/ended: page went quiet/);
    } finally {
      await http.close();
    }
  }, 150_000);
});
