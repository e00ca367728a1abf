import type { BrowserContext, Page, Request, Response } from 'playwright-core';
import type { Config, IdentityConfig } from '../config/schema.js';
import { defineGatherer, NotApplicable } from '../engine/check.js';
import type { GatherContext } from '../engine/context.js';
import { ChromiumUnavailable, launchChromium, type LaunchedChromium } from '../browser/chromium.js';
import { login, loginCredentials, sendStep, type Session } from '../identity/session.js';
import { CookieJar } from '../identity/cookies.js';
import type { HttpClient } from '../net/http.js';
import type { ConnectOverride } from '../net/overrides.js';
import { redactText } from '../net/redact.js';
import { endpointsFromScript, type BundleEndpoint } from './bundles.js';
import { templatize } from './object-ids.js';
import type { RecordedCall } from './recorded.js';
import { isExcluded } from './routes.js';

/**
 * The authenticated crawl: Chromium visits the app's own pages breadth-first, anonymously and then as
 * each configured identity, follows links and in-app navigation, and records every fetch/XHR and form
 * request with its response. Nothing that could change data is sent without --allow-writes: writes the
 * page's scripts attempt are recorded (method, URL, body shape) and refused before they leave the
 * browser; forms that write are read, never submitted; buttons whose label reads destructive are never
 * clicked; logout links are never followed. Bounded by pages, depth, wall-clock time and a request
 * allowance reserved from the run's budget; `api.exclude` paths are refused like writes.
 */

export interface CrawlSettings {
  maxPages: number;
  maxDepth: number;
  seconds: number;
  maxRequests: number;
}

/** Identities crawled side by side, each in its own browser context. */
export const CRAWL_PARALLEL = 3;

export const CRAWL_DEFAULTS: CrawlSettings = { maxPages: 30, maxDepth: 3, seconds: 30, maxRequests: 400 };

/** The crawl's settings from `api.crawl`; `enabled` undefined means "when the landing page is HTML". */
export function crawlSettings(config: Config): CrawlSettings & { enabled?: boolean } {
  const c = config.api.crawl;
  if (c === undefined) return { ...CRAWL_DEFAULTS };
  if (typeof c === 'boolean') return { ...CRAWL_DEFAULTS, enabled: c };
  return { maxPages: c.maxPages, maxDepth: c.maxDepth, seconds: c.seconds, maxRequests: c.maxRequests, ...(c.enabled !== undefined ? { enabled: c.enabled } : {}) };
}

export interface CrawlIdentity {
  name: string;
  config: IdentityConfig;
}

export interface CrawlInput {
  base: URL;
  http: HttpClient;
  settings: CrawlSettings;
  identities: CrawlIdentity[];
  exclude: readonly string[];
  allowWrites: boolean;
  /** Start pages besides the landing page (pages.login …). */
  startPaths?: string[];
  loginPage?: string;
  executablePath?: string;
  overrides?: readonly ConnectOverride[];
  signal?: AbortSignal;
  /** Test seam: launch the browser (default: launchChromium). */
  launch?: typeof launchChromium;
}

export interface CrawledPage {
  url: string;
  identity?: string;
  depth: number;
  status?: number;
  title?: string;
}

export interface CrawledForm {
  page: string;
  identity?: string;
  method: string;
  action: string;
  fields: Array<{ name: string; type: string }>;
  label: string;
  /** What the form looks like it does. */
  kind?: 'login' | 'signup' | 'password-reset' | 'invite' | 'logout' | 'search';
  submitted: boolean;
}

