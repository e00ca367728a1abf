import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { reflectedXssGatherer, type ReflectedResult } from '../../probes/xss/reflected.js';

const CONTEXT_WORDS: Record<string, string> = {
  html: 'the HTML body',
  rcdata: 'a text-only element (textarea, title, style)',
  comment: 'an HTML comment',
  'attr-double': 'a double-quoted attribute',
  'attr-single': 'a single-quoted attribute',
  'attr-unquoted': 'an unquoted attribute',
  'url-attr': 'a URL attribute (href/src/action)',
  'script-single': "a single-quoted string in a script",
  'script-double': 'a double-quoted string in a script',
  'script-template': 'a template literal in a script',
  'script-code': 'script code',
};

function where(r: ReflectedResult): string {
  const c = r.candidate;
  const path = new URL(c.url).pathname;
  if (c.kind === 'path') return 'the URL path';
  return `${c.method} ${path} parameter "${c.param}"${c.kind === 'form-post' ? ' (form field)' : ''}`;
}

export const reflectedXss = defineCheck({
  meta: {
    id: 'input-validation/reflected-xss',
    area: 'input-validation',
    severity: 'high',
    title: 'Parameters reflected in pages cannot run script (reflected XSS)',
    why: 'A page that writes a request parameter into its HTML without encoding runs whatever script a crafted link carries, in the victim\'s session.',
    breaks: 'Anyone who gets a signed-in user to open a link (email, chat, an ad) acts as that user: reads their data, changes their email, steals non-HttpOnly tokens.',
    fix: 'Encode output for its context: let the template engine auto-escape (never `| safe`, `dangerouslySetInnerHTML`, `<%- %>` or `{{{ }}}` on request data); put data into scripts with JSON encoding that escapes `<`; allow only http(s) URLs in href/src; add a Content-Security-Policy without unsafe-inline as a second wall.',
    references: ['OWASP ASVS 5.3.3', 'CWE-79', 'https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html'],
  },
  requires: { probe: reflectedXssGatherer },
  run({ probe }, ctx) {
    const out: FindingDraft[] = [];
    for (const r of probe.results) {
      const hit = r.attempts.find((a) => a.executed);
      if (!hit) continue;
      const canary = ctx.evidence.exchange(r.canary, { bodyLimit: 400 });
      out.push({
        status: 'fail',
        title: `Reflected XSS: ${where(r)} runs script (${CONTEXT_WORDS[hit.context] ?? hit.context})`,
        location: { url: r.candidate.url, method: r.candidate.method, detail: r.candidate.param },
        discriminator: `${r.candidate.method} ${new URL(r.candidate.url).pathname} ${r.candidate.param}`,
        evidence: {
          request: `${r.candidate.method} ${hit.url}${r.candidate.method === 'POST' ? `\n(form field ${r.candidate.param} = ${hit.payload})` : ''}${r.candidate.identity ? `\n(as ${r.candidate.identity})` : ''}`,
          ...(canary.response ? { response: `# a harmless canary first, reflected unencoded in ${r.contexts.map((c) => CONTEXT_WORDS[c] ?? c).join(', ')}\n${canary.response}` } : {}),
          ...(r.candidate.method === 'GET' ? { reproduce: `open in a browser: ${hit.url}` } : canary.reproduce ? { reproduce: canary.reproduce } : {}),
          notes: [
            `Proof: Chromium loaded the page with the payload ${JSON.stringify(hit.payload)} and the payload ran — it called __lrx(${hit.n}), the run's marker function, from:`,
            hit.executed!.stack.split('\n').slice(0, 4).join(' | ') || '(inline handler)',
            `Found on ${r.candidate.foundOn}.`,
          ],
        },
      });
    }
    const reflectedOnly = probe.results.filter((r) => r.contexts.length > 0 && !r.attempts.some((a) => a.executed));
    const tested = probe.results.length;
    if (out.length === 0 && tested > 0) {
      const notes = [`${tested} parameter(s) tested; ${reflectedOnly.length} reflected, all encoded so that no payload ran${reflectedOnly.length ? `: ${reflectedOnly.slice(0, 8).map(where).join('; ')}` : ''}.`];
      out.push({ status: 'pass', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {}, evidence: { notes } });
    }
    const broken = probe.results.filter((r) => r.contexts.length > 0 && r.attempts.length > 0 && r.attempts.every((a) => a.error && !a.executed));
    const notTested = [...probe.skipped.map((s) => `${s.candidate.method} ${new URL(s.candidate.url).pathname} ${s.candidate.param}: ${s.reason}`), ...broken.map((r) => `${where(r)}: the browser could not load it (${r.attempts[0]!.error})`)];
    if (notTested.length) {
      out.push({ status: 'skip', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href, detail: 'not tested' } : { detail: 'not tested' }, discriminator: 'not-tested', reason: `${notTested.length} parameter(s) not tested for reflected XSS: ${notTested.slice(0, 10).join('; ')}` });
    }
    if (tested === 0 && notTested.length === 0) return [{ status: 'skip', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {}, reason: 'no page parameter to test' }];
    return out;
  },
});
