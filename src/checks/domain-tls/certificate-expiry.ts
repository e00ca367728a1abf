import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { TlsInspection } from '../../net/tls/inspect.js';
import { tlsInspectionsGatherer } from '../../net/tls/gatherer.js';
import { daysBetween, isoDay, tlsEvidence, tlsLocation, unreachableDraft } from './tls-common.js';

const RENEW_FIX = (host: string): string =>
  `Renew and install the certificate now: \`certbot renew --cert-name ${host}\` (Let's Encrypt; add \`--force-renewal\` if it says "not due"), then reload the server (\`systemctl reload nginx\`); or reissue it at your CA / host. Then automate renewal (the certbot systemd timer or cron, Caddy, or your CDN's managed certificates) and add a monitor on days to expiry.`;

function judge(i: TlsInspection, now: Date, warnDays: number, failDays: number): FindingDraft[] {
  const unreachable = unreachableDraft(i, false);
  if (unreachable) return [unreachable];
  const out: FindingDraft[] = [];
  const location = tlsLocation(i);
  // The leaf and the intermediates the server sends; a self-signed root it sends along is ignored by clients.
  i.chain.forEach((c, n) => {
    if (n > 0 && c.selfSigned) return;
    const what = n === 0 ? `${i.host}'s certificate` : `the intermediate ${c.subject} sent by ${i.host}`;
    const discriminator = n === 0 ? 'leaf' : `chain:${c.fingerprint256}`;
    const days = daysBetween(now, c.notAfter);
    const fix = n === 0 ? RENEW_FIX(i.host) : `Download the current intermediate chain from your CA and serve it (fullchain.pem); reissuing the certificate with \`certbot renew --force-renewal --cert-name ${i.host}\` also brings the current chain.`;
    const evidence = tlsEvidence(i, [`judged at ${now.toISOString()}: ${days} whole days to expiry`], { wholeChain: n > 0 });
    if (Date.parse(c.notBefore) > now.getTime()) {
      out.push({
        status: 'fail',
        severity: 'critical',
        title: `${what} is not valid yet: it starts on ${isoDay(c.notBefore)}`,
        location,
        evidence,
        fix: `Install a certificate that is valid today (check the server clock with \`date -u\`; a certificate dated in the future usually means a wrong clock at issuance or the wrong file). ${fix}`,
        discriminator: `${discriminator}:not-yet-valid`,
      });
      return;
    }
    if (days < 0 || Date.parse(c.notAfter) <= now.getTime()) {
      out.push({ status: 'fail', severity: 'critical', title: `${what} expired on ${isoDay(c.notAfter)} (${-days} days ago)`, location, evidence, fix, discriminator: `${discriminator}:expired` });
      return;
    }
    if (days < failDays) {
      out.push({ status: 'fail', severity: 'high', title: `${what} expires in ${days} days (${isoDay(c.notAfter)}), under ${failDays}`, location, evidence, fix, discriminator: `${discriminator}:expiry` });
      return;
    }
    if (days < warnDays) {
      out.push({ status: 'warn', severity: 'medium', title: `${what} expires in ${days} days (${isoDay(c.notAfter)}), under ${warnDays}`, location, evidence, fix, discriminator: `${discriminator}:expiry` });
      return;
    }
    if (n === 0) out.push({ status: 'pass', location, evidence: tlsEvidence(i, [`expires in ${days} days (${isoDay(c.notAfter)})`]) });
  });
  return out;
}

export const certificateExpiry = defineCheck({
  meta: {
    id: 'domain-tls/certificate-expiry',
    area: 'domain-tls',
    severity: 'high',
    title: 'HTTPS certificate is valid today and not about to expire',
    why: 'An expired or not-yet-valid certificate takes the whole site down behind a browser warning; one that expires in days will, unless renewal is proven to work.',
    breaks: 'Every visitor, app and API client is refused the moment the certificate expires — typically on a weekend, with nobody watching.',
    fix: 'Renew now (`certbot renew`, or your CA/host), automate renewal, and monitor days to expiry (warn under 21 days).',
    references: ['RFC 5280 §4.1.2.5', 'OWASP ASVS 9.1.2'],
    publicOnly: true,
  },
  requires: { tls: tlsInspectionsGatherer },
  run({ tls }, ctx) {
    const { certDaysWarn, certDaysFail } = ctx.config.thresholds;
    return tls.flatMap((i) => judge(i, ctx.now, certDaysWarn, certDaysFail));
  },
});
