import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { Severity } from '../../model/severity.js';
import { tokenQualityGatherer, type TokenKindResult } from '../../probes/authentication/token-quality.js';

const KIND_WORDS: Record<TokenKindResult['kind'], string> = { reset: 'Password-reset', verification: 'Email-verification', invite: 'Invite', 'magic-link': 'Magic-link' };

/** Reasons a kind of token is weak, worst first, with the severity they carry. */
export function tokenProblems(r: TokenKindResult): Array<{ why: string; severity: Severity }> {
  const out: Array<{ why: string; severity: Severity }> = [];
  const v = r.verdicts;
  if (r.derived) out.push({ why: `the token is ${r.derived} — anyone who knows the address computes it`, severity: 'critical' });
  if (v?.identical) out.push({ why: `${v.identical}: the token does not change, so an old link stays a key`, severity: 'high' });
  if (v?.sequential) out.push({ why: `the tokens are sequential (${v.sequential}): the next one is guessable`, severity: 'high' });
  if (v?.timeBased) out.push({ why: `the token ${v.timeBased}: guessable from when it was requested`, severity: 'high' });
  if (v && !v.identical && v.bits < 128) out.push({ why: `only about ${v.bits} bits of randomness (${v.length} characters of ${v.alphabet}${v.sharedPart ? `; ${v.sharedPart}` : ''}): 128 are needed`, severity: v.bits < 64 ? 'high' : 'medium' });
  if (r.olderStillValid) out.push({ why: `an older token still works after a newer one was issued: ${r.olderStillValid.detail}`, severity: 'high' });
  return out;
}

const ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export const tokenQuality = defineCheck({
  meta: {
    id: 'authentication/token-quality',
    area: 'authentication',
    severity: 'high',
    title: 'Reset, invite, magic-link and verification tokens are random, long and single-generation',
    why: 'These links log people in or change their password. If a token can be computed (a hash of the email, a timestamp, a counter) or is short, an attacker requests one for a victim and guesses it — no email access needed.',
    breaks: 'Account takeover of any user whose email address is known: reset their password, accept their invite, or sign in through their magic link.',
    fix: 'Make each token 32 random bytes from a CSPRNG (`crypto.randomBytes(32).toString("base64url")`), store only its hash, give it a short expiry, void it on use and void older ones when a new one is issued.',
    references: ['OWASP ASVS 2.5.1', 'OWASP ASVS 2.3.1', 'CWE-330', 'CWE-640', 'https://cheatsheetseries.owasp.org/cheatsheets/Forgot_Password_Cheat_Sheet.html'],
  },
  requires: { probe: tokenQualityGatherer },
  run({ probe }, ctx) {
    const base = ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {};
    const out: FindingDraft[] = [];
    const passed: string[] = [];
    const skipped: string[] = [];
    for (const r of probe.kinds) {
      const problems = tokenProblems(r);
      if (problems.length === 0) {
        if (r.verdicts) passed.push(`${r.kind}: ${r.count} tokens, about ${r.verdicts.bits} bits each, not derived from the account, no sequence or timestamp${r.olderRefused ? `; older token after a newer one: ${r.olderRefused}` : ''}`);
        else skipped.push(`${r.kind}: ${r.notTested ?? 'no tokens collected'}`);
        continue;
      }
      const severity = ORDER.find((s) => problems.some((p) => p.severity === s))!;
      const last = r.olderStillValid?.exchange ?? r.steps.at(-1)?.exchange;
      out.push({
        status: 'fail',
        severity,
        title: `${KIND_WORDS[r.kind]} tokens are predictable or reusable: ${problems[0]!.why.split(':')[0]}`,
        location: { ...base, detail: `${r.kind} tokens` },
        discriminator: r.kind,
        evidence: {
          ...(last ? ctx.evidence.exchange(last, { bodyLimit: 200 }) : {}),
          notes: [
            ...problems.map((p) => `${p.severity}: ${p.why}.`),
            `${r.count} ${r.kind} token(s) of the run's throw-away accounts were examined (values withheld). Steps: ${r.steps.map((s) => s.label).join('; ')}.`,
          ],
        },
      });
    }
    if (out.length === 0 && passed.length) out.push({ status: 'pass', location: base, evidence: { notes: passed } });
    if (skipped.length) out.push({ status: 'skip', location: { ...base, detail: 'not tested' }, discriminator: 'not-tested', reason: skipped.join('; ') });
    if (out.length === 0) return [{ status: 'skip', location: base, reason: 'no one-time token flow (endpoints.passwordReset, endpoints.invite, endpoints.magicLink, or a verification email on sign-up) produced tokens' }];
    return out;
  },
});