export interface CrawlResult {
  pages: CrawledPage[];
  calls: RecordedCall[];
  forms: CrawledForm[];
  /** Endpoints named in the same-origin scripts the pages loaded (read from what was loaded anyway). */
  scriptEndpoints: BundleEndpoint[];
  /** Links by purpose (logout, signup, password reset …), for init. */
  links: Array<{ url: string; text: string; kind?: CrawledForm['kind'] }>;
  refused: { writes: string[]; excluded: string[]; destructiveClicks: string[]; destructiveLinks: string[] };
  /** identity → how it logged in to the browser (form login, injected session) or why it could not. */
  logins: Record<string, string>;
  requests: number;
  allowance: number;
  ms: number;
  stoppedBy: Array<'pages' | 'time' | 'budget' | 'aborted'>;
  notes: string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Labels of controls the crawl never activates without --allow-writes (and some never at all). */
export const DESTRUCTIVE_LABEL =
  /\b(?:delete|remove|destroy|erase|cancel|pay|payment|purchase|buy|checkout|order now|subscribe|unsubscribe|send|invite|transfer|refund|withdraw|archive|deactivate|disable|revoke|reset|wipe|drop|close account|log ?out|sign ?out|submit|approve|reject|publish|save|confirm|upgrade|downgrade)\b/i;
const LOGOUT_HREF = /(?:^|[/_-])(?:log-?out|sign-?out|signoff|logoff|end-?session)(?:$|[/?._-])/i;
const ACTION_HREF = /(?:^|[/_-])(?:delete|remove|destroy|unsubscribe|revoke|deactivate|cancel)(?:$|[/?._-])/i;
const SKIP_RESOURCES = new Set(['image', 'font', 'media']);
const BODY_LIMIT = 20_000;
/** Pages of one template visited at most (/items/1, /items/2 … of a thousand-link page). */
const PER_TEMPLATE = 2;
const CLICKS_PER_PAGE = 6;

function kindOfText(text: string): CrawledForm['kind'] | undefined {
  if (/log ?out|sign ?out/i.test(text)) return 'logout';
  if (/forgot|reset|lost.*password/i.test(text)) return 'password-reset';
  if (/sign ?up|register|create (?:an )?account|join/i.test(text)) return 'signup';
  if (/invite/i.test(text)) return 'invite';
  if (/log ?in|sign ?in/i.test(text)) return 'login';
  return undefined;
}

/** What a form looks like it does, from its fields and words. */
export function formKind(form: { method: string; action: string; fields: Array<{ name: string; type: string }>; label: string }): CrawledForm['kind'] | undefined {
  const passwords = form.fields.filter((f) => f.type === 'password').length;
  const words = `${form.label} ${form.action}`;
  if (passwords >= 2 || (passwords === 1 && /sign ?up|register|create/i.test(words))) return 'signup';
  if (passwords === 1 && form.fields.some((f) => /name$|^name|first|last/i.test(f.name) && f.type !== 'password' && !/user-?name/i.test(f.name))) return 'signup';
  if (passwords === 1) return 'login';
  if (/forgot|reset|recover/i.test(words)) return 'password-reset';
  if (/invite/i.test(words)) return 'invite';
  if (/log ?out|sign ?out/i.test(words)) return 'logout';
  if (form.method === 'GET' && form.fields.some((f) => f.type === 'search' || /^(?:q|query|search|term)$/i.test(f.name))) return 'search';
  return undefined;
}

/** A page URL the crawl may visit: same origin, not a logout or action link; hash routes (#/x) kept. */
export function crawlableUrl(raw: string, base: URL): { url: string; skip?: 'logout' | 'action' } | undefined {
  let u: URL;
  try {
    u = new URL(raw, base);
  } catch {
    return undefined;
  }
  if (u.origin !== base.origin || !['http:', 'https:'].includes(u.protocol)) return undefined;
  if (!/^#!?\//.test(u.hash)) u.hash = '';
  const path = `${u.pathname}${u.hash}`;
  if (LOGOUT_HREF.test(path)) return { url: u.href, skip: 'logout' };
  if (ACTION_HREF.test(path)) return { url: u.href, skip: 'action' };
  if (/\.(?:pdf|zip|gz|tar|csv|xlsx?|docx?|png|jpe?g|gif|svg|ico|mp4|webm|mp3|woff2?|css|js|map|json|xml)$/i.test(u.pathname)) return undefined;
  return { url: u.href };
}

/** The frontier key: pages of one template count together. */
function templateKey(url: string): string {
  const u = new URL(url);
  const hash = u.hash ? templatize(u.hash.replace(/^#!?/, '')).template : '';
  return `${templatize(u.pathname).template}${u.search ? '?' + [...u.searchParams.keys()].sort().join('&') : ''}#${hash}`;
}

function learnableHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (h['location']) out['location'] = h['location'];
  if (h['content-type']) out['content-type'] = h['content-type'];
  if (h['set-cookie']) out['set-cookie'] = h['set-cookie'].split('\n').map((c) => c.split('=')[0]!.trim()).join(', ');
  return out;
}

/** Runs the crawl. Throws ChromiumUnavailable when there is no browser; everything else is a note. */
export async function crawl(input: CrawlInput): Promise<CrawlResult> {
  const started = Date.now();
  const deadline = started + input.settings.seconds * 1000;
  const origin = input.base.origin;
  const result: CrawlResult = {
    pages: [],
    calls: [],
    forms: [],
    scriptEndpoints: [],
    links: [],
    refused: { writes: [], excluded: [], destructiveClicks: [], destructiveLinks: [] },
    logins: {},
    requests: 0,
    allowance: 0,
    ms: 0,
    stoppedBy: [],
    notes: [],
  };
  const secrets = new Set<string>();
  const redact = (s: string): string => redactText(s, secrets);
  const stop = (why: CrawlResult['stoppedBy'][number]): void => {
    if (!result.stoppedBy.includes(why)) result.stoppedBy.push(why);
  };

  // Logins the crawl sends itself go through the run's client (counted there); the browser's own
  // requests spend an allowance reserved up front, and what it did not use goes back.
  const allowance = input.http.reserve(Math.min(input.settings.maxRequests, Math.floor(input.http.remaining / 3)));
  result.allowance = allowance;
  if (allowance === 0) {
    result.notes.push('the request budget is spent: no page was crawled (raise --max-requests)');
    stop('budget');
    return result;
  }
  let used = 0;
  let chromium: LaunchedChromium;
  try {
    chromium = await (input.launch ?? launchChromium)({
      allowRequest: () => (used < allowance ? (used++, true) : false),
      ...(input.executablePath ? { executablePath: input.executablePath } : {}),
      ...(input.overrides ? { overrides: input.overrides } : {}),
    });
  } catch (err) {
    input.http.settle(allowance, 0, 0);
    throw err;
  }
  const onAbort = (): void => void chromium.close();
  input.signal?.addEventListener('abort', onAbort, { once: true });
  const scriptSeen = new Set<string>();
  const pending = new Set<Promise<void>>();
  const track = (p: Promise<void>): void => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  const timeLeft = (): number => deadline - Date.now();
  const watches = new WeakMap<Page, ReturnType<typeof networkWatch>>();
  const settle = (page: Page, ms: number): Promise<void> => watches.get(page)?.settle(ms) ?? page.waitForLoadState('networkidle', { timeout: ms }).catch(() => undefined);
  const outOfBudget = (): boolean => used >= allowance;

  try {
    let loginPage = input.loginPage;
    const runPass = async (who: CrawlIdentity | undefined, passEnd: number): Promise<void> => {
      const identity = who?.name;
      const state = { loggingIn: false };
      const extraHeaders: Record<string, string> = {};
      const context = await chromium.newContext({ acceptDownloads: false, ignoreHTTPSErrors: false });
      try {
        await context.route('**/*', async (route) => {
          const req = route.request();
          if (SKIP_RESOURCES.has(req.resourceType())) return route.abort('blockedbyclient').catch(() => undefined);
          let u: URL;
          try {
            u = new URL(req.url());
          } catch {
            return route.fallback().catch(() => undefined);
          }
          if (u.origin === origin) {
            const method = req.method().toUpperCase();
            if (isExcluded({ method, path: u.pathname }, input.exclude)) {
              if (result.refused.excluded.length < 100) result.refused.excluded.push(`${method} ${u.pathname}`);
              return route.abort('blockedbyclient').catch(() => undefined);
            }
            if (!SAFE_METHODS.has(method) && !input.allowWrites && !state.loggingIn) {
              // Learn the write without sending it: method, URL and body shape.
              if (result.refused.writes.length < 100) result.refused.writes.push(`${method} ${u.pathname}`);
              result.calls.push(recordRequest(req, identity, redact, true));
              return route.abort('blockedbyclient').catch(() => undefined);
            }
            if (Object.keys(extraHeaders).length) return route.fallback({ headers: { ...req.headers(), ...extraHeaders } }).catch(() => undefined);
          }
          return route.fallback().catch(() => undefined);
        });
        context.on('response', (resp) => track(recordResponse(resp, identity)));
        const page = await context.newPage();
        watches.set(page, networkWatch(page));
        context.on('page', (p) => {
          // Pop-ups (target=_blank) are closed; the crawl visits their URL itself if it is a link.
          if (p !== page) void p.close().catch(() => undefined);
        });
        page.on('dialog', (d) => void d.dismiss().catch(() => undefined));
        page.setDefaultTimeout(5000);

        let startUrls = [new URL('/', input.base).href, ...(input.startPaths ?? []).map((p) => new URL(p, input.base).href)];
        if (who) {
          const how = await logIn(who, page, context, extraHeaders, state, loginPage);
          result.logins[who.name] = how.message;
          if (!how.ok) return;
          if (how.landed) startUrls = [how.landed, ...startUrls];
        }
        const maxPages = who || input.identities.length === 0 ? input.settings.maxPages : Math.max(1, Math.ceil(input.settings.maxPages / 2));
        const found = await visit(page, startUrls, identity, maxPages, passEnd);
        if (!who && found.loginPage) loginPage ??= found.loginPage;
      } finally {
        await Promise.allSettled([...pending]);
        await context.close().catch(() => undefined);
      }
    };
    // The anonymous pass first: it finds the login page the identities' form logins use. Then the
    // identities, a few at a time in their own browser contexts (a context per identity keeps their
    // cookies apart); each batch gets a fair share of the time left, so the last identity is crawled too.
    await runPass(undefined, Date.now() + timeLeft() / (1 + Math.ceil(input.identities.length / CRAWL_PARALLEL)));
    const waiting = [...input.identities];
    while (waiting.length && timeLeft() > 0 && !input.signal?.aborted && !outOfBudget()) {
      const batch = waiting.splice(0, CRAWL_PARALLEL);
      const passEnd = Date.now() + timeLeft() / (1 + Math.ceil(waiting.length / CRAWL_PARALLEL));
      const settled = await Promise.allSettled(batch.map((who) => runPass(who, passEnd)));
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
    // Passes ran side by side: list what they found in pass order, as a run one after the other would.
    const order = new Map<string | undefined, number>([[undefined, 0], ...input.identities.map((w, k) => [w.name, k + 1] as [string, number])]);
    const rank = (x: { identity?: string }): number => order.get(x.identity) ?? 0;
    result.pages.sort((x, y) => rank(x) - rank(y));
    result.calls.sort((x, y) => rank(x) - rank(y));
    result.forms.sort((x, y) => rank(x) - rank(y));
    result.logins = Object.fromEntries(input.identities.filter((w) => result.logins[w.name] !== undefined).map((w) => [w.name, result.logins[w.name]!]));
  } finally {
    input.signal?.removeEventListener('abort', onAbort);
    await Promise.allSettled([...pending]);
    await chromium.close();
    input.http.settle(allowance, used, 0, 'authorization');
    result.requests = used;
    result.ms = Date.now() - started;
    if (input.signal?.aborted) stop('aborted');
  }
  return result;

  async function recordResponse(resp: Response, identity: string | undefined): Promise<void> {
    const req = resp.request();
    let u: URL;
    try {
      u = new URL(req.url());
    } catch {
      return;
    }
    if (u.origin !== origin) return;
    const type = req.resourceType();
    const headers = resp.headers();
    if (type === 'script') {
      if (scriptSeen.has(u.pathname) || resp.status() !== 200) return;
      scriptSeen.add(u.pathname);
      const text = await resp.text().catch(() => '');
      for (const e of endpointsFromScript(text)) if (!result.scriptEndpoints.some((x) => x.method === e.method && x.path === e.path)) result.scriptEndpoints.push(e);
      return;
    }
    const method = req.method().toUpperCase();
    if (!(type === 'fetch' || type === 'xhr' || (type === 'document' && method !== 'GET'))) return;
    const call = recordRequest(req, identity, redact, false);
    call.status = resp.status();
    if (headers['content-type']) call.contentType = headers['content-type'];
    call.responseHeaders = learnableHeaders(headers);
    if (/json|text|xml|javascript|form/i.test(headers['content-type'] ?? '') && !(resp.status() >= 300 && resp.status() < 400)) {
      const body = await resp.body().catch(() => undefined);
      if (body) call.responseBody = redact(body.subarray(0, BODY_LIMIT).toString('utf8'));
    }
    if (result.calls.length < 2000) result.calls.push(call);
  }

  /** Logs an identity in to the browser: its login form when the credentials are known, else its session injected. */
  async function logIn(
    who: CrawlIdentity,
    page: Page,
    context: BrowserContext,
    extraHeaders: Record<string, string>,
    state: { loggingIn: boolean },
    loginPage: string | undefined,
  ): Promise<{ ok: boolean; message: string; landed?: string }> {
    const creds = loginCredentials(who.config);
    if (creds.password) secrets.add(creds.password);
    if (creds.identifier && creds.password && loginPage && (who.config.login.kind === 'json' || who.config.login.kind === 'form')) {
      state.loggingIn = true;
      try {
        const landed = await formLogin(page, new URL(loginPage, input.base).href, creds.identifier, creds.password);
        if (landed) return { ok: true, message: `logged in through the login form at ${loginPage}`, landed };
      } finally {
        state.loggingIn = false;
      }
      result.notes.push(`${who.name}: the login form at ${loginPage} did not log in (the password field was still shown); the session from the configured login is used instead`);
    }
    let session: Session;
    try {
      if (who.config.register) await sendStep(input.http, input.base, who.config.register, {}, new CookieJar(), who.name).catch(() => undefined);
      session = await login(input.http, input.base, who.name, { ...who.config, verify: undefined });
    } catch (err) {
      if (err instanceof Error && ['BudgetExhausted', 'RunAborted', 'LoopbackViolation', 'ScopeViolation'].includes(err.name)) throw err;
      return { ok: false, message: `not crawled: ${(err as Error).message}` };
    }
    if (session.bearer) {
      extraHeaders['authorization'] = `Bearer ${session.bearer}`;
      secrets.add(session.bearer);
    }
    if (session.header) {
      extraHeaders[session.header.name.toLowerCase()] = session.header.value;
      secrets.add(session.header.value);
    }
    const cookies = session.jar.entries();
    for (const [, v] of cookies) secrets.add(v);
    if (cookies.length) await context.addCookies(cookies.map(([name, value]) => ({ name, value, url: origin })));
    return { ok: true, message: `the ${who.config.login.kind} login's session was given to the browser (${[session.bearer ? 'bearer token' : '', session.header ? `${session.header.name} header` : '', cookies.length ? `${cookies.length} cookie(s)` : ''].filter(Boolean).join(', ')})` };
  }

  async function formLogin(page: Page, url: string, identifier: string, password: string): Promise<string | undefined> {
    try {
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: Math.max(1000, Math.min(15_000, timeLeft())) });
      const pw = page.locator('input[type=password]').first();
      if (!(await pw.isVisible().catch(() => false))) return undefined;
      const form = page.locator('form:has(input[type=password])').first();
      const scope = (await form.count()) > 0 ? form : page.locator('body');
      const idField = scope.locator('input[type=email], input[autocomplete=username], input[name*=user i], input[name*=mail i], input[name*=login i], input[type=text]').first();
      if ((await idField.count()) === 0) return undefined;
      await idField.fill(identifier);
      await pw.fill(password);
      const before = page.url();
      const submit = scope.locator('button[type=submit], input[type=submit], button:not([type])').first();
      if ((await submit.count()) > 0) await submit.click({ timeout: 3000 });
      else await pw.press('Enter');
      await settle(page, Math.max(500, Math.min(5000, timeLeft())));
      await page.waitForFunction(() => !document.querySelector('input[type=password]') || (document.querySelector('input[type=password]') as HTMLElement).offsetParent === null, undefined, { timeout: 3000 }).catch(() => undefined);
      const stillThere = await page.locator('input[type=password]').first().isVisible().catch(() => false);
      return stillThere ? undefined : page.url() !== before ? page.url() : before;
    } catch {
      return undefined;
    }
  }

  async function visit(page: Page, startUrls: string[], identity: string | undefined, maxPages: number, passEnd: number): Promise<{ loginPage?: string }> {
    const queue: Array<{ url: string; depth: number }> = [];
    const seen = new Set<string>();
    const perTemplate = new Map<string, number>();
    let loginPage: string | undefined;
    const enqueue = (raw: string, depth: number): void => {
      const c = crawlableUrl(raw, input.base);
      if (!c) return;
      if (c.skip) {
        if (result.refused.destructiveLinks.length < 100 && !result.refused.destructiveLinks.includes(c.url)) result.refused.destructiveLinks.push(c.url);
        return;
      }
      if (seen.has(c.url)) return;
      const u = new URL(c.url);
      if (isExcluded({ method: 'GET', path: u.pathname }, input.exclude)) return;
      const key = templateKey(c.url);
      const n = perTemplate.get(key) ?? 0;
      if (n >= PER_TEMPLATE) return;
      perTemplate.set(key, n + 1);
      seen.add(c.url);
      queue.push({ url: c.url, depth });
    };
    for (const u of startUrls) enqueue(u, 0);
    let visited = 0;
    while (queue.length) {
      if (visited >= maxPages) {
        stop('pages');
        break;
      }
      if (timeLeft() <= 0) {
        stop('time');
        break;
      }
      if (Date.now() >= passEnd) {
        result.notes.push(`${identity ?? 'anonymous'}: its share of the crawl time ran out after ${visited} page(s)`);
        break;
      }
      if (outOfBudget()) {
        stop('budget');
        break;
      }
      if (input.signal?.aborted) break;
      const { url, depth } = queue.shift()!;
      visited++;
      const rec: CrawledPage = { url, depth, ...(identity ? { identity } : {}) };
      result.pages.push(rec);
      try {
        const resp = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: Math.max(1000, Math.min(15_000, timeLeft())) });
        if (resp) rec.status = resp.status();
        await settle(page, Math.max(200, Math.min(3000, timeLeft())));
        rec.title = (await page.title().catch(() => '')).slice(0, 120);
      } catch (err) {
        const message = (err as Error).message;
        // A link to a file the server sends as a download (an export) is an API call, not a page.
        if (/Download is starting/i.test(message)) {
          result.pages.pop();
          visited--;
          result.calls.push({ method: 'GET', url, resourceType: 'download', ...(identity ? { identity } : {}) });
        } else result.notes.push(`${url}${identity ? ` (as ${identity})` : ''}: ${message.split('\n')[0]}`);
        continue;
      }
      const here = page.url();
      const snapshot = await readPage(page).catch(() => undefined);
      if (!snapshot) continue;
      for (const e of endpointsFromScript(snapshot.inline)) if (!result.scriptEndpoints.some((x) => x.method === e.method && x.path === e.path)) result.scriptEndpoints.push(e);
      for (const l of snapshot.links) {
        const kind = kindOfText(l.text) ?? kindOfText(l.href);
        if (kind && result.links.length < 200 && !result.links.some((x) => x.url === l.href)) result.links.push({ url: l.href, text: l.text.slice(0, 80), kind });
        if (depth < input.settings.maxDepth) enqueue(l.href, depth + 1);
      }
      for (const f of snapshot.forms) {
        const method = f.method.toUpperCase();
        const action = new URL(f.action || here, here).href;
        const kind = formKind({ method, action, fields: f.fields, label: f.label });
        if (kind === 'login' && !loginPage) loginPage = new URL(here).pathname;
        if (!result.forms.some((x) => x.action === action && x.method === method && x.identity === identity)) {
          result.forms.push({ page: here, ...(identity ? { identity } : {}), method, action, fields: f.fields, label: f.label.slice(0, 80), ...(kind ? { kind } : {}), submitted: false });
        }
        if (method === 'GET' && kind !== 'login' && kind !== 'signup' && depth < input.settings.maxDepth && new URL(action).origin === origin) {
          const target = new URL(action);
          for (const field of f.fields) if (field.type !== 'password' && field.type !== 'submit') target.searchParams.set(field.name, field.value ?? 'test');
          enqueue(target.href, depth + 1);
        } else if (method !== 'GET' && new URL(action).origin === origin) {
          // A write form: its request is learnt from the form itself; it is not submitted.
          const body = new URLSearchParams();
          for (const field of f.fields) if (field.type !== 'submit' && field.type !== 'button') body.set(field.name, field.type === 'password' ? '' : (field.value ?? ''));
          result.calls.push({ method, url: action, requestBody: body.toString(), requestContentType: 'application/x-www-form-urlencoded', resourceType: 'document', notSent: true, ...(identity ? { identity } : {}) });
        }
      }
      // In-app navigation: safe buttons and link-less menu items. Writes they trigger are refused above.
      if (depth < input.settings.maxDepth) await clickAround(page, here, depth, enqueue);
    }
    return { ...(loginPage ? { loginPage } : {}) };
  }

