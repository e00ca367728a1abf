import { defineGatherer, NotApplicable } from '../../engine/check.js';
import type { GatherContext } from '../../engine/context.js';
import { publicHostsOf } from '../../domain/hosts.js';
import type { CertificateFact } from '../../report/facts.js';
import { resolverFor } from '../dns/index.js';
import type { HostResolver } from '../http.js';
import { inspectTls, type TlsInspection } from './inspect.js';

const DAY = 86_400_000;

/**
 * The resolver TLS connections use: the engine's or --dns's when one is configured, else the system's
 * (getaddrinfo, like the HTTP layer), so /etc/hosts and the OS resolver behave as for HTTP.
 */
function connectResolver(ctx: GatherContext): HostResolver | undefined {
  const provided: HostResolver | undefined = ctx.services.resolver;
  if (provided) return provided;
  if (ctx.options.dnsServers?.length) return resolverFor(ctx);
  return undefined;
}

/** One TLS inspection per public hostname (target host and configured domains), in order. */
export const tlsInspectionsGatherer = defineGatherer<TlsInspection[]>({
  id: 'net/tls-inspections',
  async gather(ctx) {
    const hosts = publicHostsOf(ctx.config, ctx.target);
    if (hosts.length === 0) throw new NotApplicable('no hostname to inspect: give a target URL or domains');
    const timeoutMs = Math.min(ctx.config.budget.timeoutMs, 10_000);
    const resolver = connectResolver(ctx);
    const out: TlsInspection[] = [];
    // Two hosts at a time: each inspection already opens five connections to its server.
    for (let i = 0; i < hosts.length; i += 2) {
      const batch = hosts.slice(i, i + 2).map((h) =>
        inspectTls(
          { host: h.host, port: h.httpsPort },
          {
            ...(ctx.options.overrides ? { overrides: ctx.options.overrides } : {}),
            ...(resolver ? { resolver } : {}),
            ...(ctx.options.ca ? { ca: ctx.options.ca } : {}),
            timeoutMs,
            signal: ctx.signal,
            fetchIssuer: async (url) => {
              const ex = await ctx.http.request({ url, area: 'domain-tls', maxBodyBytes: 64 * 1024, timeoutMs, followRedirects: 2 });
              return ex.response && ex.response.status === 200 ? ex.response.body : undefined;
            },
          },
        ),
      );
      out.push(...(await Promise.all(batch)));
    }
    const now = Date.now();
    const certificates: CertificateFact[] = out.flatMap((i) => {
      const leaf = i.chain[0];
      if (!leaf) return [];
      return [
        {
          host: i.port === 443 ? i.host : `${i.host}:${i.port}`,
          subject: leaf.subject,
          issuer: leaf.issuer,
          altNames: leaf.altNames,
          validFrom: leaf.notBefore,
          validTo: leaf.notAfter,
          daysLeft: Math.floor((Date.parse(leaf.notAfter) - now) / DAY),
          ...(i.protocol ? { protocol: i.protocol } : {}),
          ...(i.trust ? { chainValid: i.trust.authorized } : {}),
          keyType: leaf.key.type,
          ...(leaf.key.bits ? { keyBits: leaf.key.bits } : {}),
        },
      ];
    });
    if (certificates.length) ctx.contribute({ facts: { certificates } });
    return out;
  },
});
