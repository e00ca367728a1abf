/**
 * Just enough HTML reading for the browser-injection probes: same-origin links, forms with their
 * fields, and the syntactic context a reflected marker lands in. A wrong guess here only costs a
 * probe; the proof of a flaw is always the payload executing in Chromium.
 */

export interface FormField {
  name: string;
  type: string;
  value: string;
}

export interface HtmlForm {
  /** The page the form is on. */
  page: string;
  action: string;
  method: 'GET' | 'POST';
  fields: FormField[];
}

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? decodeEntities(m[1] ?? m[2] ?? m[3] ?? '') : undefined;
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    const l = e.toLowerCase();
    if (l === 'amp') return '&';
    if (l === 'lt') return '<';
    if (l === 'gt') return '>';
    if (l === 'quot') return '"';
    if (l === 'apos') return "'";
    const code = l.startsWith('#x') ? parseInt(l.slice(2), 16) : parseInt(l.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : '';
  });
}

/** Same-origin links (absolute URLs, fragments dropped), in page order, without duplicates. */
export function linksIn(html: string, pageUrl: string): string[] {
  const origin = new URL(pageUrl).origin;
  const out = new Set<string>();
  for (const m of html.matchAll(/<a\b[^>]*>/gi)) {
    const href = attr(m[0], 'href');
    if (!href || /^(javascript|mailto|tel|data):/i.test(href)) continue;
    try {
      const u = new URL(href, pageUrl);
      u.hash = '';
      if (u.origin === origin) out.add(u.href);
    } catch {
      /* not a URL */
    }
  }
  return [...out];
}

/** Forms with their named fields (input, textarea, select); submit buttons are dropped. */
export function formsIn(html: string, pageUrl: string): HtmlForm[] {
  const origin = new URL(pageUrl).origin;
  const out: HtmlForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const open = `<form${m[1] ?? ''}>`;
    let action: string;
    try {
      action = new URL(attr(open, 'action') || pageUrl, pageUrl).href;
    } catch {
      continue;
    }
    if (new URL(action).origin !== origin) continue;
    const method = (attr(open, 'method') ?? 'GET').toUpperCase() === 'POST' ? 'POST' : 'GET';
    const fields: FormField[] = [];
    for (const f of (m[2] ?? '').matchAll(/<(input|textarea|select)\b[^>]*>/gi)) {
      const name = attr(f[0], 'name');
      if (!name) continue;
      const type = (f[1]!.toLowerCase() === 'input' ? attr(f[0], 'type') ?? 'text' : f[1]!).toLowerCase();
      if (['submit', 'button', 'image', 'reset', 'file'].includes(type)) continue;
      fields.push({ name, type, value: attr(f[0], 'value') ?? '' });
    }
    out.push({ page: pageUrl, action, method, fields });
  }
  return out;
}

export type ReflectionContext =
  | 'html'
  | 'rcdata'
  | 'comment'
  | 'attr-double'
  | 'attr-single'
  | 'attr-unquoted'
  | 'url-attr'
  | 'script-single'
  | 'script-double'
  | 'script-template'
  | 'script-code';

const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'data', 'poster']);

/** The context of the text at `index` (where a marker was reflected). */
export function contextAt(html: string, index: number): ReflectionContext {
  const before = html.slice(0, index);
  const lower = before.toLowerCase();
  const scriptOpen = lower.lastIndexOf('<script');
  if (scriptOpen > lower.lastIndexOf('</script')) {
    const bodyStart = before.indexOf('>', scriptOpen);
    if (bodyStart >= 0) {
      let quote: string | undefined;
      const code = before.slice(bodyStart + 1);
      for (let i = 0; i < code.length; i++) {
        const c = code[i]!;
        if (quote) {
          if (c === '\\') i++;
          else if (c === quote) quote = undefined;
        } else if (c === "'" || c === '"' || c === '`') quote = c;
      }
      return quote === "'" ? 'script-single' : quote === '"' ? 'script-double' : quote === '`' ? 'script-template' : 'script-code';
    }
  }
  if (lower.lastIndexOf('<!--') > lower.lastIndexOf('-->')) return 'comment';
  for (const t of ['textarea', 'title', 'style', 'noscript']) {
    if (lower.lastIndexOf(`<${t}`) > lower.lastIndexOf(`</${t}`)) return 'rcdata';
  }
  const lt = before.lastIndexOf('<');
  if (lt > before.lastIndexOf('>')) {
    const tag = before.slice(lt);
    const a = /([\w:-]+)\s*=\s*(?:"([^"]*)|'([^']*)|([^\s"'>]*))$/.exec(tag);
    if (a) {
      const name = a[1]!.toLowerCase();
      const valueBefore = a[2] ?? a[3] ?? a[4] ?? '';
      if (URL_ATTRS.has(name) && valueBefore.trim() === '') return 'url-attr';
      return a[2] !== undefined ? 'attr-double' : a[3] !== undefined ? 'attr-single' : 'attr-unquoted';
    }
    return 'attr-unquoted';
  }
  return 'html';
}

/** Every context a marker is reflected in (distinct, in page order). */
export function reflectionContexts(html: string, marker: string): ReflectionContext[] {
  const out: ReflectionContext[] = [];
  let i = html.indexOf(marker);
  while (i >= 0 && out.length < 8) {
    const c = contextAt(html, i);
    if (!out.includes(c)) out.push(c);
    i = html.indexOf(marker, i + marker.length);
  }
  return out;
}

/**
 * Payloads for a context that call `__lrx(n)` when they run: the first breaks out of the context
 * into markup, the second stays inside it (an event handler, a string break-out).
 */
export function payloadsFor(context: ReflectionContext, n: number): string[] {
  const call = `__lrx(${n})`;
  const markup = `"'--></textarea></title></style></noscript></script><svg onload=${call}>`;
  switch (context) {
    case 'html':
    case 'rcdata':
    case 'comment':
      return [markup];
    case 'attr-double':
      return [markup, `" autofocus tabindex=1 onfocus=${call} x="`];
    case 'attr-single':
      return [markup, `' autofocus tabindex=1 onfocus=${call} x='`];
    case 'attr-unquoted':
      return [markup, `x autofocus tabindex=1 onfocus=${call} `];
    case 'url-attr':
      return [`javascript:${call}`, markup];
    case 'script-single':
      return [`';${call};//`, `</script><svg onload=${call}>`];
    case 'script-double':
      return [`";${call};//`, `</script><svg onload=${call}>`];
    case 'script-template':
      return ['${' + call + '}', `</script><svg onload=${call}>`];
    case 'script-code':
      return [`;${call};//`, `</script><svg onload=${call}>`];
  }
}

/** Parameter names whose value is where the app sends the browser next. */
export const REDIRECT_PARAM = /^(?:url|uri|next|redirect|redirect_?ur[il]|redirect_?to|redirectTo|return|return_?to|returnTo|return_?url|returnUrl|continue|dest|destination|goto|go|target|to|forward|callback|callback_?url|r|u|back|success_?url|cancel_?url|ref)$/i;

/** A value that is itself a place (a path or URL): a redirect parameter even under another name. */
export function looksLikeDestination(value: string): boolean {
  return /^(?:https?:)?\/\//i.test(value) || /^\/(?!\/)[\w\-./%~]*$/.test(value);
}