  async function clickAround(page: Page, here: string, depth: number, enqueue: (u: string, d: number) => void): Promise<void> {
    const candidates = page.locator('button:visible, [role=button]:visible, [role=tab]:visible, [role=menuitem]:visible, [data-href]:visible, [onclick]:visible');
    const count = Math.min(await candidates.count().catch(() => 0), 20);
    let clicks = 0;
    for (let i = 0; i < count && clicks < CLICKS_PER_PAGE; i++) {
      if (timeLeft() <= 1000 || outOfBudget()) return;
      const el = candidates.nth(i);
      const info = await el
        .evaluate((node) => {
          const e = node as HTMLElement;
          const form = e.closest('form');
          const type = (e.getAttribute('type') ?? (e.tagName === 'BUTTON' ? 'submit' : '')).toLowerCase();
          return { label: `${e.innerText ?? ''} ${e.getAttribute('aria-label') ?? ''} ${e.getAttribute('title') ?? ''} ${e.getAttribute('name') ?? ''} ${e.id}`.trim(), inWriteForm: !!form && type === 'submit' && (form.getAttribute('method') ?? 'get').toLowerCase() !== 'get', inForm: !!form && type === 'submit' };
        })
        .catch(() => undefined);
      if (!info) continue;
      if (info.inForm) continue; // forms are read, not submitted
      if (DESTRUCTIVE_LABEL.test(info.label)) {
        if (result.refused.destructiveClicks.length < 100 && !result.refused.destructiveClicks.includes(info.label.slice(0, 60))) result.refused.destructiveClicks.push(info.label.slice(0, 60));
        continue;
      }
      clicks++;
      await el.click({ timeout: 1500, noWaitAfter: true }).catch(() => undefined);
      await settle(page, Math.max(200, Math.min(1500, timeLeft())));
      const now = page.url();
      if (now !== here) {
        enqueue(now, depth + 1);
        await page.goto(here, { waitUntil: 'domcontentloaded', timeout: Math.max(1000, Math.min(10_000, timeLeft())) }).catch(() => undefined);
      }
    }
  }
}

