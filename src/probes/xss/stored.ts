import { defineGatherer, NotApplicable } from '../../engine/check.js';
import type { GatherContext } from '../../engine/context.js';
import { credentialHeaders, sessionsGatherer, type Session } from '../../identity/session.js';
import type { HttpExchange } from '../../net/http.js';
import { formsIn } from '../web/html.js';
import { DANGEROUS_LINK, webSurfaceGatherer, type WebForm } from '../web/surface.js';
import { XssBrowser, type ExecRecord } from './browser.js';
import { markerPrefix } from './reflected.js';

/**
 * Stored XSS: a form that creates something (a note, a comment, a ticket) is submitted in Chromium
 * with a marker payload in every text field, creating a new object that belongs to the run; then
 * the page it lands on, the form's page and the other pages one click deep are loaded as every
 * identity (and anonymously). A payload that runs is the proof. Afterwards the object is deleted
 * through the delete form next to the marker, when the page offers one. Forms that edit an existing
 * object (an id in the action, /edit, /settings, /profile …) are only used with --allow-writes.
 */

export interface StoredWrite {
  form: WebForm;
  identity?: string;
  /** Field → marker number. */
  fields: Record<string, number>;
  /** Where the browser landed after submitting. */
  landedOn: string;
  error?: string;
}

export interface StoredHit {
  write: StoredWrite;
  field: string;
  page: string;
  viewer: string;
  exec: ExecRecord;
}

export interface StoredXss {
  writes: StoredWrite[];
  hits: StoredHit[];
  /** Pages loaded after the writes, per viewer. */
  viewed: Array<{ page: string; viewer: string }>;
  cleanup: Array<{ write: StoredWrite; outcome: 'deleted' | 'left'; detail: string; exchange?: HttpExchange }>;
  skipped: string[];
  browserRequests: number;
}

const NOT_CONTENT = /log-?in|sign-?in|sign-?up|register|session|search|find|password|reset|forgot|verify|invite|subscribe|newsletter|checkout|pay/i;
const EDITS_EXISTING = /\/(?:\d+|[0-9a-f]{8}-[0-9a-f-]{27,}|[0-9a-f]{24})(?:\/|$)|edit|update|settings|profile|account|preferences/i;
const TEXTISH = new Set(['text', 'textarea', 'search', 'url', 'tel', '']);
const MAX_FORMS = 4;

export function storedPayload(prefix: string, n: number): string {
  return `${prefix}s${n}"'--></textarea></title></style><svg onload=__lrx(${n})>`;
}

/** Forms that create content, and which of them need --allow-writes. */
export function contentForms(forms: WebForm[], allowWrites: boolean): { usable: WebForm[]; needWrites: WebForm[] } {
  const usable: WebForm[] = [];
  const needWrites: WebForm[] = [];
  for (const f of forms) {
    const path = new URL(f.action).pathname;
    if (f.method !== 'POST' || NOT_CONTENT.test(path) || DANGEROUS_LINK.test(path)) continue;
    if (!f.fields.some((x) => TEXTISH.has(x.type) && !/csrf|token/i.test(x.name))) continue;
    if (EDITS_EXISTING.test(path) && !allowWrites) needWrites.push(f);
    else usable.push(f);
  }
  return { usable: usable.slice(0, MAX_FORMS), needWrites };
}

async function cleanUp(ctx: GatherContext, write: StoredWrite, marker: string, s: Session | undefined): Promise<StoredXss['cleanup'][number]> {
  const headers = { accept: 'text/html', ...(s ? credentialHeaders(s) : {}) };
  const auth = s ? { credentialed: true, identity: s.identity } : {};
  const page = await ctx.http.request({ url: write.landedOn, headers, ...auth, area: 'input-validation' });
  const html = page.response?.text() ?? '';
  const at = html.indexOf(marker);
  const id = /\/(\d+|[0-9a-f-]{20,})(?:\/|$|\?)/i.exec(new URL(write.landedOn).pathname)?.[1];
  const deletes = formsIn(html, write.landedOn).filter((f) => f.method === 'POST' && /delete|remove|destroy/i.test(new URL(f.action).pathname));
  // The delete form of our object: its action names the id we landed on, or it is the nearest one after the marker.
  let chosen = id ? deletes.find((f) => new URL(f.action).pathname.includes(`/${id}/`) || new URL(f.action).pathname.endsWith(`/${id}`)) : undefined;
  if (!chosen && at >= 0) {
    const after = html.slice(at, at + 2000);
    chosen = deletes.find((f) => after.includes(new URL(f.action).pathname));
  }
  if (!chosen) return { write, outcome: 'left', detail: `no delete form next to the marker on ${write.landedOn}: remove the object with marker ${marker} by hand` };
  const del = await ctx.http.request({
    method: 'POST',
    url: chosen.action,
    form: Object.fromEntries(chosen.fields.map((f) => [f.name, f.value])),
    headers: s ? credentialHeaders(s, { write: true }) : {},
    ...auth,
    area: 'input-validation',
  });
  const ok = !!del.response && del.response.status < 400;
  return { write, outcome: ok ? 'deleted' : 'left', detail: ok ? `deleted with POST ${new URL(chosen.action).pathname} (HTTP ${del.response!.status})` : `the delete form answered ${del.response?.status ?? del.error?.code}: remove the object with marker ${marker} by hand`, exchange: del };
}

