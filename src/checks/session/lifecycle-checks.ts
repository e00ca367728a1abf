import { defineCheck, type CheckMeta, type FindingDraft } from '../../engine/check.js';
import type { CheckContext } from '../../engine/context.js';
import type { Evidence } from '../../model/finding.js';
import { sessionLifecycleGatherer, type LifecycleResult, type LifecycleTest } from '../../probes/session/lifecycle.js';

/** Every step of a flow as one piece of evidence; the last request is the one to reproduce. */
function stepsEvidence(ctx: CheckContext, r: LifecycleResult): Evidence {
  const parts = r.steps.map((s) => ({ label: s.label, ev: ctx.evidence.exchange(s.exchange, { bodyLimit: 240 }) }));
  const last = parts.at(-1)?.ev;
  return {
    request: parts.map((p) => `# ${p.label}\n${p.ev.request ?? ''}`).join('\n\n'),
    response: parts.map((p) => `# ${p.label}\n${p.ev.response ?? ''}`).join('\n\n'),
    ...(last?.reproduce ? { reproduce: last.reproduce } : {}),
    notes: [r.detail],
  };
}

function lifecycleCheck(test: LifecycleTest, meta: CheckMeta, title: (r: LifecycleResult) => string) {
  return defineCheck({
    meta,
    requires: { lifecycle: sessionLifecycleGatherer },
    run({ lifecycle }, ctx) {
      const mine = lifecycle.results.filter((r) => r.test === test);
      const here = ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {};
      if (mine.length === 0) return [{ status: 'skip', location: here, reason: 'not attempted' }];
      const out: FindingDraft[] = [];
      for (const r of mine) {
        const last = r.steps.at(-1)?.exchange;
        const location = last ? { url: last.request.url.split('?')[0]!, method: last.request.method, ...(r.identity ? { detail: `identity ${r.identity}` } : {}) } : { ...here, ...(r.identity ? { detail: `identity ${r.identity}` } : {}) };
        if (r.outcome === 'vulnerable') out.push({ status: 'fail', title: title(r), location, evidence: stepsEvidence(ctx, r), discriminator: r.identity ?? test });
        else if (r.outcome === 'not-tested') out.push({ status: 'skip', location: { ...here, ...(r.identity ? { detail: `identity ${r.identity}` } : {}) }, reason: r.detail, discriminator: r.identity ?? test });
        else out.push({ status: 'pass', location, discriminator: r.identity ?? test, evidence: { notes: [r.detail] } });
      }
      return out;
    },
  });
}

export const sessionAfterLogout = lifecycleCheck(
  'after-logout',
  {
    id: 'session/after-logout',
    area: 'session',
    severity: 'high',
    title: 'Logout ends the session on the server',
    why: 'Logout must revoke the session or token on the server; clearing the browser cookie leaves every copied token working.',
    breaks: 'A token or cookie copied from a shared computer, a proxy log or a stolen laptop keeps working after the user logged out.',
    fix: 'On logout delete the server-side session, and keep a deny-list (or short expiry plus refresh-token revocation) for JWTs.',
    references: ['OWASP ASVS 3.3.1', 'OWASP API2:2023', 'CWE-613'],
  },
  (r) => `${r.identity}'s session still works after logout`,
);

export const sessionFixation = lifecycleCheck(
  'fixation',
  {
    id: 'session/fixation',
    area: 'session',
    severity: 'high',
    title: 'Login issues a new session id',
    why: 'If the session id from before login stays valid after it, whoever planted that id (a shared kiosk, a crafted link) shares the victim\'s login.',
    breaks: 'An attacker who set the session cookie before the victim signed in is signed in as the victim.',
    fix: 'Regenerate the session id on login (e.g. `req.session.regenerate()` in express-session, `session.cycle_key()` in Django) and ignore ids the server never issued.',
    references: ['OWASP ASVS 3.2.1', 'CWE-384'],
  },
  (r) => `Session fixation: the pre-login session id stays valid after ${r.identity} logs in`,
);

export const sessionAfterPasswordChange = lifecycleCheck(
  'password-change',
  {
    id: 'session/password-change',
    area: 'session',
    severity: 'medium',
    title: 'A password change ends the account\'s other sessions',
    why: 'Changing the password is how a user locks out someone who learnt it; their sessions must end too.',
    breaks: 'An attacker who logged in with a stolen password stays logged in after the victim changes it.',
    fix: 'On password change (and reset) revoke every other session and token of the account; keep only the one that made the change.',
    references: ['OWASP ASVS 3.3.3', 'CWE-613'],
  },
  () => 'Other sessions survive a password change',
);

export const resetTokenReuse = lifecycleCheck(
  'reset-reuse',
  {
    id: 'session/reset-token-reuse',
    area: 'session',
    severity: 'high',
    title: 'Password-reset links work once',
    why: 'Reset links sit in inboxes, browser histories and proxy logs; a link that works twice is a standing key to the account.',
    breaks: 'Anyone who later finds a used reset link can set the password again and take the account over.',
    fix: 'Store a hash of the reset token, mark it used in the same transaction that changes the password, and expire it within an hour.',
    references: ['OWASP ASVS 2.5.1', 'OWASP Forgot Password Cheat Sheet', 'CWE-640'],
  },
  () => 'A password-reset link can be used again',
);

export const inviteTokenReuse = lifecycleCheck(
  'invite-reuse',
  {
    id: 'session/invite-token-reuse',
    area: 'session',
    severity: 'high',
    title: 'Invite links work once',
    why: 'An invite link that can be accepted again lets whoever holds it (a forwarded email, a chat log) reset the invited account.',
    breaks: 'Account takeover of invited users through old invite links.',
    fix: 'Mark the invite accepted in the same transaction that creates the account; refuse accepted or expired invites.',
    references: ['OWASP ASVS 2.5.1', 'CWE-640'],
  },
  () => 'An invite link can be accepted again',
);