function recordRequest(req: Request, identity: string | undefined, redact: (s: string) => string, notSent: boolean): RecordedCall {
  const headers = req.headers();
  const body = req.postData();
  return {
    method: req.method().toUpperCase(),
    url: req.url(),
    resourceType: req.resourceType(),
    ...(headers['authorization'] ? { authorizationHeader: true } : {}),
    ...(headers['accept'] ? { requestAccept: headers['accept'] } : {}),
    ...(body !== null ? { requestBody: redact(body.slice(0, BODY_LIMIT)), requestContentType: headers['content-type'] ?? '' } : {}),
    ...(identity ? { identity } : {}),
    ...(notSent ? { notSent: true } : {}),
  };
}

interface PageSnapshot {
  /** Inline script text (endpoints the page's own code calls). */
  inline: string;
  links: Array<{ href: string; text: string }>;
  forms: Array<{ method: string; action: string; label: string; fields: Array<{ name: string; type: string; value?: string }> }>;
}

async function readPage(page: Page): Promise<PageSnapshot> {
  return page.evaluate(() => {
    // At most 3 links per numbered shape (/items/1, /items/2 …) and 2000 in all, so a page of
    // thousands of numbered links still yields its other links.
    const perShape = new Map<string, number>();
    const links: Array<{ href: string; text: string }> = [];
    for (const a of document.querySelectorAll('a[href], [data-href]')) {
      if (links.length >= 2000) break;
      const href = (a as HTMLAnchorElement).href || new URL(a.getAttribute('data-href') ?? '', location.href).href;
      const shape = href.split('#')[0]!.replace(/[0-9a-f]{8,}/gi, 'h').replace(/\d+/g, '0');
      const n = perShape.get(shape) ?? 0;
      if (n >= 3) continue;
      perShape.set(shape, n + 1);
      links.push({ href, text: ((a as HTMLElement).innerText ?? '').trim().slice(0, 80) });
    }
    const forms = [...document.querySelectorAll('form')].slice(0, 30).map((f) => ({
      method: (f.getAttribute('method') ?? 'GET').toUpperCase(),
      action: f.getAttribute('action') ?? '',
      label: `${f.getAttribute('id') ?? ''} ${f.getAttribute('name') ?? ''} ${f.getAttribute('aria-label') ?? ''} ${[...f.querySelectorAll('button, input[type=submit], h1, h2, h3, legend')].map((b) => (b as HTMLElement).innerText || (b as HTMLInputElement).value || '').join(' ')}`.trim(),
      fields: [...f.querySelectorAll('input[name], select[name], textarea[name]')].slice(0, 40).map((i) => ({
        name: i.getAttribute('name')!,
        type: (i.getAttribute('type') ?? i.tagName.toLowerCase()).toLowerCase(),
        ...((i as HTMLInputElement).value && (i.getAttribute('type') ?? '').toLowerCase() !== 'password' ? { value: (i as HTMLInputElement).value.slice(0, 100) } : {}),
      })),
    }));
    const inline = [...document.querySelectorAll('script:not([src])')]
      .map((x) => x.textContent ?? '')
      .join('\n')
      .slice(0, 200_000);
    return { inline, links, forms };
  });
}

