import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { mailGatherer } from './evidence.js';
import { dnsFailure, recordLabel } from './shared.js';

export const mxRecords = defineCheck({
  meta: {
    id: 'email/mx',
    area: 'email',
    severity: 'medium',
    title: 'The mail domain has working MX records',
    why: 'Replies, bounces and password-reset follow-ups go to the MX hosts; many receivers also distrust mail from a domain that cannot receive any.',
    breaks: 'Customers who reply to your mail get a bounce, and some providers reject or spam-folder your messages.',
    fix: 'Publish MX records for the mail domain pointing at host names (not IPs, not CNAMEs) that resolve, or a null MX ("0 .") only on a domain that never sends mail.',
    references: ['RFC 5321 §5.1', 'RFC 7505', 'RFC 2181 §10.3'],
  },
  requires: { mail: mailGatherer },
  run({ mail }) {
    const d = mail.domain;
    const location = { domain: d, record: recordLabel('MX', d) };
    const broken = dnsFailure(mail.mx.rcode, d, 'MX', d, mail.mx.error);
    if (broken) return [broken];
    // "v=spf1 -all" declares the domain sends nothing, whoever named it as a mail domain (`domain` always does).
    const sendsNothing = mail.spf.records.length === 1 && /^v=spf1\s+-all\s*$/i.test(mail.spf.record ?? '');
    const sends = !sendsNothing && (mail.mailExpected || mail.spf.records.length > 0);
    const microsoftHost = `${d.replace(/\./g, '-')}.mail.protection.outlook.com`;
    if (mail.mx.nullMx) {
      if (!sends) return [{ status: 'pass', title: `${d} declares it receives no mail (null MX) and sends none`, location, evidence: { notes: [`${d} MX → 0 .`] } }];
      return [
        {
          status: 'fail',
          severity: 'high',
          title: `${d} publishes a null MX ("0 .") but sends mail`,
          location,
          evidence: { notes: [`${d} MX → 0 .`, mail.spf.record ? `SPF authorises senders: "${mail.spf.record}"` : 'the config names it as the mail domain'] },
          fix: `Remove the MX record "0 ." at ${d} and publish MX records for your mail provider (e.g. Google Workspace: "MX 1 smtp.google.com."; Microsoft 365: "MX 0 ${microsoftHost}."). Receivers may reject mail from a domain that declares it accepts none (RFC 7505 §4.2).`,
        },
      ];
    }
    if (mail.mx.hosts.length === 0) {
      return [
        {
          status: sends ? 'fail' : 'warn',
          severity: sends ? 'medium' : 'low',
          title: `${d} has no MX record`,
          location,
          evidence: { notes: [`${d} MX → ${mail.mx.rcode === 'NXDOMAIN' ? 'NXDOMAIN (the name does not exist)' : 'no MX records'}`] },
          fix: sends
            ? `Publish MX at ${d} for the mailbox provider that receives its mail, e.g. Google Workspace: "MX 1 smtp.google.com."; Microsoft 365: "MX 0 ${microsoftHost}.".`
            : `If ${d} never receives mail, publish a null MX to say so: "MX 0 ." at ${d} (RFC 7505), together with TXT "v=spf1 -all".`,
        },
      ];
    }
    const out: FindingDraft[] = [];
    for (const h of mail.mx.hosts) {
      const hostLocation = { domain: d, record: `MX ${d} → ${h.exchange}` };
      if (/^\d+(\.\d+){3}$/.test(h.exchange) || h.exchange.includes(':')) {
        out.push({ status: 'fail', severity: 'high', title: `MX of ${d} points at an IP address (${h.exchange})`, location: hostLocation, fix: `Replace "MX ${h.preference} ${h.exchange}" at ${d} with a host name that has an A record for ${h.exchange}: an MX target must be a name (RFC 5321 §5.1).`, discriminator: h.exchange });
      } else if (h.addresses.length === 0) {
        out.push({
          status: 'fail',
          severity: 'high',
          title: `MX host ${h.exchange} of ${d} does not resolve (${h.rcode === 'NOERROR' ? 'no A/AAAA record' : h.rcode})`,
          location: hostLocation,
          evidence: { notes: [`${h.exchange} A/AAAA → ${h.rcode}${h.cnameChain.length ? ` via CNAME ${h.cnameChain.join(' → ')}` : ''}`] },
          fix: `Publish an A record at ${h.exchange}, or replace "MX ${h.preference} ${h.exchange}." at ${d} with your provider's inbound host. Mail to ${d} queued for this host is lost.`,
          discriminator: h.exchange,
        });
      } else if (h.cnameChain.length > 0) {
        out.push({ status: 'warn', severity: 'low', title: `MX host ${h.exchange} of ${d} is a CNAME`, location: hostLocation, evidence: { notes: [`${h.exchange} → CNAME ${h.cnameChain.join(' → ')}`] }, fix: `Point "MX ${h.preference}" at ${d} directly at ${h.cnameChain.at(-1)} (RFC 2181 §10.3: an MX target must not be an alias); some senders refuse aliased MX hosts.`, discriminator: h.exchange });
      }
    }
    if (out.length === 0) out.push({ status: 'pass', title: `${d} has ${mail.mx.hosts.length} working MX host(s)`, location, evidence: { notes: mail.mx.hosts.map((h) => `MX ${h.preference} ${h.exchange} → ${h.addresses.join(', ')}`) } });
    return out;
  },
});
