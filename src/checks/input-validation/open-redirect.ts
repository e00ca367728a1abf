import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { openRedirectGatherer, redirectTarget, type RedirectAttempt } from '../../probes/redirect/open-redirect.js';

/** The attempt that sent the browser to another host, judged from Location alone. */
export function escapingAttempt(attempts: RedirectAttempt[], targetHost: string, trusted: readonly string[]): { attempt: RedirectAttempt; to: URL } | undefined {
  const trustedHosts = new Set(trusted.map((o) => {
    try {
      return new URL(o).hostname;
    } catch {
      return o;
    }
  }));
  for (const a of attempts) {
    const res = a.exchange.response;
    if (!res || res.status < 300 || res.status >= 400) continue;
    const to = redirectTarget(res.headers['location'], a.exchange.request.url);
    if (to && /^https?:$/.test(to.protocol) && to.hostname !== targetHost && !trustedHosts.has(to.hostname)) return { attempt: a, to };
  }
  return undefined;
}

export const openRedirect = defineCheck({
  meta: {
    id: 'input-validation/open-redirect',
    area: 'input-validation',
    severity: 'medium',
    title: 'Redirect parameters only send users to the app\'s own pages (no open redirect)',
    why: 'A redirect that follows any URL in a parameter turns the app\'s trusted domain into a launch pad: phishing links start on your domain, and OAuth or magic-link flows that redirect with a token hand it to the attacker.',
    breaks: 'Attackers send users a link on your domain that lands on their look-alike login page; tokens in redirects leak to their server.',
    fix: 'Accept only relative paths that start with a single "/" (reject "//", "/\\" and anything with a scheme), or look the destination up in an allow-list of hosts; fall back to a fixed page.',
    references: ['OWASP ASVS 5.1.5', 'CWE-601', 'https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html'],
  },
  requires: { probe: openRedirectGatherer },
  run({ probe }, ctx) {
    const host = ctx.target.baseUrl?.hostname ?? '';
    const out: FindingDraft[] = [];
    for (const r of probe.results) {
      const hit = escapingAttempt(r.attempts, host, ctx.config.trustedOrigins);
      if (!hit) continue;
      const c = r.candidate;
      const param = c.param.replace(/^form:/, '');
      const login = c.method === 'POST' && c.identity;
      out.push({
        status: 'fail',
        ...(login ? { severity: 'high' as const } : {}),
        title: `Open redirect: ${c.method} ${new URL(c.url).pathname} sends the browser to ${hit.to.host} via "${param}"${login ? ' after login' : ''}`,
        location: { url: new URL(new URL(c.url).pathname, c.url).href, method: c.method, detail: param },
        discriminator: `${c.method} ${new URL(c.url).pathname} ${param}`,
        evidence: {
          ...ctx.evidence.exchange(hit.attempt.exchange, { bodyLimit: 0 }),
          notes: [
            `With ${param}=${hit.attempt.variant} the response is HTTP ${hit.attempt.exchange.response!.status} with Location: ${hit.attempt.exchange.response!.headers['location']}, which a browser resolves to ${hit.to.href} — another host. The redirect was not followed.`,
            ...(login ? [`Sent as a fresh login of ${c.identity}: a user signing in through a crafted link lands on the attacker's page, which can pose as "session expired, sign in again".`] : []),
            `Found on ${c.foundOn}.`,
          ],
        },
      });
    }
    const tested = probe.results.length;
    if (out.length === 0 && tested > 0) out.push({ status: 'pass', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {}, evidence: { notes: [`${tested} redirect parameter(s) given ${probe.results[0]!.attempts.length} external destinations each; none left the site: ${probe.results.map((r) => `${r.candidate.method} ${new URL(r.candidate.url).pathname} ${r.candidate.param}`).join('; ')}`] } });
    if (probe.skipped.length) out.push({ status: 'skip', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href, detail: 'not tested' } : { detail: 'not tested' }, discriminator: 'not-tested', reason: `${probe.skipped.length} redirect parameter(s) not tested: ${probe.skipped.slice(0, 8).map((s) => `${new URL(s.candidate.url).pathname} ${s.candidate.param} (${s.reason})`).join('; ')}` });
    if (tested === 0 && probe.skipped.length === 0) return [{ status: 'skip', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {}, reason: 'no link or form on the pages one click deep carries a redirect parameter (?next=, ?url=, returnTo …)' }];
    return out;
  },
});