/** Does the landing page serve a front end (HTML)? One GET through the run's client. */
async function servesHtml(ctx: GatherContext, base: URL): Promise<{ html: boolean; what: string }> {
  const url = new URL(ctx.config.pages?.landing ?? '/', base);
  const ex = await ctx.http.request({ url, followRedirects: 3, headers: { accept: 'text/html,*/*;q=0.8' }, area: 'authorization', maxBodyBytes: 64 * 1024 });
  if (!ex.response) return { html: false, what: `${url.pathname} did not answer (${ex.error?.code})` };
  const type = ex.response.headers['content-type'] ?? '';
  return { html: /html/i.test(type) && ex.response.status < 400, what: `${url.pathname} answered HTTP ${ex.response.status} ${type || 'without a content type'}` };
}

/**
 * The crawl as evidence for the run: anonymous, then as every configured identity. Not applicable when
 * `api.crawl` is false, when (by default) the landing page is not HTML, or when there is no Chromium.
 */
export const crawlGatherer = defineGatherer<CrawlResult>({
  id: 'surface/crawl',
  async gather(ctx: GatherContext) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL to crawl');
    const { enabled, ...settings } = crawlSettings(ctx.config);
    if (enabled === false) throw new NotApplicable('api.crawl is off');
    if (enabled === undefined) {
      const landing = await servesHtml(ctx, base);
      if (!landing.html) throw new NotApplicable(`no front end to crawl (${landing.what}); set api.crawl: true to crawl anyway`);
    }
    const executablePath = ctx.env['LAUNCHREADY_CHROMIUM'];
    try {
      return await crawl({
        base,
        http: ctx.http,
        settings,
        identities: Object.entries(ctx.config.identities).map(([name, config]) => ({ name, config })),
        exclude: ctx.config.api.exclude,
        allowWrites: ctx.options.allowWrites,
        ...(ctx.config.pages?.login ? { startPaths: [ctx.config.pages.login], loginPage: ctx.config.pages.login } : {}),
        ...(executablePath ? { executablePath } : {}),
        ...(ctx.options.overrides ? { overrides: ctx.options.overrides } : {}),
        signal: ctx.signal,
      });
    } catch (err) {
      if (err instanceof ChromiumUnavailable) throw new NotApplicable(err.message);
      throw err;
    }
  },
});

