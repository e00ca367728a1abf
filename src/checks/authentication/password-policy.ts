import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { passwordPolicyGatherer } from '../../probes/authentication/password-policy.js';

export const passwordPolicy = defineCheck({
  meta: {
    id: 'authentication/password-policy',
    area: 'authentication',
    severity: 'medium',
    title: 'Sign-up and password change refuse trivial passwords; a change asks for the current one',
    why: 'Accounts with "password" or "123456" fall to the first credential-stuffing list; a password change that does not ask for the current password lets anyone with a moment at an unlocked session (or a stolen cookie) lock the owner out.',
    breaks: 'Users pick guessable passwords and lose their accounts to automated guessing; a hijacked session becomes a permanent takeover.',
    fix: 'Require at least 8 (better 12) characters, reject passwords from a breached or common-password list (e.g. the HIBP range API or zxcvbn), check it on sign-up, reset and change alike, and require the current password (or a fresh re-authentication) to change it.',
    references: ['OWASP ASVS 2.1.1', 'OWASP ASVS 2.1.7', 'OWASP ASVS 2.1.5', 'NIST SP 800-63B §5.1.1.2', 'CWE-521', 'CWE-620'],
  },
  requires: { probe: passwordPolicyGatherer },
  run({ probe }, ctx) {
    const base = ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {};
    const out: FindingDraft[] = [];
    for (const flow of ['signup', 'change'] as const) {
      const tried = probe.attempts.filter((a) => a.flow === flow);
      const accepted = tried.filter((a) => a.accepted);
      if (accepted.length === 0) continue;
      const first = accepted[0]!;
      out.push({
        status: 'fail',
        title: `${flow === 'signup' ? 'Sign-up' : 'Password change'} accepts ${accepted.map((a) => a.label).join(', ')}`,
        location: { ...base, detail: `${flow} password policy` },
        discriminator: flow,
        evidence: {
          ...ctx.evidence.exchange(first.exchange, { bodyLimit: 200 }),
          notes: [
            ...accepted.map((a) => `${a.label} ("${a.password}") was accepted (${a.exchange.response?.status})${a.proven ? ' and logging in with it worked' : ''}.`),
            ...tried.filter((a) => !a.accepted).map((a) => `${a.label} was refused (${a.exchange.response?.status ?? a.exchange.error?.code}).`),
            'Only throw-away accounts created by this run were used.',
          ],
        },
      });
    }
    const cp = probe.currentPassword;
    if (cp && !cp.required) {
      out.push({
        status: 'fail',
        title: 'A password change does not ask for the current password',
        location: { ...base, detail: 'password change' },
        discriminator: 'current-password',
        evidence: { ...ctx.evidence.exchange(cp.exchange, { bodyLimit: 200 }), notes: ['The change was sent with a new password and no current password; it was accepted and logging in with the new password worked (a throw-away account of this run).'] },
      });
    }
    if (out.length === 0 && probe.attempts.length > 0) {
      out.push({ status: 'pass', location: base, evidence: { notes: [`Refused: ${probe.attempts.map((a) => `${a.flow} with ${a.label}`).join('; ')}${cp ? '; a change without the current password was refused' : ''}.`] } });
    }
    if (probe.notTested.length) out.push({ status: 'skip', location: { ...base, detail: 'not tested' }, discriminator: 'not-tested', reason: probe.notTested.join('; ') });
    return out;
  },
});
