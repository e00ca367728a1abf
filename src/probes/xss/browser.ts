import type { BrowserContext, Page } from 'playwright-core';
import { ChromiumUnavailable, CHROMIUM_ENV, launchChromium, type LaunchedChromium } from '../../browser/chromium.js';
import { NotApplicable } from '../../engine/check.js';
import type { GatherContext } from '../../engine/context.js';
import type { Session } from '../../identity/session.js';
import type { Area } from '../../model/area.js';

/**
 * Chromium instrumented for injection proofs. Every page gets an init script that
 *  - defines `__lrx(n)`: a payload that runs calls it, and the call is reported with its stack
 *    (execution is the proof; no dialogs are ever opened, and any that a page opens are dismissed);
 *  - wraps the classic DOM sinks (innerHTML, outerHTML, insertAdjacentHTML, document.write, eval,
 *    Function, setTimeout/setInterval with a string, createContextualFragment, iframe srcdoc) and
 *    reports any call whose argument carries the run's marker prefix, with the JavaScript stack;
 *  - records which URL parameters the page reads and whether it listens for postMessage.
 * Location assignments cannot be wrapped (Location is unforgeable); `javascript:` payloads prove
 * them by executing.
 * Requests go through the guarded browser of src/browser/chromium.ts and spend the run's budget.
 */

export interface ExecRecord {
  n: number;
  stack: string;
  url: string;
}
export interface SinkRecord {
  sink: string;
  value: string;
  stack: string;
  url: string;
}
export interface VisitResult {
  url: string;
  finalUrl: string;
  executed: ExecRecord[];
  sinks: SinkRecord[];
  paramReads: string[];
  messageListener: boolean;
  error?: string;
}

export interface VisitRequest {
  url: string;
  identity?: Session;
  /** Submit a form (built on a blank page of the same origin, so nothing else is requested). */
  post?: { action: string; fields: Record<string, string> };
  /** Messages to post to the page from a page of another origin (a data: URL framing it). */
  postMessages?: unknown[];
  /** Click links and buttons whose target is a `javascript:` payload of this run. */
  clickPayloadLinks?: boolean;
  settleMs?: number;
}

function initScript(prefix: string): string {
  return `(() => {
  const P = ${JSON.stringify(prefix)};
  const queue = [];
  const report = (kind, data) => { const msg = JSON.stringify(data); try { if (typeof window.__lrReport === 'function') { while (queue.length) window.__lrReport(...queue.shift()); window.__lrReport(kind, msg); } else queue.push([kind, msg]); } catch (e) {} };
  const stack = () => String(new Error().stack || '').split('\\n').slice(3, 12).join('\\n');
  try { Object.defineProperty(window, '__lrx', { value: function (n) { report('exec', { n: Number(n), stack: stack(), url: location.href }); }, configurable: false, writable: false }); } catch (e) {}
  const str = (v) => { try { return typeof v === 'string' ? v : String(v); } catch (e) { return ''; } };
  const note = (sink, v) => { const s = str(v); if (s.indexOf(P) >= 0) report('sink', { sink, value: s.slice(0, 400), stack: stack(), url: location.href }); };
  const setter = (proto, prop, name) => { const d = proto && Object.getOwnPropertyDescriptor(proto, prop); if (!d || !d.set) return; Object.defineProperty(proto, prop, { configurable: true, enumerable: d.enumerable, get: d.get, set(v) { note(name, v); return d.set.call(this, v); } }); };
  setter(Element.prototype, 'innerHTML', 'innerHTML');
  setter(Element.prototype, 'outerHTML', 'outerHTML');
  setter(typeof ShadowRoot !== 'undefined' ? ShadowRoot.prototype : undefined, 'innerHTML', 'ShadowRoot.innerHTML');
  setter(HTMLIFrameElement.prototype, 'srcdoc', 'iframe.srcdoc');
  const method = (obj, prop, name, idx, self) => { const f = obj[prop]; if (typeof f !== 'function') return; obj[prop] = function (...a) { if (idx < 0) note(name, a.join('')); else if (typeof a[idx] === 'string') note(name, a[idx]); return f.apply(self || this, a); }; };
  method(Element.prototype, 'insertAdjacentHTML', 'insertAdjacentHTML', 1);
  method(Document.prototype, 'write', 'document.write', -1);
  method(Document.prototype, 'writeln', 'document.writeln', -1);
  method(Range.prototype, 'createContextualFragment', 'createContextualFragment', 0);
  method(window, 'setTimeout', 'setTimeout(string)', 0, window);
  method(window, 'setInterval', 'setInterval(string)', 0, window);
  const ev = window.eval; window.eval = function (x) { note('eval', x); return ev(x); };
  const F = window.Function;
  window.Function = new Proxy(F, { apply(t, th, a) { note('Function', a.join(',')); return Reflect.apply(t, th, a); }, construct(t, a, nt) { note('Function', a.join(',')); return Reflect.construct(t, a, nt); } });
  for (const m of ['get', 'getAll', 'has']) { const f = URLSearchParams.prototype[m]; URLSearchParams.prototype[m] = function (name, ...r) { report('param', { name: String(name) }); return f.call(this, name, ...r); }; }
  const ael = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, ...r) { if (type === 'message' && this === window) report('listener', {}); return ael.call(this, type, ...r); };
  let om = null;
  try { Object.defineProperty(window, 'onmessage', { configurable: true, get() { return om; }, set(v) { om = v; if (v) report('listener', {}); ael.call(window, 'message', (e) => om && om.call(window, e)); } }); } catch (e) {}
})();`;
}