export { ChromiumUnavailable };

/**
 * How long the network must stay quiet before a page counts as settled. Playwright's `networkidle` waits
 * 500 ms after the last request; apps fetch their data as the page's scripts start, so a shorter window
 * finds the same calls, and the crawl visits a page, and each click, in well under half the time.
 */
export const QUIET_MS = 200;

/** Counts a page's requests in flight, to wait for a quiet network (see {@link QUIET_MS}). */
export function networkWatch(page: Page): { settle(timeoutMs: number): Promise<void> } {
  let inFlight = 0;
  let changed = Date.now();
  const up = (): void => {
    inFlight += 1;
    changed = Date.now();
  };
  const down = (): void => {
    inFlight = Math.max(0, inFlight - 1);
    changed = Date.now();
  };
  page.on('request', up);
  page.on('requestfinished', down);
  page.on('requestfailed', down);
  return {
    async settle(timeoutMs: number): Promise<void> {
      const end = Date.now() + timeoutMs;
      // A navigation or click starts its requests a moment later: count the quiet window from now.
      changed = Math.max(changed, Date.now());
      while (Date.now() < end) {
        if (inFlight === 0 && Date.now() - changed >= QUIET_MS) return;
        await new Promise((r) => setTimeout(r, 25));
        if (page.isClosed()) return;
      }
    },
  };
}
