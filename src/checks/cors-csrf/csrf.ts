import { csrfProbeGatherer, type CsrfSessionEvidence } from '../../abuse/csrf-probe.js';
import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { CheckContext } from '../../engine/context.js';

const ok = (status?: number): boolean => status !== undefined && status >= 200 && status < 300;

function judgeSession(ev: CsrfSessionEvidence, foreign: string, ctx: CheckContext): FindingDraft[] {
  const here = { url: ctx.target.baseUrl?.href ?? '', detail: `identity ${ev.identity}` };
  const none = ev.cookies.filter((c) => c.sameSite === 'none');
  const unset = ev.cookies.filter((c) => c.sameSite === undefined);
  const cookieWords = ev.cookies.map((c) => `${c.name} (SameSite=${c.sameSite ?? 'not set'})`).join(', ');
  const forged = ev.attempts.find((a) => ok(a.attack.response?.status));
  if (forged) {
    const exposed = none.length > 0 || unset.length > 0;
    return [
      {
        status: 'fail',
        severity: exposed ? 'high' : 'medium',
        title: `Cookie-authenticated ${forged.write} succeeds without a CSRF token from a cross-site Origin (${ev.identity}${none.length ? ', session cookie SameSite=None' : unset.length ? ', session cookie without SameSite' : ''})`,
        location: { url: forged.attack.request.url, method: forged.attack.request.method, detail: `identity ${ev.identity}` },
        discriminator: 'forged-write',
        evidence: {
          ...ctx.evidence.exchange(forged.attack, { bodyLimit: 300 }),
          notes: [
            `the request carried only the session cookie, Origin: ${foreign} and a Referer on that site — no CSRF token — and answered HTTP ${forged.attack.response!.status}`,
            forged.kind === 'profile-update' ? 'harmless by construction: it set the profile to the value it already had' : `a throw-away object, deleted afterwards (${forged.cleanup.map((c) => `DELETE → ${c.response?.status ?? c.error?.code}`).join(', ') || 'no id to delete'})`,
            `session cookies: ${cookieWords}`,
            exposed ? 'browsers attach this cookie to requests from other sites, so any page a logged-in user visits can send this write' : 'SameSite=Lax/Strict keeps most browsers from sending the cookie cross-site today; the server itself does not check where writes come from',
          ],
        },
      },
    ];
  }
  const defended = ev.attempts.find((a) => !ok(a.attack.response?.status) && ok(a.control?.response?.status));
  if (defended) {
    return [
      {
        status: 'pass',
        title: `${defended.write} refuses a forged cross-site write (HTTP ${defended.attack.response?.status}) and accepts the app's own (${ev.identity})`,
        location: { url: defended.attack.request.url, method: defended.attack.request.method, detail: `identity ${ev.identity}` },
        discriminator: 'forged-write',
        evidence: { ...ctx.evidence.exchange(defended.attack, { bodyLimit: 200 }), notes: [`session cookies: ${cookieWords}`] },
      },
    ];
  }
  if (none.length && !ev.tokenIssued) {
    return [
      {
        status: 'fail',
        severity: 'high',
        title: `Session cookie ${none.map((c) => c.name).join(', ')} is SameSite=None and the app issues no CSRF token (${ev.identity})`,
        location: here,
        discriminator: 'samesite-none',
        evidence: { notes: [`session cookies: ${cookieWords}`, 'no write could be tried harmlessly, so the server-side defence is unproven; with SameSite=None every site can make the browser send this cookie'] },
      },
    ];
  }
  const reason =
    ev.notTested ??
    (ev.attempts.length
      ? `no write was conclusive: ${ev.attempts.map((a) => `${a.write} → forged ${a.attack.response?.status ?? a.attack.error?.code}, with token ${a.control?.response?.status ?? a.control?.error?.code ?? 'not sent'}`).join('; ')}`
      : 'the identity\'s profile could not be read to build a harmless update');
  return [{ status: 'skip', location: here, discriminator: 'forged-write', reason }];
}

export const csrfProtection = defineCheck({
  meta: {
    id: 'cors-csrf/csrf',
    area: 'cors-csrf',
    severity: 'high',
    title: 'Cookie-authenticated writes need a CSRF defence',
    why: 'A browser attaches your session cookie to requests that other websites trigger. Unless the server demands a token (or checks Origin) on every write, any page your user visits can act as them.',
    breaks: 'A malicious page changes the victim\'s email or password, creates or deletes records, or sends invites in their name while they are logged in elsewhere.',
    fix: 'Require a CSRF token on every state-changing request of a cookie session (synchronizer token or double-submit cookie echoed in a header such as X-CSRF-Token) and reject requests whose Origin is not yours; set session cookies SameSite=Lax or Strict, never None unless a token is enforced.',
    references: ['OWASP ASVS 4.2.2', 'CWE-352', 'https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html'],
  },
  requires: { csrf: csrfProbeGatherer },
  run({ csrf }, ctx) {
    return csrf.sessions.flatMap((s) => judgeSession(s, csrf.foreignOrigin, ctx));
  },
});
