import { defineGatherer, NotApplicable } from '../../engine/check.js';
import { publicPagesGatherer, type PublicPages } from '../../surface/pages.js';
import { isTlsError } from './redirect-probes.js';

/**
 * The public pages, for checks that read the landing page over HTTPS (HSTS, mixed content, the CDN).
 * When the page cannot be fetched because its certificate is rejected, those checks are not
 * applicable (skip, with the reason) — the TLS checks already report the cause as a failure.
 */
export const landingPagesGatherer = defineGatherer<PublicPages>({
  id: 'domain-tls/landing-pages',
  async gather(ctx) {
    try {
      return await ctx.gather(publicPagesGatherer);
    } catch (err) {
      const message = (err as Error)?.message ?? '';
      if (isTlsError(message)) throw new NotApplicable(`the landing page could not be fetched because its HTTPS certificate is rejected (${message.replace(/^.*did not answer: /, '')}); the domain-tls certificate checks report why`);
      throw err;
    }
  },
});
