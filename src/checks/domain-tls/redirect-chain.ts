import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { CheckContext } from '../../engine/context.js';
import type { HttpExchange } from '../../net/http.js';
import { endsInRedirect, hopsText, isTlsError, MAX_REDIRECTS, redirectProbesGatherer } from './redirect-probes.js';

/** Hops a visitor may wait through before the page: http→https and apex↔www. */
export const MAX_CHAIN = 2;

function judge(host: string, ex: HttpExchange, ctx: CheckContext): FindingDraft[] {
  const location = { domain: host, url: ex.request.url };
  const evidence = { ...ctx.evidence.exchange(ex, { bodyLimit: 0, headers: (n) => n === 'location' }), notes: hopsText(ex) };
  const urls = [ex.request.url, ...ex.redirects.map((h) => h.location)];
  const repeated = urls.find((u, i) => urls.indexOf(u) !== i);
  if (repeated || (endsInRedirect(ex) && ex.redirects.length >= MAX_REDIRECTS)) {
    return [
      {
        status: 'fail',
        severity: 'high',
        title: repeated ? `${ex.request.url} redirects in a loop (back to ${repeated}): the page never loads` : `${ex.request.url} is still redirecting after ${MAX_REDIRECTS} hops: the page never loads`,
        location,
        evidence,
        fix: 'Make one place decide the redirect: a loop usually means the app redirects to HTTPS while a proxy/CDN talks HTTP to it (set `X-Forwarded-Proto` and trust it — e.g. Express `app.set("trust proxy", 1)`, Django `SECURE_PROXY_SSL_HEADER`, Rails `config.assume_ssl`; Cloudflare SSL mode "Full (strict)", not "Flexible"), or two rules send www and the apex to each other.',
        discriminator: 'loop',
      },
    ];
  }
  if (ex.error && ex.redirects.length > 0) {
    if (isTlsError(ex.error.code))
      return [{ status: 'skip', location, evidence, reason: `the redirect target's certificate is rejected (${ex.error.code}); the TLS checks judge it` }];
    const last = ex.redirects[ex.redirects.length - 1]!.location;
    return [
      {
        status: 'fail',
        severity: 'high',
        title: `${ex.request.url} redirects to ${last}, which does not answer (${ex.error.code})`,
        location,
        evidence,
        fix: `Point the redirect at a URL that is served, or serve ${new URL(last).host}.`,
        discriminator: 'dead-end',
      },
    ];
  }
  if (!ex.response) return [{ status: 'skip', location, reason: `${ex.request.url} did not answer (${ex.error?.code ?? 'no response'}); the redirect and TLS checks report it` }];
  if (ex.redirects.length > MAX_CHAIN) {
    return [
      {
        status: 'fail',
        severity: 'low',
        title: `${ex.request.url} takes ${ex.redirects.length} redirects to reach the page (at most ${MAX_CHAIN})`,
        location,
        evidence,
        fix: 'Redirect straight to the final URL: `return 301 https://example.com$request_uri;` in every server block that is not canonical, instead of chaining http→https→www→path.',
        discriminator: 'length',
      },
    ];
  }
  return [{ status: 'pass', location, evidence }];
}

export const redirectChain = defineCheck({
  meta: {
    id: 'domain-tls/redirect-chain',
    area: 'domain-tls',
    severity: 'high',
    title: 'Redirects end, without loops, in at most two hops',
    why: 'Every hop costs a round trip before the first byte of the page; a loop makes the site unreachable ("too many redirects").',
    breaks: 'A loop takes the site down for everyone; a long chain slows every first visit and drops link equity.',
    fix: 'Redirect each non-canonical URL straight to its final https:// URL, in one place (app or proxy, not both).',
    references: ['RFC 9110 §15.4', 'https://web.dev/articles/redirects'],
    publicOnly: true,
  },
  requires: { probes: redirectProbesGatherer },
  run({ probes }, ctx) {
    return probes.flatMap((p) => [...judge(p.host, p.http, ctx), ...judge(p.host, p.https, ctx)]);
  },
});
