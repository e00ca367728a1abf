import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { domXssGatherer, type DomPageResult, type DomProbe, type DomSource } from '../../probes/xss/dom.js';

const CODE_SINKS = /^(eval|Function|setTimeout\(string\)|setInterval\(string\))$/;

export function sourceText(s: DomSource): string {
  return s.kind === 'query' ? `the URL parameter "${s.name}"` : s.kind === 'hash' ? 'the URL fragment (#…)' : `a postMessage from another origin (${s.shape})`;
}

function sourceKey(s: DomSource): string {
  return s.kind === 'query' ? `query:${s.name}` : s.kind === 'hash' ? 'hash' : 'postMessage';
}

interface Verdict {
  probe: DomProbe;
  status: 'fail' | 'warn';
  sink: string;
  executed: boolean;
  stack: string;
  value?: string;
}

/** One verdict per page and source: executed beats a code sink reached beats an HTML sink reached unsanitized. */
export function judgeDomPage(r: DomPageResult): Verdict[] {
  const bySource = new Map<string, Verdict>();
  const put = (v: Verdict, rank: number): void => {
    const k = sourceKey(v.probe.source);
    const prev = bySource.get(k) as (Verdict & { rank?: number }) | undefined;
    if (!prev || (prev.rank ?? 0) < rank) bySource.set(k, Object.assign(v, { rank }));
  };
  for (const e of r.executed) {
    const sink = r.sinks.find((s) => s.probe.n === e.probe.n);
    const locationSink = e.probe.payload.startsWith('javascript:') && !sink;
    put({ probe: e.probe, status: 'fail', sink: sink?.sink ?? (locationSink ? 'location (navigation to a javascript: URL)' : 'unknown sink'), executed: true, stack: sink?.stack || e.stack, ...(sink ? { value: sink.value } : {}) }, 3);
  }
  for (const s of r.sinks) {
    if (CODE_SINKS.test(s.sink)) put({ probe: s.probe, status: 'fail', sink: s.sink, executed: false, stack: s.stack, value: s.value }, 2);
    else if (s.value.includes(`onerror=__lrx(${s.probe.n})`)) put({ probe: s.probe, status: 'warn', sink: s.sink, executed: false, stack: s.stack, value: s.value }, 1);
  }
  return [...bySource.values()];
}

export const domXss = defineCheck({
  meta: {
    id: 'input-validation/dom-xss',
    area: 'input-validation',
    severity: 'high',
    title: 'Page scripts do not write URL or message data into HTML or code (DOM XSS)',
    why: 'Script that copies the URL, the fragment or a postMessage into innerHTML, document.write, eval or location runs an attacker\'s code — and the server never sees it, so server-side escaping does not help.',
    breaks: 'A crafted link (or any site that frames or opens yours) runs script as the signed-in user: reads their data, acts for them, steals tokens kept in localStorage.',
    fix: 'Write untrusted values with textContent / setAttribute (never innerHTML, insertAdjacentHTML or document.write), sanitise HTML with DOMPurify when markup is needed, never pass strings to eval, Function or setTimeout, allow only same-site paths for navigation, and check event.origin in message listeners. Trusted Types (require-trusted-types-for \'script\') enforces this.',
    references: ['OWASP ASVS 5.3.3', 'CWE-79', 'https://cheatsheetseries.owasp.org/cheatsheets/DOM_based_XSS_Prevention_Cheat_Sheet.html'],
  },
  requires: { probe: domXssGatherer },
  run({ probe }, ctx) {
    const out: FindingDraft[] = [];
    for (const page of probe.pages) {
      for (const v of judgeDomPage(page)) {
        const path = new URL(page.url).pathname;
        out.push({
          status: v.status,
          ...(v.status === 'warn' ? { severity: 'medium' as const } : {}),
          title: v.executed
            ? `DOM XSS on ${path}: ${sourceText(v.probe.source)} reaches ${v.sink} and runs`
            : v.status === 'fail'
              ? `DOM XSS on ${path}: ${sourceText(v.probe.source)} reaches ${v.sink}`
              : `${sourceText(v.probe.source)} reaches ${v.sink} on ${path} unsanitised (the payload did not run)`,
          location: { url: page.url, detail: sourceKey(v.probe.source) },
          discriminator: `${path} ${sourceKey(v.probe.source)} ${v.sink}`,
          evidence: {
            request: v.probe.source.kind === 'postMessage' ? `open ${page.url} in a frame of another origin and post: ${JSON.stringify(v.probe.payload)}` : `open ${page.url} with ${sourceText(v.probe.source)} = ${JSON.stringify(v.probe.payload)}`,
            notes: [
              v.executed ? `Proof: the payload ran in Chromium — it called __lrx(${v.probe.n}), the run's marker function.` : `The marker reached ${v.sink}${v.status === 'fail' ? ', which evaluates its argument as code' : ' with its markup intact'}.`,
              ...(v.value ? [`${v.sink} was called with: ${v.value.slice(0, 200)}`] : []),
              `Stack: ${v.stack.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 5).join(' | ') || '(navigation)'}`,
              ...(page.identity ? [`Loaded as ${page.identity}.`] : []),
            ],
          },
        });
      }
    }
    const tested = probe.pages.filter((p) => p.probes.length > 0);
    if (out.length === 0 && tested.length > 0) {
      out.push({ status: 'pass', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {}, evidence: { notes: tested.map((p) => `${new URL(p.url).pathname}: ${p.probes.length} markers through ${p.paramReads.length ? `the parameters it reads (${p.paramReads.join(', ')})` : 'no parameter it reads'}, the fragment${p.messageListener ? ' and postMessage' : ''}; no sink got one unsanitised`) } });
    }
    const broken = probe.pages.filter((p) => p.probes.length === 0 && p.errors.length).map((p) => `${p.url}: ${p.errors[0]}`);
    const notTested = [...probe.notTested, ...broken];
    if (notTested.length) out.push({ status: 'skip', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href, detail: 'not tested' } : { detail: 'not tested' }, discriminator: 'not-tested', reason: `${notTested.length} page(s) not tested for DOM XSS: ${notTested.slice(0, 6).join('; ')}` });
    return out;
  },
});
