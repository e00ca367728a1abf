import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { HOSTILE_BODY, fixtureMetas, richReport } from '../fixtures/reports/rich-report.js';
import { CHROMIUM } from '../helpers.js';

/**
 * The HTML report in a real browser: Debian's Chromium via playwright-core, with every request but the
 * page itself recorded and refused, so "self-contained" is proven rather than assumed.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- page-side code runs in Chromium; the project's tsconfig has no DOM lib, so the few browser globals it uses are declared loosely, for this module only */
declare const document: any;
declare const window: any;
declare const getComputedStyle: any;
declare const SVGElement: any;
type PageElement = any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const WORK = resolve('test/.work/html-report');
const report = richReport();
const html = renderHtml(report, fixtureMetas);
const file = join(WORK, 'report.html');
const pageUrl = pathToFileURL(file).href;

let browser: Browser;

interface Watch {
  page: Page;
  context: BrowserContext;
  /** Requests other than the page itself (each one was refused). */
  requests: string[];
  problems: string[];
}

async function open(options: { width?: number; height?: number; javaScriptEnabled?: boolean; isMobile?: boolean } = {}): Promise<Watch> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    isMobile: options.isMobile ?? false,
    offline: true,
  });
  const requests: string[] = [];
  const problems: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url === pageUrl) return route.continue();
    requests.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('request', (r) => {
    if (r.url() !== pageUrl && !requests.includes(r.url())) requests.push(r.url());
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  // A blocked load or a blocked inline script (hash mismatch) shows up as a CSP violation.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e: { violatedDirective: string; blockedURI: string }) => {
      (window as unknown as { __violations: string[] }).__violations ??= [];
      (window as unknown as { __violations: string[] }).__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(pageUrl);
  return { page, context, requests, problems };
}

beforeAll(async () => {
  // Without Chromium the browser half skips (test/global-setup.ts says how to install it).
  if (!CHROMIUM) return;
  mkdirSync(WORK, { recursive: true });
  writeFileSync(file, html);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('renderHtml: the markup itself', () => {
  it('is one self-contained file: no external resource of any kind, and a CSP that forbids loading any', () => {
    expect(html).not.toMatch(/<(link|img|iframe|object|embed|audio|video|source|base)\b/i);
    // Markup a server sent is escaped (&lt;), so any `<tag … src=` left would be a real element loading something.
    expect(html).not.toMatch(/<[a-z][^<>]*\ssrc=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain(`content="default-src &#39;none&#39;; style-src &#39;sha256-`);
    // Only links a person clicks (references) leave the file; nothing loads by itself.
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.filter((h) => !h.startsWith('#')).every((h) => /^https:\/\/(owasp\.org|cheatsheetseries\.owasp\.org|12factor\.net|developer\.mozilla\.org|letsencrypt\.org|web\.dev|portswigger\.net|docs\.stripe\.com)\//.test(h))).toBe(true);
  });

  it('escapes hostile server content: exactly one <script> element (ours), no event handler attributes', () => {
    expect(html.match(/<script/gi)).toHaveLength(1);
    expect(html).not.toMatch(/<[a-z][^<>]*\son[a-z]+=/i);
    expect(html).toContain('&lt;script&gt;window.__pwned = true;');
    expect(html).not.toContain('\u0000');
    expect(html).toContain('\\x1b[31m');
  });
});

describe.skipIf(!CHROMIUM)('renderHtml in headless Chromium', () => {
  it('loads with no network request beyond the page itself, no CSP violation, no error, and hostile content inert', async () => {
    const { page, context, requests, problems } = await open();
    try {
      await page.waitForLoadState('load');
      expect(requests).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? [])).toEqual([]);
      expect(problems).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
      // The hostile body is shown as text in the evidence, exactly as received (control characters made visible).
      const response = await page.locator(`#${cssId('f', byCheck('input-validation/server-error').id)} pre`).nth(1).textContent();
      expect(response).toContain(HOSTILE_BODY.slice(0, 60));
      expect(await page.locator('body').isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('shows the verdict and score first, and the blockers in fix order with their fix', async () => {
    const { page, context } = await open();
    try {
      const badge = page.locator('#verdict .verdict-badge');
      await expect.poll(() => badge.isVisible()).toBe(true);
      expect(await badge.innerText()).toBe(`Not ready\nScore ${report.score} / 100`);
      expect(await badge.boundingBox()).toMatchObject({ y: expect.any(Number) });
      expect((await badge.boundingBox())!.y).toBeLessThan(400);
      const items = page.locator('ol.blockers > li');
      expect(await items.count()).toBe(report.blockers.length);
      const hrefs = await items.locator('a.title').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(hrefs).toEqual(report.blockers.map((id) => `#f-${id}`));
      for (let i = 0; i < report.blockers.length; i++) expect(await items.nth(i).isVisible()).toBe(true);
      expect(await items.first().innerText()).toContain('Fix: Scope every lookup');
      expect(await page.locator('#verdict .incomplete').innerText()).toContain('Chromium crashed');
    } finally {
      await context.close();
    }
  });

  it('filters findings by area, severity and status, and resets, by clicking', async () => {
    const { page, context } = await open();
    try {
      const visible = () => page.locator('article.finding:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-area') + ':' + e.getAttribute('data-severity') + ':' + e.getAttribute('data-status')));
      expect(await visible()).toHaveLength(report.findings.length);
      await page.locator('#filter-area').selectOption('secrets');
      expect(await visible()).toEqual(['secrets:critical:fail', 'secrets:high:fail']);
      expect(await page.locator('#filter-count').innerText()).toBe(`Showing 2 of ${report.findings.length} findings.`);
      expect(await page.locator('.area-group:visible').count()).toBe(1);

      await page.locator('#filter-area').selectOption('');
      await page.locator('#filter-severity').selectOption('high');
      const high = await visible();
      expect(high.length).toBe(report.findings.filter((f) => f.severity === 'critical' || f.severity === 'high').length);
      expect(high.every((v) => /:(critical|high):/.test(v))).toBe(true);

      await page.locator('#filter-status').selectOption('problems');
      expect((await visible()).every((v) => /:(fail|warn|error)$/.test(v))).toBe(true);

      await page.locator('#filter-area').selectOption('monitoring');
      expect(await visible()).toEqual([]);
      expect(await page.locator('#no-match').isVisible()).toBe(true);

      await page.locator('#filter-reset').click();
      expect(await visible()).toHaveLength(report.findings.length);
      expect(await page.locator('#no-match').isVisible()).toBe(false);

      // A blocker link opens its finding (even a collapsed one) and clears filters that hide it.
      await page.locator('#collapse-all').click();
      await page.locator('#filter-area').selectOption('email');
      const first = report.blockers[0]!;
      await page.locator(`ol.blockers a[href="#f-${first}"]`).click();
      const details = page.locator(`#${cssId('f', first)} details`);
      expect(await details.evaluate((d) => d.hasAttribute('open'))).toBe(true);
      expect(await page.locator(`#${cssId('f', first)}`).isVisible()).toBe(true);
      await page.locator('#expand-all').click();
      expect(await page.locator('article.finding:visible details:not([open])').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('works by keyboard: skip link, filters with arrow keys and Tab, Enter on reset and on a finding, focus always visible', async () => {
    const { page, context } = await open();
    try {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
      expect(await page.locator('a.skip').isVisible()).toBe(true);
      await expectFocusRing(page);

      await page.locator('#filter-area').focus();
      await page.keyboard.press('ArrowDown');
      const firstArea = await page.locator('#filter-area').inputValue();
      expect(firstArea).not.toBe('');
      const shown = await page.locator('article.finding:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-area')));
      expect(shown.length).toBeGreaterThan(0);
      expect(new Set(shown)).toEqual(new Set([firstArea]));

      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('filter-severity');
      await page.keyboard.press('ArrowDown');
      expect(await page.locator('#filter-severity').inputValue()).toBe('critical');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('filter-status');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('filter-reset');
      await expectFocusRing(page);
      await page.keyboard.press('Enter');
      expect(await page.locator('article.finding:visible').count()).toBe(report.findings.length);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('filter-area');

      // A collapsed finding opens with Enter on its summary.
      const warn = byCheck('edge/security-headers');
      const summary = page.locator(`#${cssId('f', warn.id)} summary`);
      await summary.focus();
      await expectFocusRing(page);
      expect(await page.locator(`#${cssId('f', warn.id)} details`).evaluate((d) => d.hasAttribute('open'))).toBe(false);
      await page.keyboard.press('Enter');
      expect(await page.locator(`#${cssId('f', warn.id)} details`).evaluate((d) => d.hasAttribute('open'))).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('is readable without JavaScript: every finding shown, the filter controls absent', async () => {
    const { page, context, requests } = await open({ javaScriptEnabled: false });
    try {
      expect(await page.locator('#verdict .verdict-badge').isVisible()).toBe(true);
      expect(await page.locator('article.finding:visible').count()).toBe(report.findings.length);
      expect(await page.locator('#filters').isVisible()).toBe(false);
      expect(await page.locator('button:visible').count()).toBe(0);
      // Failing findings are open, so their evidence and fix can be read.
      const bola = page.locator(`#${cssId('f', byCheck('authorization/object-level').id)}`);
      expect(await bola.locator('.fix-box').isVisible()).toBe(true);
      expect(requests).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('fits a phone screen: no sideways scrolling, verdict in the first screen', async () => {
    const { page, context } = await open({ width: 390, height: 844, isMobile: true });
    try {
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
      const box = await page.locator('#verdict .verdict-badge').boundingBox();
      expect(box!.y + box!.height).toBeLessThan(844);
      expect(box!.width).toBeLessThanOrEqual(390);
      await page.screenshot({ path: join(WORK, 'phone.png') });
      await page.locator(`#${cssId('f', byCheck('authorization/object-level').id)}`).screenshot({ path: join(WORK, 'phone-finding.png') });
    } finally {
      await context.close();
    }
  });

  it('is accessible: landmarks, one h1 and headings in order, labelled controls, contrast of every text at least 4.5:1', async () => {
    const { page, context } = await open();
    try {
      await page.locator('#expand-all').click();
      const landmarks = await page.evaluate(() => ({
        banner: document.querySelectorAll('body > header').length,
        nav: document.querySelectorAll('nav[aria-label]').length,
        main: document.querySelectorAll('main').length,
        footer: document.querySelectorAll('body > footer').length,
        lang: document.documentElement.lang,
        title: document.title,
      }));
      expect(landmarks).toEqual({ banner: 1, nav: 1, main: 1, footer: 1, lang: 'en', title: `Not ready — launch readiness of app.example.com` });

      const levels = await page.locator('h1, h2, h3, h4, h5, h6').evaluateAll((hs) => hs.map((h) => Number(h.tagName[1])));
      expect(levels[0]).toBe(1);
      expect(levels.filter((l) => l === 1)).toHaveLength(1);
      for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!, `heading ${i}`).toBeLessThanOrEqual(1);

      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('select, input, button, summary, [role=region], svg[role=img]')]
          .filter((el) => {
            const labelled = el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
            return !labelled && !(el.textContent ?? '').trim();
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      expect(unlabelled).toEqual([]);

      const lowContrast = await page.evaluate(contrastFailures);
      expect(lowContrast).toEqual([]);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(WORK, 'desktop.png') });
      await page.locator('#latency').screenshot({ path: join(WORK, 'latency.png') });
    } finally {
      await context.close();
    }
  });
});

function byCheck(check: string) {
  return report.findings.find((f) => f.check === check)!;
}

function cssId(prefix: string, id: string): string {
  return `${prefix}-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

async function expectFocusRing(page: Page): Promise<void> {
  const ring = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement!);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  expect(ring.style).not.toBe('none');
  expect(ring.width).toBeGreaterThanOrEqual(2);
}

/** Runs in the page: every visible element with its own text, whose contrast with its background is below WCAG AA. */
function contrastFailures(): string[] {
  const parse = (c: string): [number, number, number, number] => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1]!.split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0]!, p[1]!, p[2]!, p[3] ?? 1];
  };
  const lum = ([r, g, b]: number[]) => {
    const ch = (v: number) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * ch(r!) + 0.7152 * ch(g!) + 0.0722 * ch(b!);
  };
  const background = (el: PageElement): number[] => {
    for (let e = el; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0.5) return bg;
    }
    return [255, 255, 255, 1];
  };
  const failures: string[] = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && (n.textContent ?? '').trim() !== '');
    if (!own) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.closest('[hidden], .skip')) continue;
    const isSvg = el instanceof SVGElement;
    const fg = parse(isSvg ? style.fill : style.color);
    const bg = background(isSvg ? el.closest('figure') : el);
    const l1 = lum(fg);
    const l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) failures.push(`${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''} "${(el.textContent ?? '').trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
  }
  return failures;
}
