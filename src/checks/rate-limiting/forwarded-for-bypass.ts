import { burstGatherer } from '../../abuse/burst.js';
import { HARM } from '../../abuse/harm.js';
import { defineCheck, type FindingDraft } from '../../engine/check.js';

export const forwardedForBypass = defineCheck({
  meta: {
    id: 'rate-limiting/forwarded-for-bypass',
    area: 'rate-limiting',
    severity: 'high',
    title: 'A client cannot reset a rate limit by writing its own X-Forwarded-For',
    why: 'Behind a proxy the app learns the client address from X-Forwarded-For. If it trusts the first (client-written) value, every request can claim a new address and every per-address limit is gone.',
    breaks: 'Brute force and spraying run at full speed with one changed header per request: the login limit you tested by hand does nothing against a script.',
    fix: 'Take the client address from the right-most entry your own proxy appended (e.g. Express `app.set("trust proxy", 1)`, nginx `real_ip_header` with `set_real_ip_from` for your proxies only), never from the left-most value; key per-account limits on the account alone.',
    references: ['OWASP API4:2023', 'CWE-348', 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Forwarded-For#security_and_privacy_concerns'],
    phase: 'last',
    harm: HARM.bursts,
  },
  requires: { bursts: burstGatherer },
  run({ bursts }, ctx) {
    const here = ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {};
    if (!bursts.behindProxy) return [{ status: 'skip', location: here, reason: 'behindProxy is not set in launchready.yml: the X-Forwarded-For bypass is only tried for apps behind a proxy' }];
    const out: FindingDraft[] = [];
    for (const b of bursts.endpoints) {
      const e = b.endpoint;
      const location = { url: new URL(e.path, ctx.target.baseUrl ?? 'http://target.invalid').href, method: e.method };
      for (const run of b.runs) {
        if (!run.xff) continue;
        const notes = [`${run.mode}: throttled after ${run.throttledAt} (${run.signal?.label}); the next request carried X-Forwarded-For: ${run.xff.value}`];
        out.push(
          run.xff.bypassed
            ? {
                status: 'fail',
                title: `${e.method} ${e.path}: a made-up X-Forwarded-For resets the ${run.mode} limit (throttled after ${run.throttledAt}, then answered HTTP ${run.xff.exchange.response?.status} again)`,
                location,
                discriminator: `${e.kind}:${run.mode}`,
                evidence: { ...ctx.evidence.exchange(run.xff.exchange, { bodyLimit: 300 }), notes },
              }
            : { status: 'pass', title: `${e.method} ${e.path}: the ${run.mode} limit holds when X-Forwarded-For changes`, location, discriminator: `${e.kind}:${run.mode}`, evidence: { ...ctx.evidence.exchange(run.xff.exchange, { bodyLimit: 200 }), notes } },
        );
      }
    }
    if (out.length === 0) return [{ status: 'skip', location: here, reason: 'no endpoint throttled within the burst, so there was no limit to try to bypass' }];
    return out;
  },
});
