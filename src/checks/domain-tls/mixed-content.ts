import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { HttpExchange } from '../../net/http.js';
import { landingPagesGatherer } from './landing.js';
import { finalUrlOf } from './redirect-probes.js';

/**
 * Mixed content: an https:// page that loads subresources over http://. Browsers block active content
 * (scripts, styles, frames, objects) — the page breaks — and upgrade or block passive content (images,
 * media); a form that posts to http:// sends what the user typed in clear text.
 */

export type MixedKind = 'active' | 'passive' | 'form';

export interface MixedReference {
  kind: MixedKind;
  /** e.g. `<script src>`, `<link rel=stylesheet href>`, `CSS url()`. */
  where: string;
  url: string;
}

// Bounded, '<'-free pieces keep the scan linear on hostile HTML (an unclosed tag stops at the next '<').
const TAG = /<([a-zA-Z][a-zA-Z0-9-]{0,64})((?:\s+[^\s=>/<]{1,256}(?:\s*=\s*(?:"[^"<]{0,8192}"|'[^'<]{0,8192}'|[^\s>"'<]{1,8192}))?)*)\s*\/?>/g;
const ATTR = /([^\s=>/<]{1,256})(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g;
/** Only this much of a page is scanned. */
const MAX_HTML = 1024 * 1024;
const CSS_URL = /url\(\s*(['"]?)(http:\/\/[^'")\s]+)\1\s*\)/gi;
const CSS_IMPORT = /@import\s+(?:url\(\s*)?(['"])(http:\/\/[^'"]+)\1/gi;

function attributes(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of raw.matchAll(ATTR)) out.set(m[1]!.toLowerCase(), m[2] ?? m[3] ?? m[4] ?? '');
  return out;
}

function decodeEntities(s: string): string {
  return s.replace(/&amp;/g, '&').replace(/&#x3a;|&#58;|&colon;/gi, ':').replace(/&#x2f;|&#47;|&sol;/gi, '/');
}

function isHttp(url: string | undefined): url is string {
  return !!url && /^\s*http:\/\//i.test(decodeEntities(url));
}

function srcsetUrls(v: string): string[] {
  return v.split(',').map((part) => part.trim().split(/\s+/)[0] ?? '').filter(Boolean);
}

/** Which attribute of which element loads what kind of subresource. */
const ELEMENT_RULES: Record<string, Array<{ attr: string; kind: MixedKind; srcset?: boolean }>> = {
  script: [{ attr: 'src', kind: 'active' }],
  iframe: [{ attr: 'src', kind: 'active' }],
  frame: [{ attr: 'src', kind: 'active' }],
  object: [{ attr: 'data', kind: 'active' }],
  embed: [{ attr: 'src', kind: 'active' }],
  form: [{ attr: 'action', kind: 'form' }],
  button: [{ attr: 'formaction', kind: 'form' }],
  input: [{ attr: 'formaction', kind: 'form' }, { attr: 'src', kind: 'passive' }],
  img: [{ attr: 'src', kind: 'passive' }, { attr: 'srcset', kind: 'passive', srcset: true }],
  source: [{ attr: 'src', kind: 'passive' }, { attr: 'srcset', kind: 'passive', srcset: true }],
  video: [{ attr: 'src', kind: 'passive' }, { attr: 'poster', kind: 'passive' }],
  audio: [{ attr: 'src', kind: 'passive' }],
  track: [{ attr: 'src', kind: 'passive' }],
};

/** `<link rel=…>` values that load something for this page (canonical/alternate/dns-prefetch do not). */
const LINK_ACTIVE = new Set(['stylesheet', 'preload', 'modulepreload', 'manifest']);
const LINK_PASSIVE = new Set(['icon', 'shortcut', 'apple-touch-icon', 'apple-touch-icon-precomposed', 'mask-icon']);

function styleBlocks(html: string): string[] {
  const out: string[] = [];
  const lower = html.toLowerCase();
  let i = 0;
  while (out.length < 200) {
    const open = lower.indexOf('<style', i);
    if (open < 0) break;
    const gt = lower.indexOf('>', open);
    if (gt < 0) break;
    const close = lower.indexOf('</style', gt);
    out.push(html.slice(gt + 1, close < 0 ? html.length : close));
    if (close < 0) break;
    i = close + 7;
  }
  return out;
}

function stripComments(html: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const start = html.indexOf('<!--', i);
    if (start < 0) return out + html.slice(i);
    out += html.slice(i, start);
    const end = html.indexOf('-->', start + 4);
    if (end < 0) return out;
    i = end + 3;
  }
}

export function findMixedContent(html: string): MixedReference[] {
  const out: MixedReference[] = [];
  const text = stripComments(html.slice(0, MAX_HTML));
  for (const m of text.matchAll(TAG)) {
    const tag = m[1]!.toLowerCase();
    const attrs = attributes(m[2] ?? '');
    if (tag === 'link') {
      const rel = (attrs.get('rel') ?? '').toLowerCase().split(/\s+/);
      const href = attrs.get('href');
      if (!isHttp(href)) continue;
      if (rel.some((r) => LINK_ACTIVE.has(r))) out.push({ kind: 'active', where: `<link rel=${rel.join(' ')} href>`, url: href.trim() });
      else if (rel.some((r) => LINK_PASSIVE.has(r))) out.push({ kind: 'passive', where: `<link rel=${rel.join(' ')} href>`, url: href.trim() });
      continue;
    }
    if (tag === 'base') {
      const href = attrs.get('href');
      if (isHttp(href)) out.push({ kind: 'active', where: '<base href> (every relative URL of the page)', url: href.trim() });
      continue;
    }
    for (const rule of ELEMENT_RULES[tag] ?? []) {
      const v = attrs.get(rule.attr);
      if (v === undefined) continue;
      if (tag === 'input' && rule.attr === 'src' && (attrs.get('type') ?? '').toLowerCase() !== 'image') continue;
      for (const url of rule.srcset ? srcsetUrls(v) : [v]) if (isHttp(url)) out.push({ kind: rule.kind, where: `<${tag} ${rule.attr}>`, url: url.trim() });
    }
    const style = attrs.get('style');
    if (style) for (const u of style.matchAll(CSS_URL)) out.push({ kind: 'passive', where: `style="url()" on <${tag}>`, url: u[2]! });
  }
  for (const css of styleBlocks(text)) {
    for (const u of css.matchAll(CSS_IMPORT)) out.push({ kind: 'active', where: 'CSS @import', url: u[2]! });
    for (const u of css.matchAll(CSS_URL)) if (!out.some((o) => o.url === u[2] && o.where === 'CSS @import')) out.push({ kind: 'passive', where: 'CSS url()', url: u[2]! });
  }
  return out;
}

/** `upgrade-insecure-requests` in a CSP header or meta tag: browsers fetch the http:// URLs over https://. */
export function upgradesInsecureRequests(ex: HttpExchange): boolean {
  const header = ex.response?.headers['content-security-policy'] ?? '';
  if (/(^|;)\s*upgrade-insecure-requests\s*(;|$)/i.test(header)) return true;
  const html = ex.response?.text() ?? '';
  return /<meta[^>]+http-equiv\s*=\s*["']?content-security-policy["']?[^>]*upgrade-insecure-requests/i.test(html);
}

const KIND_WORDS: Record<MixedKind, { title: string; severity: 'high' | 'medium' }> = {
  active: { title: 'loads scripts, styles or frames over plain HTTP: browsers block them and the page breaks', severity: 'high' },
  form: { title: 'has a form that submits to plain HTTP: what users type is sent unencrypted', severity: 'high' },
  passive: { title: 'loads images or media over plain HTTP: browsers warn, upgrade or drop them', severity: 'medium' },
};

function judgePage(name: string, ex: HttpExchange): FindingDraft[] {
  const url = finalUrlOf(ex);
  const location = { url };
  if (!url.startsWith('https:')) return [{ status: 'skip', location, reason: `the ${name} page is not served over HTTPS (${url}); the HTTPS redirect check covers it` }];
  const r = ex.response;
  if (!r) return [{ status: 'skip', location, reason: `the ${name} page did not answer (${ex.error?.code ?? 'no response'})` }];
  const type = r.headers['content-type'] ?? '';
  if (type && !/html/i.test(type)) return [{ status: 'skip', location, reason: `the ${name} page is not HTML (${type})` }];
  const refs = findMixedContent(r.text());
  const upgraded = upgradesInsecureRequests(ex);
  const out: FindingDraft[] = [];
  for (const kind of ['active', 'form', 'passive'] as const) {
    const list = refs.filter((x) => x.kind === kind);
    if (!list.length) continue;
    const unique = [...new Map(list.map((x) => [x.url, x])).values()];
    const lines = unique.slice(0, 10).map((x) => `${x.where}: ${x.url}`);
    if (unique.length > 10) lines.push(`… and ${unique.length - 10} more`);
    const words = KIND_WORDS[kind];
    const cover = kind !== 'form' && upgraded;
    out.push({
      status: cover ? 'warn' : 'fail',
      severity: cover ? 'low' : words.severity,
      title: `The ${name} page ${words.title} (${unique.length} URL${unique.length > 1 ? 's' : ''})${cover ? ' — upgraded by upgrade-insecure-requests' : ''}`,
      location,
      evidence: { notes: [...lines, ...(cover ? ['Content-Security-Policy: upgrade-insecure-requests makes browsers fetch them over https://; they still fail where the host has no HTTPS'] : [])] },
      fix: `Change each URL to https:// (or a relative/protocol-less path to your own assets), e.g. ${unique[0]!.url.replace(/^http:/i, 'https:')}; if a third party has no HTTPS, host the file yourself. As a safety net add \`Content-Security-Policy: upgrade-insecure-requests\` (nginx \`add_header Content-Security-Policy "upgrade-insecure-requests" always;\`).`,
      discriminator: `${name}:${kind}`,
    });
  }
  if (out.length === 0) out.push({ status: 'pass', location, evidence: { notes: [`no http:// subresource in the ${name} page's HTML`] } });
  return out;
}

export const mixedContent = defineCheck({
  meta: {
    id: 'domain-tls/mixed-content',
    area: 'domain-tls',
    severity: 'high',
    title: 'No mixed content on the landing and login pages',
    why: 'An https:// page that pulls scripts or styles over http:// hands whoever sits on the network the power to rewrite the page — browsers therefore block them, which breaks it.',
    breaks: 'Blocked scripts and styles break the landing or login page; a login form posting to http:// sends passwords in clear text.',
    fix: 'Reference every script, style, image, frame and form target with https:// (or relative URLs); add `Content-Security-Policy: upgrade-insecure-requests` as a safety net.',
    references: ['https://www.w3.org/TR/mixed-content/', 'OWASP ASVS 9.1.1', 'CWE-311'],
    publicOnly: true,
  },
  requires: { pages: landingPagesGatherer },
  run({ pages }) {
    return [...judgePage('landing', pages.landing), ...(pages.login ? judgePage('login', pages.login) : [])];
  },
});
