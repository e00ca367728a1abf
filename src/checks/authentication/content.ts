import type { HttpExchange, HttpResponse } from '../../net/http.js';

/**
 * Judging a response by its content, not its status code: a 200 that is the login page is a
 * refusal; a 200 carrying the JSON shape an authenticated user gets is data. Pure functions, shared
 * by the authentication, authorization and session checks.
 */

/** Key paths of a JSON value (depth ≤ 3; arrays collapse to `[]`). */
export function jsonShape(value: unknown, prefix = '', depth = 0, out = new Set<string>()): Set<string> {
  if (depth > 3 || value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    out.add(`${prefix}[]`);
    for (const item of value.slice(0, 3)) jsonShape(item, `${prefix}[]`, depth + 1, out);
    return out;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    out.add(key);
    jsonShape(v, key, depth + 1, out);
  }
  return out;
}

export function shapeSimilarity(a: unknown, b: unknown): number {
  const sa = jsonShape(a);
  const sb = jsonShape(b);
  if (sa.size === 0 && sb.size === 0) return JSON.stringify(a) === JSON.stringify(b) ? 1 : 0;
  let common = 0;
  for (const k of sa) if (sb.has(k)) common++;
  return common / (sa.size + sb.size - common || 1);
}

const ERROR_KEYS = /^(?:error|errors|message|msg|detail|details|status|statusCode|status_code|code|title|type|instance|reason|description|success|ok|hint|path|timestamp|requestId|request_id|trace_id|traceId|documentation_url)$/i;

/** A JSON body made only of error vocabulary (`{"error": "unauthorized", "message": "…"}`). */
export function isErrorBody(body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const keys = Object.keys(body as Record<string, unknown>);
  if (keys.length === 0) return true;
  if (keys.every((k) => ERROR_KEYS.test(k))) return true;
  const b = body as Record<string, unknown>;
  return (b['success'] === false || b['ok'] === false) && keys.length <= 4;
}

export function isJson(r: HttpResponse): boolean {
  return /json/i.test(r.headers['content-type'] ?? '') || r.json() !== undefined;
}

export function isHtml(r: HttpResponse): boolean {
  return /html/i.test(r.headers['content-type'] ?? '') || /^\s*<(?:!doctype|html)/i.test(r.text().slice(0, 200));
}

