import { defineGatherer, NotApplicable } from '../../engine/check.js';
import type { GatherContext } from '../../engine/context.js';
import { credentialHeaders, type Session } from '../../identity/session.js';
import type { HttpExchange } from '../../net/http.js';
import { formsIn } from '../web/html.js';
import { DANGEROUS_LINK, webProbeStart, type WebForm } from '../web/surface.js';
import { createdObject, idOf } from '../authorization/inventory.js';
import { apiSurfaceGatherer, type Route } from '../../surface/routes.js';
import { sampleFromSchema } from '../../surface/sample-body.js';
import { XssBrowser, type ExecRecord, type SinkRecord } from './browser.js';
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
  /** `form`: submitted in the browser; `api`: a JSON create call whose values the pages render. */
  via: 'form' | 'api';
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
  /** The payload ran. */
  exec?: ExecRecord;
  /** A DOM sink got the payload (with the script's stack). */
  sink?: SinkRecord;
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
  // svg onload runs when the server renders it; img onerror also when a script inserts it with innerHTML.
  return `${prefix}s${n}"'--></textarea></title></style><svg onload=__lrx(${n})><img src=data:, onerror=__lrx(${n})>`;
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
    const { base, surface, sessions } = await webProbeStart(ctx);
    const { usable, needWrites } = contentForms(surface.forms, ctx.options.allowWrites);
    const skipped = needWrites.map((f) => `${f.method} ${new URL(f.action).pathname} edits an existing object: only with --allow-writes`);
    let routes: Route[] = [];
    try {
      routes = (await ctx.gather(apiSurfaceGatherer)).routes;
    } catch (err) {
      if (!(err instanceof NotApplicable) && !(err instanceof Error && /OpenAPI|openapi/.test(err.message))) throw err;
    }
    const flowPaths = new Set(Object.values(ctx.config.endpoints).filter((v): v is string => typeof v === 'string'));
    // A route a content form already posts to is written through that form (and cleaned up the way
    // the page offers); the crawl records such form posts as routes too.
    const formActions = new Set(usable.map((f) => new URL(f.action).pathname));
    const apiRoutes = routes
      .filter((r) => r.method === 'POST' && !r.path.includes('{') && !flowPaths.has(r.path) && !formActions.has(r.path) && !NOT_CONTENT.test(r.path) && !/log-?out|webhook|upload|import|token|auth|oauth|callback|admin/i.test(r.path))
      .slice(0, 2);
    const writerFor = (route: Route): Session | undefined => [...sessions.values()].find((s) => !route.roles || route.roles.includes(s.role)) ?? undefined;
    const viewPages = (identity: string | undefined): string[] =>
      [...new Set(surface.pages.filter((p) => p.status === 200 && p.html && (!p.identity || p.identity === identity)).sort((a, b) => Number(/<script/i.test(b.html)) - Number(/<script/i.test(a.html))).map((p) => p.url))].filter((u) => !DANGEROUS_LINK.test(new URL(u).pathname)).slice(0, 4);
    if (usable.length === 0 && apiRoutes.length === 0) {
      if (skipped.length) return { writes: [], hits: [], viewed: [], cleanup: [], skipped, browserRequests: 0 };
      throw new NotApplicable('no form one click deep and no API create route (POST without path parameters) writes content that pages render');
    }
    const prefix = markerPrefix(ctx.options.seed);
    const viewers: Array<Session | undefined> = [...[...sessions.values()].filter((s) => s.jar.size > 0 || s.bearer || s.header).slice(0, 3), undefined];
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
        const write: StoredWrite = { via: 'form', form, ...(form.identity ? { identity: form.identity } : {}), fields: numbers, landedOn: visit.finalUrl, ...(visit.error ? { error: visit.error } : {}) };
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
        // Server-rendered pages: a plain GET tells which pages carry the marker at all (escaped or
        // not); only those are loaded in the browser, where running is the proof.
        const markers = Object.values(numbers).map((x) => `${prefix}s${x}`);
        for (const viewer of viewers) {
          for (const page of pages) {
            if (browser.exhausted || ctx.http.remaining < 20) break;
            const peek = await ctx.http.request({ url: page, headers: { accept: 'text/html', ...(viewer ? credentialHeaders(viewer) : {}) }, ...(viewer ? { credentialed: true, identity: viewer.identity } : {}), area: 'input-validation' });
            const text = peek.response?.text() ?? '';
            if (!markers.some((m) => text.includes(m)) && !/<script/i.test(text)) continue;
            const v = await browser.visit({ url: page, ...(viewer ? { identity: viewer } : {}), settleMs: 150 });
            viewed.push({ page, viewer: viewer?.identity ?? 'anonymous' });
            noteHits(v.executed, page, viewer?.identity ?? 'anonymous');
          }
        }
        const first = Object.values(numbers)[0];
        if (visit.finalUrl.startsWith(base.origin) && first !== undefined) cleanup.push(await cleanUp(ctx, write, `${prefix}s${first}`, s));
        else cleanup.push({ write, outcome: 'left', detail: 'the submission did not land on a page of the app' });
      }
      // JSON create calls of the API: the values it returns are what single-page apps render.
      // All writes first, then each page once per viewer, then the clean-up.
      const apiWrites: Array<{ write: StoredWrite; route: Route; writer: Session | undefined; created: unknown }> = [];
      for (const route of apiRoutes) {
        if (ctx.http.remaining < 30) break;
        const writer = writerFor(route);
        const numbers: Record<string, number> = {};
        const values: Record<string, string> = {};
        const schema = route.requestSchema as { properties?: Record<string, { type?: string; format?: string; enum?: unknown }> } | undefined;
        const textFields = schema?.properties ? Object.entries(schema.properties).filter(([k, v]) => v && v.type === 'string' && !v.format && !v.enum && !/mail|url|uri|date|time|phone|id$|password|token|role|status|currency|country|lang/i.test(k)).map(([k]) => k) : ['name', 'title', 'body', 'description'];
        for (const k of textFields.slice(0, 4)) {
          numbers[k] = ++n;
          values[k] = storedPayload(prefix, n);
        }
        if (Object.keys(numbers).length === 0) continue;
        const body = schema?.properties ? { ...(sampleFromSchema(schema, { marker: prefix, optional: false, values }) as Record<string, unknown>), ...values } : values;
        const url = new URL(route.path, base).href;
        const ex = await ctx.http.request({ method: 'POST', url, json: body, ...(writer ? { headers: credentialHeaders(writer, { write: true }), credentialed: true, identity: writer.identity } : {}), area: 'input-validation' });
        const form: WebForm = { page: 'the API', action: url, method: 'POST', fields: Object.keys(numbers).map((name) => ({ name, type: 'json', value: '' })), ...(writer ? { identity: writer.identity } : {}) };
        const ok = !!ex.response && ex.response.status >= 200 && ex.response.status < 300;
        const write: StoredWrite = { via: 'api', form, ...(writer ? { identity: writer.identity } : {}), fields: numbers, landedOn: url, ...(ok ? {} : { error: `POST ${route.path} answered ${ex.response?.status ?? ex.error?.code}` }) };
        writes.push(write);
        if (ok) apiWrites.push({ write, route, writer, created: ex.response!.json() });
        // A redirect may mean the object was created (form-style handlers answer 303): say so, never drop it.
        else if (ex.response && ex.response.status >= 300 && ex.response.status < 400)
          cleanup.push({ write, outcome: 'left', detail: `POST ${route.path} answered ${ex.response.status}: it may have created an object; remove anything with marker ${prefix} by hand` });
      }
      if (apiWrites.length) {
        const pagesFor = new Map<string, string[]>();
        for (const viewer of viewers) {
          const who = viewer?.identity ?? 'anonymous';
          for (const page of viewPages(viewer?.identity).slice(0, 3)) {
            if (browser.exhausted) break;
            const v = await browser.visit({ url: page, ...(viewer ? { identity: viewer } : {}) });
            viewed.push({ page, viewer: who });
            pagesFor.set(who, [...(pagesFor.get(who) ?? []), page]);
            for (const { write } of apiWrites) {
              for (const [field, num] of Object.entries(write.fields)) {
                const exec = v.executed.find((e) => e.n === num);
                const sink = v.sinks.find((k) => k.value.includes(`${prefix}s${num}`));
                if ((exec || sink) && !hits.some((h) => h.write === write && h.field === field && h.page === page && h.viewer === who)) hits.push({ write, field, page, viewer: who, ...(exec ? { exec } : {}), ...(sink ? { sink } : {}) });
              }
            }
          }
        }
      }
      // Clean-up: DELETE on the item route of the collection, with the id the create call returned.
      for (const { write, route, writer, created } of apiWrites) {
        const obj = createdObject(created, route.path);
        const id = obj ? idOf(obj, route.path)?.id : undefined;
        const marker = `${prefix}s${Object.values(write.fields)[0]}`;
        const del = routes.find((r) => r.method === 'DELETE' && r.path.startsWith(`${route.path}/{`) && r.path.split('/').length === route.path.split('/').length + 1);
        if (id && del) {
          const dex = await ctx.http.request({ method: 'DELETE', url: new URL(del.path.replace(/\{[^}]+\}/, encodeURIComponent(id)), base), ...(writer ? { headers: credentialHeaders(writer, { write: true }), credentialed: true, identity: writer.identity } : {}), area: 'input-validation' });
          const gone = !!dex.response && dex.response.status < 400;
          cleanup.push({ write, outcome: gone ? 'deleted' : 'left', detail: gone ? `deleted with DELETE ${del.path} (HTTP ${dex.response!.status})` : `DELETE ${del.path} answered ${dex.response?.status ?? dex.error?.code}: remove object ${id} (marker ${marker}) by hand`, exchange: dex });
        } else cleanup.push({ write, outcome: 'left', detail: id ? `no DELETE route for ${route.path}/{id}: remove object ${id} (marker ${marker}) by hand` : `the create answer named no id: remove the object with marker ${marker} by hand` });
      }
    } finally {
      await browser.close();
    }
    return { writes, hits, viewed, cleanup, skipped, browserRequests: browser.requests };
  },
});
