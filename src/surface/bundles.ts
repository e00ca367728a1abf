import type { HttpMethod } from './routes.js';

/**
 * Endpoints a front-end bundle calls: `fetch('/api/x')`, `axios.post('/api/x')`, `'/api/invoices/' + id`,
 * `` `/api/orgs/${org}/invoices` ``. Dynamic parts become `{id}`-style parameters. Only what looks like
 * an API path is kept (an /api, /v1, /rest or /graphql prefix, or a literal handed to fetch/axios).
 */

export interface BundleEndpoint {
  method: HttpMethod;
  path: string;
}

const API_PREFIX = /^\/(?:api|v\d+|rest|graphql|internal|admin\/api)(?:\/|$)/i;
const ASSET = /\.(?:js|mjs|css|map|png|jpe?g|gif|svg|ico|webp|woff2?|ttf|html?)$/i;
const METHOD_NAMES: Record<string, HttpMethod> = { get: 'GET', post: 'POST', put: 'PUT', patch: 'PATCH', delete: 'DELETE', del: 'DELETE', head: 'HEAD' };

/** Script URLs a page loads from its own origin (bounded). */
export function scriptUrls(html: string, page: URL, limit = 6): URL[] {
  const out: URL[] = [];
  for (const m of html.matchAll(/<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/gi)) {
    try {
      const u = new URL(m[1]!, page);
      if (u.origin === page.origin && !out.some((x) => x.href === u.href)) out.push(u);
    } catch {
      /* not a URL */
    }
    if (out.length >= limit) break;
  }
  return out;
}

function paramName(expr: string, prev: string, used: Set<string>): string {
  const last = expr.split(/[.[\]()]/).filter(Boolean).pop() ?? '';
  let name = /^[A-Za-z_$][\w$]*$/.test(last) && last.length <= 30 && last !== 'toString' ? last : prev ? `${prev.replace(/s$/, '')}Id` : 'id';
  if (!/id$/i.test(name) && /^(?:i|n|x|e|t|v|k)$/.test(name)) name = 'id';
  // `${org.id}` after /orgs/ names the org: {orgId}, so tenant parameters are recognised.
  if (name === 'id' && prev && !prev.includes('{')) name = `${prev.replace(/ies$/, 'y').replace(/s$/, '')}Id`;
  let unique = name;
  for (let i = 2; used.has(unique); i++) unique = `${name}${i}`;
  used.add(unique);
  return unique;
}

/** Normalises a discovered path: strips query and fragment, collapses dynamic parts. */
function clean(path: string): string | undefined {
  let p = path.split(/[?#]/)[0]!.replace(/\/{2,}/g, '/');
  if (p.length > 1) p = p.replace(/\/$/, '');
  if (!p.startsWith('/') || ASSET.test(p) || p.length > 200 || /\s/.test(p)) return undefined;
  return p;
}

export function endpointsFromScript(js: string, limit = 60): BundleEndpoint[] {
  const found = new Map<string, BundleEndpoint>();
  const add = (method: HttpMethod, raw: string): void => {
    const p = clean(raw);
    if (!p || found.size >= limit) return;
    const key = `${method} ${p}`;
    if (!found.has(key)) found.set(key, { method, path: p });
  };
  // A path literal, possibly followed by `+ expr` (+ 'literal')… or a template literal with ${…}.
  const pathRe = /(?:(['"])(\/[A-Za-z0-9_\-./{}:]*)\1((?:\s*\+\s*(?:[A-Za-z_$][\w$.[\]()]*|(['"])[A-Za-z0-9_\-./]*\4))*)|`(\/[^`]*)`)/g;
  for (const m of js.matchAll(pathRe)) {
    let path: string;
    const used = new Set<string>();
    if (m[5] !== undefined) {
      // Template literal: `/api/orgs/${orgId}/invoices/${id}`
      path = m[5].replace(/\$\{([^}]*)\}/g, (_x, expr: string, offset: number, whole: string) => {
        const before = whole.slice(0, offset).split('/').filter(Boolean).pop() ?? '';
        return `{${paramName(expr.trim(), before, used)}}`;
      });
    } else {
      path = m[2]!;
      const tail = m[3] ?? '';
      for (const part of tail.split('+').map((x) => x.trim()).filter(Boolean)) {
        if (/^['"]/.test(part)) path += part.slice(1, -1);
        else path += `{${paramName(part, path.split('/').filter(Boolean).pop() ?? '', used)}}`;
      }
    }
    const before = js.slice(Math.max(0, (m.index ?? 0) - 40), m.index);
    const after = js.slice((m.index ?? 0) + m[0].length, (m.index ?? 0) + m[0].length + 160);
    const call = /(?:\b(fetch|axios|request|api|http|client|\$http|ky|superagent)\s*(?:\.\s*(get|post|put|patch|delete|del|head))?\s*\(\s*)$/i.exec(before);
    if (!API_PREFIX.test(path) && !call) continue;
    let method: HttpMethod = 'GET';
    if (call?.[2]) method = METHOD_NAMES[call[2].toLowerCase()] ?? 'GET';
    else {
      const opt = /^[^)]*?\bmethod\s*:\s*['"](GET|POST|PUT|PATCH|DELETE|HEAD)['"]/i.exec(after);
      if (opt) method = opt[1]!.toUpperCase() as HttpMethod;
    }
    // Paths ending in a bare separator (`'/api/invoices/' + id` already handled) or with `:id` params.
    add(method, path.replace(/\/:([A-Za-z_]\w*)/g, '/{$1}'));
  }
  return [...found.values()];
}
