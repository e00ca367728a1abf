import { defineGatherer, NotApplicable } from '../../engine/check.js';
import { webProbeStart } from '../web/surface.js';
import { XssBrowser, type ExecRecord, type SinkRecord } from './browser.js';
import { markerPrefix } from './reflected.js';

/**
 * DOM XSS: each page is loaded in instrumented Chromium once to learn which URL parameters its
 * scripts read and whether it listens for postMessage; then again with a marker payload in every
 * parameter it read and in the fragment (an HTML payload, then a `javascript:`/string-breaking
 * payload for location and eval-like sinks); then, when it listens, messages carrying the payload
 * are posted from another origin. A sink reached by a marker is reported with the script's stack;
 * execution of `__lrx(n)` is the proof.
 */

export type DomSource = { kind: 'query'; name: string } | { kind: 'hash' } | { kind: 'postMessage'; shape: string };

export interface DomProbe {
  n: number;
  source: DomSource;
  payload: string;
}

export interface DomPageResult {
  url: string;
  identity?: string;
  paramReads: string[];
  messageListener: boolean;
  probes: DomProbe[];
  executed: Array<ExecRecord & { probe: DomProbe }>;
  sinks: Array<SinkRecord & { probe: DomProbe }>;
  errors: string[];
}

export interface DomXss {
  pages: DomPageResult[];
  browserRequests: number;
  notTested: string[];
}

const MAX_PAGES = 6;

export function htmlPayload(prefix: string, n: number): string {
  return `${prefix}d${n}<img src=data:, onerror=__lrx(${n})>`;
}

/** Runs as a `javascript:` URL (location sinks) and breaks out of a double- or single-quoted string (eval-like sinks). */
export function scriptPayload(prefix: string, n: number): string {
  return `javascript:__lrx(${n})//${prefix}d${n}'"-__lrx(${n})-"`;
}

export const domXssGatherer = defineGatherer<DomXss>({
  id: 'xss/dom',
  async gather(ctx) {
    const { surface, sessions } = await webProbeStart(ctx);
    const pages: Array<{ url: string; identity?: string }> = [];
    const seen = new Set<string>();
    for (const p of surface.pages) {
      if (p.status !== 200 || !/<script/i.test(p.html)) continue;
      const u = new URL(p.url);
      u.search = '';
      if (seen.has(u.pathname)) continue;
      seen.add(u.pathname);
      pages.push({ url: u.href, ...(p.identity ? { identity: p.identity } : {}) });
    }
    const notTested = pages.slice(MAX_PAGES).map((p) => `${p.url}: more than ${MAX_PAGES} pages with scripts`);
    if (pages.length === 0) throw new NotApplicable('no page one click deep runs a script');
    const prefix = markerPrefix(ctx.options.seed);
    const browser = await XssBrowser.open(ctx, { requests: Math.min(300, MAX_PAGES * 4 * 10), prefix, area: 'input-validation' });
    const results: DomPageResult[] = [];
    let n = 5000;
    try {
      for (const p of pages.slice(0, MAX_PAGES)) {
        const s = p.identity ? sessions.get(p.identity) : undefined;
        const who = s ? { identity: s } : {};
        const r: DomPageResult = { url: p.url, ...(p.identity ? { identity: p.identity } : {}), paramReads: [], messageListener: false, probes: [], executed: [], sinks: [], errors: [] };
        const absorb = (visit: Awaited<ReturnType<XssBrowser['visit']>>, probes: DomProbe[]): void => {
          if (visit.error) r.errors.push(visit.error);
          for (const e of visit.executed) {
            const probe = probes.find((x) => x.n === e.n);
            if (probe) r.executed.push({ ...e, probe });
          }
          for (const k of visit.sinks) {
            const m = new RegExp(`${prefix}d(\\d+)`).exec(k.value);
            const probe = probes.find((x) => x.n === Number(m?.[1]));
            if (probe) r.sinks.push({ ...k, probe });
          }
        };
        const first = await browser.visit({ url: p.url, ...who });
        if (first.error) r.errors.push(first.error);
        r.paramReads = first.paramReads;
        r.messageListener = first.messageListener;
        for (const make of [htmlPayload, scriptPayload]) {
          if (browser.exhausted) break;
          const probes: DomProbe[] = [];
          const u = new URL(p.url);
          for (const name of r.paramReads.slice(0, 8)) {
            const probe: DomProbe = { n: ++n, source: { kind: 'query', name }, payload: make(prefix, n) };
            probes.push(probe);
            u.searchParams.set(name, probe.payload);
          }
          const hash: DomProbe = { n: ++n, source: { kind: 'hash' }, payload: make(prefix, n) };
          probes.push(hash);
          u.hash = hash.payload;
          r.probes.push(...probes);
          const visit = await browser.visit({ url: u.href, ...who });
          absorb(visit, probes);
          if (visit.messageListener) r.messageListener = true;
        }
        if (r.messageListener && !browser.exhausted) {
          const probes: DomProbe[] = [];
          const mk = (shape: string, make: (prefix: string, n: number) => string): DomProbe => {
            const probe: DomProbe = { n: ++n, source: { kind: 'postMessage', shape }, payload: make(prefix, n) };
            probes.push(probe);
            return probe;
          };
          const str = mk('string', htmlPayload);
          const fields = ['html', 'message', 'text', 'content', 'data', 'body'].map((k) => [k, mk(`{ ${k}: … }`, htmlPayload).payload] as const);
          const url = mk('{ url: … }', scriptPayload);
          const json = mk('JSON string', htmlPayload);
          const messages: unknown[] = [str.payload, { ...Object.fromEntries(fields), url: url.payload, href: url.payload }, JSON.stringify({ html: json.payload, message: json.payload })];
          r.probes.push(...probes);
          absorb(await browser.visit({ url: p.url, postMessages: messages, ...who }), probes);
        }
        results.push(r);
      }
    } finally {
      await browser.close();
    }
    return { pages: results, browserRequests: browser.requests, notTested };
  },
});