/** The login page (or any page asking for a password), in HTML or as a redirect. */
export function isLoginPage(ex: HttpExchange): boolean {
  const r = ex.response;
  if (!r) return false;
  if (r.status >= 300 && r.status < 400) return /log-?in|sign-?in|auth|sso|session/i.test(r.headers['location'] ?? '');
  if (ex.redirects.some((h) => /log-?in|sign-?in|auth|sso/i.test(h.location))) return true;
  if (!isHtml(r)) return false;
  const text = r.text().slice(0, 100_000);
  return /<input[^>]+type\s*=\s*["']?password/i.test(text) || /\b(?:sign|log)\s?in\b/i.test(text.slice(0, 5000));
}

export type DataVerdict = { data: true; why: string } | { data: false; why: string };

/**
 * Whether a response to an unauthorised request carries data. With the authorised response for the
 * same URL as a baseline the judgement is by resemblance: the same bytes, or the same JSON shape.
 */
export function carriesData(ex: HttpExchange, baseline?: HttpExchange): DataVerdict {
  const r = ex.response;
  if (!r) return { data: false, why: `no response (${ex.error?.code ?? 'error'})` };
  if (r.status === 401 || r.status === 403) return { data: false, why: `refused with HTTP ${r.status}` };
  if (r.status >= 300 && r.status < 400) return { data: false, why: isLoginPage(ex) ? 'redirected to the login page' : `redirected (HTTP ${r.status})` };
  if (r.status >= 400) return { data: false, why: `HTTP ${r.status} without data` };
  if (r.status === 204 || r.body.length === 0) return { data: false, why: `HTTP ${r.status} with an empty body` };
  if (isLoginPage(ex)) return { data: false, why: `HTTP ${r.status} but the body is the login page` };
  const json = r.json();
  if (json !== undefined && isErrorBody(json)) return { data: false, why: `HTTP ${r.status} with an error body` };
  const base = baseline?.response;
  if (base && base.status >= 200 && base.status < 300 && base.body.length > 0) {
    if (base.body.equals(r.body)) return { data: true, why: `HTTP ${r.status} with exactly the body an authorised user gets` };
    const bj = base.json();
    if (json !== undefined && bj !== undefined) {
      const sim = shapeSimilarity(json, bj);
      if (sim >= 0.5) return { data: true, why: `HTTP ${r.status} with the JSON shape an authorised user gets (${Math.round(sim * 100)}% of the fields)` };
      return { data: false, why: `HTTP ${r.status} but a different JSON shape from the authorised response` };
    }
    if (isHtml(base) !== isHtml(r)) return { data: false, why: `HTTP ${r.status} but a different kind of content from the authorised response` };
    if ((base.headers['content-type'] ?? '') === (r.headers['content-type'] ?? '') && !isHtml(r)) return { data: true, why: `HTTP ${r.status} with the same kind of content (${r.headers['content-type'] ?? 'unknown type'}) an authorised user gets` };
    return { data: false, why: `HTTP ${r.status} with content unlike the authorised response` };
  }
  if (json !== undefined) return { data: true, why: `HTTP ${r.status} with a JSON body` };
  if (isHtml(r)) return { data: false, why: `HTTP ${r.status} with an HTML page` };
  return { data: true, why: `HTTP ${r.status} with a ${r.body.length}-byte body` };
}

const BORING = /^(?:true|false|null|undefined|draft|sent|paid|void|open|closed|pending|active|inactive|member|admin|owner|user|normal|low|high|medium|usd|eur|gbp|en|json|text\/plain|application\/json|yes|no|none|default|public|private)$/i;
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Values that identify one account's records: strings of 6+ characters that are not vocabulary
 * (statuses, roles, currencies) or bare dates, at any depth. Numbers are left out: ids collide.
 */
export function identifyingValues(value: unknown, out = new Set<string>(), depth = 0): Set<string> {
  if (depth > 6 || value === null || value === undefined) return out;
  if (typeof value === 'string') {
    const v = value.trim();
    if (v.length >= 6 && v.length <= 300 && !BORING.test(v) && !DATE_LIKE.test(v) && !/^\d+$/.test(v) && !/^https?:\/\/[^/]+\/?$/.test(v)) out.add(v);
    return out;
  }
  if (Array.isArray(value)) {
    for (const x of value.slice(0, 50)) identifyingValues(x, out, depth + 1);
    return out;
  }
  if (typeof value === 'object') for (const x of Object.values(value as Record<string, unknown>)) identifyingValues(x, out, depth + 1);
  return out;
}

/** Which of `values` appear in the response (raw text, so CSV, HTML and JSON all count). */
export function valuesIn(r: HttpResponse | undefined, values: Iterable<string>): string[] {
  if (!r) return [];
  const text = r.text();
  const found: string[] = [];
  for (const v of values) {
    if (text.includes(v) || text.includes(JSON.stringify(v).slice(1, -1))) found.push(v);
    if (found.length >= 5) break;
  }
  return found;
}

export function isSuccess(ex: HttpExchange | undefined): boolean {
  const s = ex?.response?.status;
  return s !== undefined && s >= 200 && s < 300;
}

export function statusText(ex: HttpExchange | undefined): string {
  if (!ex) return 'not sent';
  if (!ex.response) return `no response (${ex.error?.code ?? 'error'})`;
  return String(ex.response.status);
}

/**
 * Fields that carry personal or account data, as data: found with values in an anonymous answer,
 * they show a route is private whatever its spec says. Names, not values (values vary by app).
 */
export const PERSONAL_FIELDS: ReadonlyArray<{ pattern: RegExp; what: string }> = [
  { pattern: /^(?:e-?mail|email_?address|contact_?email|billing_?email)$/i, what: 'email addresses' },
  { pattern: /^(?:phone|phone_?number|mobile|telephone|tel)$/i, what: 'phone numbers' },
  { pattern: /^(?:ssn|social_?security|national_?id|tax_?id|passport(?:_?number)?)$/i, what: 'national ids' },
  { pattern: /^(?:dob|date_?of_?birth|birth_?date|birthday)$/i, what: 'dates of birth' },
  { pattern: /^(?:address|street|home_?address|billing_?address|postal_?address|address_?line_?1)$/i, what: 'postal addresses' },
  { pattern: /^(?:iban|account_?number|card_?number|pan|card_?last4|last4)$/i, what: 'payment details' },
  { pattern: /^(?:password|password_?hash|passwd|pwd|password_?salt)$/i, what: 'password hashes' },
  { pattern: /^(?:api_?key|secret|access_?token|refresh_?token|token)$/i, what: 'credentials' },
  { pattern: /^(?:diagnosis|diagnoses|medications?|conditions?|allerg(?:y|ies)|insurance_?number)$/i, what: 'health data' },
  { pattern: /^(?:salary|income|balance)$/i, what: 'financial data' },
];

/** Personal-data fields (with non-empty values) in a JSON body, and how many records carry them. */
export function personalData(body: unknown): { kinds: string[]; fields: string[]; records: number } {
  const fields = new Set<string>();
  const kinds = new Set<string>();
  let records = 0;
  const visit = (v: unknown, depth: number): void => {
    if (depth > 5 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v.slice(0, 100)) visit(x, depth + 1);
      return;
    }
    let hit = false;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if ((typeof x === 'string' && x.trim().length >= 3) || (typeof x === 'number' && /balance|salary|income/i.test(k))) {
        const f = PERSONAL_FIELDS.find((p) => p.pattern.test(k));
        if (f) {
          fields.add(k);
          kinds.add(f.what);
          hit = true;
        }
      } else visit(x, depth + 1);
    }
    if (hit) records++;
  };
  visit(body, 0);
  return { kinds: [...kinds], fields: [...fields], records };
}

/** Visible text runs of an HTML page (6–200 characters, not markup, scripts or styles): the values a page shows. */
export function htmlTexts(html: string, out = new Set<string>()): Set<string> {
  const body = html.slice(0, 300_000).replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ');
  for (const m of body.matchAll(/>([^<>]+)</g)) {
    const t = m[1]!.replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
    if (t.length >= 6 && t.length <= 200 && !/^\d+$/.test(t) && !BORING.test(t)) out.add(t);
    if (out.size >= 300) break;
  }
  return out;
}

/** Same-origin paths an HTML page links to or posts to (href, action, src attributes). */
export function htmlLinks(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.slice(0, 300_000).matchAll(/\b(?:href|action)\s*=\s*["']([^"'#?]+)(?:[?#][^"']*)?["']/gi)) {
    const v = m[1]!;
    if (v.startsWith('/') && !v.startsWith('//')) out.add(v);
    if (out.size >= 200) break;
  }
  return [...out];
}
