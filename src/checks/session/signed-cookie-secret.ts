import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { signedCookiesGatherer } from '../../probes/session/signed-cookie-gatherer.js';

export const signedCookieSecret = defineCheck({
  meta: {
    id: 'session/signed-cookie-secret',
    area: 'session',
    severity: 'critical',
    title: 'Session cookies are not signed with a default or guessable secret',
    why: 'express-session, Flask, Django, Rails and Laravel sign (or encrypt) the session cookie with one app secret. Tutorial and scaffolding secrets ("keyboard cat", "dev", "changeme") are the first thing an attacker tries, offline, against one cookie.',
    breaks: 'Whoever knows the secret signs their own cookies: with client-side sessions (Flask, Django signed_cookies, Rails, Laravel) they become any user; with server-side sessions they can plant session ids and bypass cookie integrity checks.',
    fix: 'Generate a random secret of at least 32 bytes (`openssl rand -hex 32`), load it from the environment or a secret manager, never commit it, and rotate the current one now (which signs everyone out).',
    references: ['OWASP ASVS 3.5.3', 'OWASP ASVS 6.4.1', 'CWE-1392', 'CWE-321'],
  },
  requires: { cookies: signedCookiesGatherer },
  run({ cookies }, ctx) {
    const base = ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {};
    if (cookies.results.length === 0) return [{ status: 'skip', location: base, reason: `no cookie is in a known signed format (express-session, Flask, Django, Rails, Laravel); cookies seen: ${cookies.seen.join(', ')}` }];
    const out: FindingDraft[] = [];
    const byName = new Map<string, typeof cookies.results>();
    for (const r of cookies.results) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
    for (const [name, list] of byName) {
      const cracked = list.find((r) => r.secret);
      if (!cracked) continue;
      const s = cracked.secret!;
      const ex = cracked.exchange ? ctx.evidence.exchange(cracked.exchange, { bodyLimit: 0 }) : {};
      out.push({
        status: 'fail',
        title: `The ${name} cookie is signed with a guessable secret (${cracked.format})`,
        location: { ...base, detail: `cookie ${name}` },
        discriminator: name,
        evidence: {
          ...ex,
          value: s,
          notes: [
            `Scheme: ${cracked.scheme}.`,
            `Proof: recomputing the signature of the cookie from ${cracked.source} (${cracked.cookie.length} chars, sha256 ${cracked.cookie.sha256.slice(0, 12)}…) with a dictionary secret of ${s.length} characters (prefix "${s.prefix}", sha256 ${s.sha256.slice(0, 12)}…) gives exactly the signature the server set; found after ${cracked.tried} guesses, offline, with no request sent.`,
          ],
        },
      });
    }
    const untried = [...byName.keys()].filter((n) => !out.some((f) => f.discriminator === n));
    if (out.length === 0) return [{ status: 'pass', location: base, evidence: { notes: [`${untried.join(', ')}: signed, and no dictionary secret (${cookies.results[0]!.tried} tried) verifies the signature`] } }];
    return out;
  },
});
