import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedChromium } from '../../src/browser/chromium.js';
import { CHROMIUM, ROOT } from '../helpers.js';
import { F, TARGET } from './fixtures.js';
import { ADMIN_PASSWORD, req, startTestDashboard, type TestDashboard } from './helpers.js';

/**
 * The dashboard in headless Chromium, as the admin uses it: sign in, open an audit and a finding,
 * compare two runs (new and fixed shown correctly), sign out — with a screenshot of every step in
 * test/.work/dashboard/, each checked to be a real rendering with the expected text on screen, and
 * no Content-Security-Policy violation on any page.
 */

const SHOTS = join(ROOT, 'test/.work/dashboard');

/** Distinct colours in a PNG (decoded here: 8-bit RGB/RGBA, non-interlaced, as Chromium writes them). */
export function distinctColours(png: Buffer): number {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  let off = 8;
  let width = 0;
  let height = 0;
  let channels = 4;
  const idat: Buffer[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.subarray(off + 4, off + 8).toString('latin1');
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      channels = data[9] === 6 ? 4 : 3;
      expect(data[8]).toBe(8);
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const prev = Buffer.alloc(stride);
  const cur = Buffer.alloc(stride);
  const colours = new Set<number>();
  for (let y = 0; y < height; y++) {
    const base = y * (stride + 1);
    const filter = raw[base]!;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? cur[x - channels]! : 0;
      const b = prev[x]!;
      const c = x >= channels ? prev[x - channels]! : 0;
      const v = raw[base + 1 + x]!;
      let out: number;
      if (filter === 0) out = v;
      else if (filter === 1) out = v + a;
      else if (filter === 2) out = v + b;
      else if (filter === 3) out = v + ((a + b) >> 1);
      else {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        out = v + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
      cur[x] = out & 0xff;
    }
    for (let x = 0; x < width; x += 3) colours.add((cur[x * channels]! << 16) | (cur[x * channels + 1]! << 8) | cur[x * channels + 2]!);
    cur.copy(prev);
  }
  return colours.size;
}

let d: TestDashboard;
let chromium: LaunchedChromium;
let context: BrowserContext;
let page: Page;
const cspViolations: string[] = [];

async function shot(name: string, mustShow: string[]): Promise<void> {
  for (const text of mustShow) expect(await page.getByText(text, { exact: false }).first().isVisible(), `"${text}" visible on ${name}`).toBe(true);
  const png = await page.screenshot({ fullPage: true });
  writeFileSync(join(SHOTS, `${name}.png`), png);
  // A blank or failed rendering has a handful of colours; a styled page with text has many.
  expect(distinctColours(png), `${name}.png is a real rendering`).toBeGreaterThan(40);
}

beforeAll(async () => {
  // Without Chromium the file skips (test/global-setup.ts says how to install it).
  if (!CHROMIUM) return;
  mkdirSync(SHOTS, { recursive: true });
  d = await startTestDashboard();
  chromium = await launchChromium();
  context = await chromium.newContext({ viewport: { width: 1100, height: 800 } });
  page = await context.newPage();
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await chromium?.close();
  await d?.close();
});

describe.skipIf(!CHROMIUM)('the dashboard in Chromium', () => {
  let oldSession = '';

  it('an anonymous visit lands on the sign-in page; a wrong password is refused; the right one signs in', async () => {
    await page.goto(`${d.url}/audits/${d.ids.two}`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await shot('01-login', ['Sign in to the dashboard', 'Password']);
    await page.fill('#password', 'not the password');
    await page.click('button[type=submit]');
    expect(await page.getByRole('alert').textContent()).toContain('Wrong user name or password');
    await page.fill('#password', ADMIN_PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname === `/audits/${d.ids.two}`), page.click('button[type=submit]')]);
    const cookies = await context.cookies(d.url);
    const session = cookies.find((c) => c.name === 'lr_session')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Lax');
    oldSession = session.value;
  }, 30_000);

  it('opens an audit: verdict, score, blockers in fix order and the scorecard', async () => {
    await page.goto(`${d.url}/audits/${d.ids.two}`);
    await shot('02-audit', ['Not ready', 'Blockers, in fix order', 'Stripe live secret key committed', 'Scorecard', 'Session security']);
    const blockers = await page.locator('ol.blockers > li a').allTextContents();
    // domain-tls, authorization, authentication, secrets, session … : authentication's enumeration comes before the secret.
    expect(blockers[0]).toContain('Login says whether an account exists');
    expect(blockers[1]).toContain('Stripe live secret key');
  }, 30_000);

  it('opens a finding: evidence as stored, a secret only as prefix, length and hash', async () => {
    await page.click(`a[href="/audits/${d.ids.two}/findings/${F.secret('fail').id}"]`);
    await page.waitForURL(`**/findings/${F.secret('fail').id}`);
    await shot('03-finding', ['Secret (never shown)', 'sk_l', 'Why it matters', 'In other runs']);
    const body = await page.locator('main').innerText();
    expect(body).toContain('a'.repeat(64));
    expect(body).toContain('32 characters');
  }, 30_000);

  it('shows the history with the score trend and compares the two runs: new and fixed findings are the right ones', async () => {
    await page.goto(`${d.url}/`);
    await shot('04-targets', ['Audit history', TARGET, 'https://ok.example.test/', 'No monitor running']);
    await page.click(`a:text("${TARGET}")`);
    await shot('05-history', ['Score over time', 'Compare two runs', 'Runs']);
    expect(await page.locator('svg.trend circle').count()).toBe(2);
    await Promise.all([page.waitForURL('**/compare?**'), page.click('form[action="/compare"] button[type=submit]')]);
    expect(new URL(page.url()).searchParams.get('base')).toBe(d.ids.one);
    expect(new URL(page.url()).searchParams.get('head')).toBe(d.ids.two);
    await shot('06-compare', ['New problems', 'Fixed', 'Not re-tested', 'Still open']);
    const section = async (id: string) => (await page.locator(`#${id} li`).allInnerTexts()).join('\n');
    const added = await section('new');
    expect(added).toContain('POST /api/invoices answers 500 with a stack trace');
    expect(added).toContain('Login says whether an account exists');
    expect(await page.locator('#new li').count()).toBe(2);
    const fixed = await section('fixed');
    expect(fixed).toContain('Cookie "sid" is readable by JavaScript');
    expect(await page.locator('#fixed li').count()).toBe(1);
    expect(await section('unverified')).toContain('no Referrer-Policy header');
    const open = await section('unchanged');
    expect(open).toContain('no Content-Security-Policy header');
    expect(open).toContain('Stripe live secret key');
  }, 30_000);

  it('serves the full HTML report with its own script allowed by hash (the filters appear) and nothing else', async () => {
    await page.goto(`${d.url}/audits/${d.ids.two}/report`);
    await shot('07-report', ['Launch readiness of portal.example.test', 'Top blockers, in fix order']);
    // The filters are hidden until the report's inline script runs: visible means the hash in the CSP header matched.
    expect(await page.locator('#filters').isVisible()).toBe(true);
  }, 30_000);

  it('shows the monitor status: none running', async () => {
    await page.goto(`${d.url}/monitor`);
    await shot('08-monitor', ['No monitor running', 'Incidents']);
  }, 30_000);

  it('signs out: back on the sign-in page, and the old session id is dead on the server', async () => {
    await page.goto(`${d.url}/`);
    await Promise.all([page.waitForURL('**/login?signedOut=1'), page.click('nav form[action="/logout"] button')]);
    await shot('09-signed-out', ['You are signed out']);
    await page.goto(`${d.url}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect((await req(d.url, '/api/session', { cookie: `lr_session=${oldSession}` })).status).toBe(401);
  }, 30_000);

  it('no page violated its Content-Security-Policy', () => {
    expect(cspViolations).toEqual([]);
  });
});