const BLANK_PATH = '/__launchready_blank__';

export class XssBrowser {
  private readonly contexts = new Map<string, BrowserContext>();
  private current: VisitResult | undefined;
  private closed = false;
  private readonly onAbort = (): void => void this.chromium.close();

  private constructor(
    private readonly ctx: GatherContext,
    private readonly chromium: LaunchedChromium,
    private readonly allowance: number,
    private readonly prefix: string,
    private readonly area: Area,
    private readonly timeoutMs: number,
    private readonly counter: { used: number },
  ) {
    ctx.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Launches Chromium with `requests` reserved from the run's budget (NotApplicable when it cannot). */
  static async open(ctx: GatherContext, opts: { requests: number; prefix: string; area: Area; timeoutMs?: number }): Promise<XssBrowser> {
    const allowance = ctx.http.reserve(opts.requests);
    if (allowance === 0) throw new NotApplicable('the request budget is spent: raise --max-requests to run the browser probes');
    const counter = { used: 0 };
    let chromium: LaunchedChromium;
    try {
      chromium = await launchChromium({
        // The postMessage probe frames the target from an opaque (data:) origin, as an attacker's page
        // would; Private Network Access would refuse that frame for a loopback or LAN target.
        args: ['--disable-features=BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessForNavigations,PrivateNetworkAccessForIframes,LocalNetworkAccessChecks'],
        allowRequest: () => (counter.used < allowance ? (counter.used++, true) : false),
        ...(ctx.env[CHROMIUM_ENV] ? { executablePath: ctx.env[CHROMIUM_ENV] } : {}),
        ...(ctx.options.overrides ? { overrides: ctx.options.overrides } : {}),
      });
    } catch (err) {
      ctx.http.settle(allowance, 0, 0);
      if (err instanceof ChromiumUnavailable) throw new NotApplicable(err.message);
      throw err;
    }
    return new XssBrowser(ctx, chromium, allowance, opts.prefix, opts.area, opts.timeoutMs ?? 10_000, counter);
  }

  /** Requests the browser has sent so far. */
  get requests(): number {
    return this.counter.used;
  }

  get exhausted(): boolean {
    return this.counter.used >= this.allowance - 2;
  }

  /** URLs the loopback guard or the budget refused (a payload reaching for another host shows here). */
  get blocked(): string[] {
    return this.chromium.blocked;
  }

  private async contextFor(s: Session | undefined): Promise<BrowserContext> {
    const key = s?.identity ?? '';
    let c = this.contexts.get(key);
    if (c) return c;
    c = await this.chromium.newContext({ javaScriptEnabled: true });
    // Chromium fetches /favicon.ico once per context outside route interception: count it.
    this.counter.used++;
    await c.exposeFunction('__lrReport', (kind: string, json: string) => this.record(kind, json));
    await c.addInitScript({ content: initScript(this.prefix) });
    const base = this.ctx.target.baseUrl!;
    if (s) {
      const cookies = s.jar.entries().map(([name, value]) => ({ name, value, url: base.origin }));
      if (cookies.length) await c.addCookies(cookies);
      if (s.bearer) await c.setExtraHTTPHeaders({ authorization: `Bearer ${s.bearer}` });
      else if (s.header) await c.setExtraHTTPHeaders({ [s.header.name.toLowerCase()]: s.header.value });
    }
    this.contexts.set(key, c);
    return c;
  }

  private record(kind: string, json: string): void {
    const v = this.current;
    if (!v) return;
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(json) as Record<string, unknown>;
    } catch {
      return;
    }
    if (kind === 'exec' && v.executed.length < 50) v.executed.push({ n: Number(data['n']), stack: String(data['stack'] ?? ''), url: String(data['url'] ?? '') });
    else if (kind === 'sink' && v.sinks.length < 50) v.sinks.push({ sink: String(data['sink']), value: String(data['value'] ?? ''), stack: String(data['stack'] ?? ''), url: String(data['url'] ?? '') });
    else if (kind === 'param' && !v.paramReads.includes(String(data['name'])) && v.paramReads.length < 30) v.paramReads.push(String(data['name']));
    else if (kind === 'listener') v.messageListener = true;
  }

