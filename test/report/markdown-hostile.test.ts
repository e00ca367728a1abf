import { existsSync } from 'node:fs';
import MarkdownIt from 'markdown-it';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, type Finding } from '../../src/model/finding.js';
import { judge, type Report } from '../../src/model/report.js';
import { renderHandover } from '../../src/report/handover.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { HOSTILE_BODY, richReport } from '../fixtures/reports/rich-report.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- page-side code runs in Chromium; no DOM lib in the project's tsconfig */
declare const document: any;
declare const window: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * A hostile target chooses cookie names, paths, titles, error bodies and latency labels. The
 * Markdown report of it, rendered by a Markdown renderer with raw HTML enabled (what many wikis and
 * chat tools do), must run no script and carry no event handler, no image, no style.
 */
const CHROMIUM = process.env.LAUNCHREADY_CHROMIUM ?? '/usr/bin/chromium';
const SCRIPT = '<script>window.__pwned=1</script>';
const IMG = '<img src=x onerror="window.__pwned=2">';
const LINK = '[click](javascript:window.__pwned=3)';
const EVIL = `${SCRIPT}${IMG}${LINK}<svg onload="window.__pwned=4"></svg>`;

function hostileReport(): Report {
  const base = richReport();
  const cookie: Finding = {
    id: fingerprint('session/cookie-flags', { url: 'https://app.example.com/', detail: `sid${SCRIPT}` }),
    check: 'session/cookie-flags',
    area: 'session',
    severity: 'high',
    status: 'fail',
    title: `Cookie ${SCRIPT} is missing HttpOnly`,
    location: { url: `https://app.example.com/${IMG}`, detail: `sid${SCRIPT}`, method: 'GET' },
    evidence: { notes: [EVIL, '```', '~~~'], response: `HTTP/1.1 200 OK\nset-cookie: ${SCRIPT}=1\n\n\`\`\`\n${HOSTILE_BODY}\n\`\`\`\`\n${EVIL}` },
    fix: `Set HttpOnly on ${EVIL}`,
    references: [LINK],
  };
  const skip: Finding = { ...cookie, id: fingerprint('session/lifecycle', { detail: 'x' }), check: 'session/lifecycle', status: 'skip', reason: `the login answered ${EVIL}` };
  const findings = [...base.findings, cookie, skip];
  const incomplete = [...base.incomplete, `cors-csrf could not finish: ${EVIL}`];
  return {
    ...base,
    target: `https://app.example.com/${IMG}`,
    findings,
    incomplete,
    ...judge({ findings, failOn: 'high', incomplete }),
    accessMatrix: [{ method: 'GET', path: `/api/${SCRIPT}`, identity: IMG, expected: LINK, observed: EVIL, verdict: 'leak' }],
    latency: { [`GET /${SCRIPT}`]: { p50: 1, p90: 2, p95: 3, p99: 4, max: 5, count: 6, errors: 0 } },
    waivers: [{ area: 'email', reason: EVIL }],
    coverage: [{ area: 'logging', state: 'untested', reason: EVIL, hint: 'point secrets.logs at your log files' }],
    suppressed: [{ id: 'abc', reason: EVIL }],
  };
}

let browser: Browser;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe('the Markdown of a hostile target, rendered with raw HTML enabled', () => {
  const md = new MarkdownIt({ html: true, linkify: true });
  const report = hostileReport();

  for (const [name, text] of [
    ['--format md', renderMarkdown(report)],
    ['--format handover', renderHandover(report)],
  ] as const) {
    it(`${name}: no script element, event handler, image, style or javascript: link survives, and nothing runs`, async () => {
      // The hostile strings are in the report (as text), so the test is not vacuous.
      expect(text).toContain('window.\\_\\_pwned');
      const html = md.render(text);
      const context = await browser.newContext({ offline: true, javaScriptEnabled: true });
      try {
        const page = await context.newPage();
        const dialogs: string[] = [];
        page.on('dialog', (d) => {
          dialogs.push(d.message());
          void d.dismiss();
        });
        await page.setContent(`<!doctype html><html><body>${html}</body></html>`, { waitUntil: 'load' });
        const found = await page.evaluate(() => {
          const all = Array.from(document.querySelectorAll('*')) as Array<{ tagName: string; attributes: ArrayLike<{ name: string; value: string }> }>;
          return {
            pwned: window.__pwned ?? null,
            scripts: document.querySelectorAll('script').length,
            images: document.querySelectorAll('img, svg, style, iframe, object').length,
            handlers: all.flatMap((el) => Array.from(el.attributes).filter((a) => a.name.startsWith('on')).map((a) => `${el.tagName} ${a.name}`)),
            jsLinks: Array.from(document.querySelectorAll('a') as ArrayLike<{ getAttribute(n: string): string | null }>).map((a) => a.getAttribute('href') ?? '').filter((h) => /^\s*javascript:/i.test(h)),
            text: document.body.textContent as string,
          };
        });
        expect(found.pwned).toBeNull();
        expect(found.scripts).toBe(0);
        expect(found.images).toBe(0);
        expect(found.handlers).toEqual([]);
        expect(found.jsLinks).toEqual([]);
        expect(dialogs).toEqual([]);
        // Shown as text instead: the reader still sees what the target sent.
        expect(found.text).toContain(SCRIPT);
      } finally {
        await context.close();
      }
    });
  }
});
