import { access, constants } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { findChromium } from './find.js';
import { isLoopbackAddress, loopbackOnly, LOOPBACK_ENV } from '../net/loopback-guard.js';
import { applyOverrides, type ConnectOverride } from '../net/overrides.js';

/**
 * The one way launchready starts a browser: Debian's Chromium (or LAUNCHREADY_CHROMIUM) driven by
 * playwright-core, headless, with a fresh profile, no background traffic of its own, and — when the
 * loopback guard is on — unable to reach anything but loopback: every request of every context goes
 * through route interception, and as a second wall the browser's own resolver knows no names and
 * its proxy for non-loopback destinations is a closed local port (which also covers WebSockets and
 * service workers, which routes do not see).
 */

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ENV = 'LAUNCHREADY_CHROMIUM';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

/** A closed port on loopback: the proxy that non-loopback traffic is sent to under the guard. */
const DEAD_PROXY = 'http://127.0.0.1:9';

export interface LaunchOptions {
  /** Default: env LAUNCHREADY_CHROMIUM, then /usr/bin/chromium. */
  executablePath?: string;
  /** --resolve / --connect-to: the browser connects where the HTTP layer would. */
  overrides?: readonly ConnectOverride[];
  /** Default: the loopback guard's state (LAUNCHREADY_LOOPBACK_ONLY=1). */
  loopbackOnly?: boolean;
  /** Launch deadline, ms (default 30000). */
  timeoutMs?: number;
  /** Extra Chromium flags. */
  args?: string[];
  /**
   * Asked before each request the browser sends; false refuses it. The run's request budget uses this
   * so page loads count like every other request, and the run's scope (`api.exclude`) so the browser
   * never fetches what the config excludes.
   */
  allowRequest?: (url: string, method: string) => boolean;
}

export interface LaunchedChromium {
  browser: Browser;
  /** Whether the loopback guard is enforced on this browser's contexts. */
  guarded: boolean;
  /**
   * A new isolated context (own cookies, cache, storage) with the guard installed. Always create
   * contexts through this, never `browser.newContext()` directly.
   */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** URLs refused by the guard since launch (reported so a blocked third-party script is visible). */
  blocked: string[];
  close(): Promise<void>;
}

export class ChromiumUnavailable extends Error {
  constructor(
    public readonly executablePath: string,
    detail: string,
  ) {
    super(`Chromium is not available at ${executablePath} (${detail}): install it (apt-get install -y chromium) or set ${CHROMIUM_ENV} to the browser binary`);
    this.name = 'ChromiumUnavailable';
  }
}

/** May the browser load this URL under the guard? Non-network schemes (data:, blob:, about:) always may. */
export function browserUrlAllowed(rawUrl: string, overrides: readonly ConnectOverride[] = []): boolean {
  let u: URL;
  try {
    u = new URL(rawUrl);
  } catch {
    return false;
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol)) return true;
  const secure = u.protocol === 'https:' || u.protocol === 'wss:';
  const port = Number(u.port) || (secure ? 443 : 80);
  const target = applyOverrides(overrides, u.hostname.replace(/^\[|\]$/g, ''), port).host;
  if (isIP(target)) return isLoopbackAddress(target);
  const h = target.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost');
}

/** Chromium's --host-resolver-rules for the overrides (port changes of --connect-to apply to every port of the host). */
export function hostResolverRules(overrides: readonly ConnectOverride[], guarded: boolean): string | undefined {
  const rules: string[] = [];
  for (const o of overrides) {
    if (!o.host) continue;
    const to = isIP(o.toHost) === 6 ? `[${o.toHost}]` : o.toHost;
    rules.push(`MAP ${o.host} ${to}${o.toPort ? `:${o.toPort}` : ''}`);
  }
  // Under the guard no other name resolves at all (localhost and *.localhost resolve internally).
  if (guarded) rules.push('MAP * ~NOTFOUND', 'EXCLUDE localhost', 'EXCLUDE *.localhost', 'EXCLUDE 127.*', 'EXCLUDE [::1]', 'EXCLUDE ::1');
  return rules.length ? rules.join(', ') : undefined;
}

export async function launchChromium(opts: LaunchOptions = {}): Promise<LaunchedChromium> {
  const executablePath = opts.executablePath ?? findChromium() ?? process.env[CHROMIUM_ENV] ?? DEFAULT_CHROMIUM;
  try {
    await access(executablePath, constants.X_OK);
  } catch (err) {
    throw new ChromiumUnavailable(executablePath, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not executable');
  }
  const guarded = opts.loopbackOnly ?? loopbackOnly();
  const overrides = opts.overrides ?? [];
  const args: string[] = [...CHROMIUM_FLAGS, ...(opts.args ?? [])];
  const rules = hostResolverRules(overrides, guarded);
  if (rules) args.push(`--host-resolver-rules=${rules}`);
  if (guarded) {
    // Loopback destinations bypass a proxy implicitly; mapped names must bypass it too.
    args.push(`--proxy-server=${DEAD_PROXY}`);
    const bypass = overrides.filter((o) => o.host && browserUrlAllowed(`http://${o.host}/`, overrides)).map((o) => o.host);
    if (bypass.length) args.push(`--proxy-bypass-list=${bypass.join(';')}`);
  }
  let browser: Browser;
  try {
    // Playwright gives every launch a fresh temporary profile (user-data-dir) and deletes it on close.
    // playwright-core is loaded here, on first launch, not when a command starts.
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath, headless: true, args, timeout: opts.timeoutMs ?? 30_000, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  } catch (err) {
    throw new ChromiumUnavailable(executablePath, (err as Error).message.split('\n')[0] ?? 'launch failed');
  }
  const blocked: string[] = [];
  const handle: LaunchedChromium = {
    browser,
    guarded,
    blocked,
    async newContext(options: BrowserContextOptions = {}) {
      // Chromium fetches /favicon.ico for a page outside route interception, so the budget could never
      // refuse it: each context is charged one request for it up front.
      if (opts.allowRequest && !opts.allowRequest('about:blank', 'GET')) throw new Error('the request budget is spent: no room for another browser page (its favicon request alone would exceed it)');
      const context = await browser.newContext({ serviceWorkers: 'block', ...options });
      if (guarded || opts.allowRequest) {
        await context.route('**/*', async (route) => {
          const url = route.request().url();
          const inScope = !guarded || browserUrlAllowed(url, overrides);
          const local = url.startsWith('data:') || url.startsWith('blob:');
          if (inScope && (local || !opts.allowRequest || opts.allowRequest(url, route.request().method()))) await route.continue().catch(() => undefined);
          else {
            if (blocked.length < 200) blocked.push(inScope ? `${url} (refused: request budget spent or excluded by api.exclude)` : url);
            await route.abort('blockedbyclient').catch(() => undefined);
          }
        });
      }
      return context;
    },
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
  return handle;
}

export { LOOPBACK_ENV };