  async visit(req: VisitRequest): Promise<VisitResult> {
    const result: VisitResult = { url: req.url, finalUrl: req.url, executed: [], sinks: [], paramReads: [], messageListener: false };
    if (this.closed || this.ctx.signal.aborted) return { ...result, error: 'the run was interrupted' };
    if (this.exhausted) return { ...result, error: 'the browser\'s share of the request budget is spent' };
    this.current = result;
    const context = await this.contextFor(req.identity);
    const page: Page = await context.newPage();
    page.on('dialog', (d) => void d.dismiss().catch(() => undefined));
    try {
      if (req.post) {
        const origin = new URL(req.post.action).origin;
        await page.route(`${origin}${BLANK_PATH}`, (r) => r.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>launchready</title>' }));
        await page.goto(`${origin}${BLANK_PATH}`, { waitUntil: 'load', timeout: this.timeoutMs });
        await Promise.all([
          page.waitForNavigation({ waitUntil: 'load', timeout: this.timeoutMs }).catch(() => undefined),
          page.evaluate(({ action, fields }) => {
            const f = document.createElement('form');
            f.method = 'POST';
            f.action = action;
            for (const [k, v] of Object.entries(fields)) {
              const i = document.createElement('textarea');
              i.name = k;
              i.value = v;
              f.append(i);
            }
            document.body.append(f);
            f.submit();
          }, req.post),
        ]);
      } else if (req.postMessages) {
        // The sender is another origin (an opaque data: page framing the target), as an attacker's page would be.
        const opener = `data:text/html,${encodeURIComponent(`<!doctype html><iframe src="${req.url.replace(/"/g, '&quot;')}" width="800" height="600"></iframe>`)}`;
        await page.goto(opener, { waitUntil: 'load', timeout: this.timeoutMs });
        await page.waitForTimeout(req.settleMs ?? 300);
        await page.evaluate((msgs) => {
          const w = document.querySelector('iframe')?.contentWindow;
          for (const m of msgs) w?.postMessage(m, '*');
        }, req.postMessages);
      } else {
        await page.goto(req.url, { waitUntil: 'load', timeout: this.timeoutMs });
      }
      await page.waitForTimeout(req.settleMs ?? 300);
      if (req.clickPayloadLinks) {
        await page
          .evaluate(() => {
            for (const el of Array.from(document.querySelectorAll('a[href*="__lrx"], area[href*="__lrx"], iframe[src*="__lrx"], form[action*="__lrx"] button')).slice(0, 5)) (el as HTMLElement).click();
          })
          .catch(() => undefined);
        await page.waitForTimeout(200);
      }
      result.finalUrl = page.url();
    } catch (err) {
      result.error = (err as Error).message.split('\n')[0] ?? 'page load failed';
    } finally {
      await page.close().catch(() => undefined);
      this.current = undefined;
    }
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ctx.signal.removeEventListener('abort', this.onAbort);
    await this.chromium.close();
    this.ctx.http.settle(this.allowance, this.counter.used, 0, this.area);
  }
}