export const storedXssGatherer = defineGatherer<StoredXss>({
  id: 'xss/stored',
  async gather(ctx) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL');
    const surface = await ctx.gather(webSurfaceGatherer);
    let sessions = new Map<string, Session>();
    try {
      sessions = (await ctx.gather(sessionsGatherer)).sessions;
    } catch (err) {
      if (!(err instanceof NotApplicable)) throw err;
    }
    const { usable, needWrites } = contentForms(surface.forms, ctx.options.allowWrites);
    const skipped = needWrites.map((f) => `${f.method} ${new URL(f.action).pathname} edits an existing object: only with --allow-writes`);
    if (usable.length === 0) {
      if (skipped.length) return { writes: [], hits: [], viewed: [], cleanup: [], skipped, browserRequests: 0 };
      throw new NotApplicable('no form one click deep creates content (a POST form with text fields)');
    }
    const prefix = markerPrefix(ctx.options.seed);
    const viewers: Array<Session | undefined> = [...[...sessions.values()].filter((s) => s.jar.size > 0 || s.bearer || s.header).slice(0, 4), undefined];
    const browser = await XssBrowser.open(ctx, { requests: 300, prefix, area: 'input-validation' });
    const writes: StoredWrite[] = [];
    const hits: StoredHit[] = [];
    const viewed: StoredXss['viewed'] = [];
    const cleanup: StoredXss['cleanup'] = [];
    let n = 8000;
    try {
      for (const form of usable) {
        const s = form.identity ? sessions.get(form.identity) : undefined;
        const fields: Record<string, string> = {};
        const numbers: Record<string, number> = {};
        for (const f of form.fields) {
          if (TEXTISH.has(f.type) && !/csrf|token/i.test(f.name)) {
            numbers[f.name] = ++n;
            fields[f.name] = storedPayload(prefix, n);
          } else if (f.type !== 'checkbox' && f.type !== 'radio') fields[f.name] = f.value;
          else if (f.value) fields[f.name] = f.value;
        }
        const visit = await browser.visit({ url: form.action, post: { action: form.action, fields }, ...(s ? { identity: s } : {}) });
        const write: StoredWrite = { form, ...(form.identity ? { identity: form.identity } : {}), fields: numbers, landedOn: visit.finalUrl, ...(visit.error ? { error: visit.error } : {}) };
        writes.push(write);
        const noteHits = (execs: ExecRecord[], page: string, viewer: string): void => {
          for (const e of execs) {
            const field = Object.entries(numbers).find(([, x]) => x === e.n)?.[0];
            if (field && !hits.some((h) => h.field === field && h.page === page && h.viewer === viewer && h.write === write)) hits.push({ write, field, page, viewer, exec: e });
          }
        };
        noteHits(visit.executed, visit.finalUrl, form.identity ?? 'anonymous');
        // The pages that may render it: where the submit landed, the form's page, and the pages one click deep.
        const pages = [...new Set([visit.finalUrl, form.page, ...surface.pages.filter((p) => p.status === 200 && p.html && (!p.identity || p.identity === form.identity)).map((p) => p.url)])]
          .filter((u) => u.startsWith(base.origin) && !DANGEROUS_LINK.test(new URL(u).pathname))
          .slice(0, 4);
        for (const viewer of viewers) {
          for (const page of pages) {
            if (browser.exhausted) break;
            const v = await browser.visit({ url: page, ...(viewer ? { identity: viewer } : {}), settleMs: 150 });
            viewed.push({ page, viewer: viewer?.identity ?? 'anonymous' });
            noteHits(v.executed, page, viewer?.identity ?? 'anonymous');
          }
        }
        const first = Object.values(numbers)[0];
        if (visit.finalUrl.startsWith(base.origin) && first !== undefined) cleanup.push(await cleanUp(ctx, write, `${prefix}s${first}`, s));
        else cleanup.push({ write, outcome: 'left', detail: 'the submission did not land on a page of the app' });
      }
    } finally {
      await browser.close();
    }
    return { writes, hits, viewed, cleanup, skipped, browserRequests: browser.requests };
  },
});
