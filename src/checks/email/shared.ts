import type { FindingDraft } from '../../engine/check.js';
import type { DnsRcode } from '../../net/dns/types.js';

/** Small helpers shared by the email checks: how a record is named in a finding, and DNS failures. */

export function recordLabel(type: string, name: string): string {
  return `${type} ${name}`;
}

/** DNS that answers neither yes nor no: SERVFAIL/REFUSED are broken zones (fail); a timeout is our side not knowing (error). */
export function dnsFailure(rcode: DnsRcode, name: string, type: string, domain: string, error?: string): FindingDraft | undefined {
  if (rcode === 'NOERROR' || rcode === 'NXDOMAIN') return undefined;
  const location = { domain, record: recordLabel(type, name) };
  if (rcode === 'TIMEOUT' || rcode === 'ERROR') {
    return { status: 'error', location, reason: `the ${type} lookup of ${name} got no answer (${error ?? rcode})`, evidence: { notes: [`${name} ${type} → ${rcode}${error ? `: ${error}` : ''}`] } };
  }
  return {
    status: 'fail',
    severity: 'high',
    title: `DNS answers ${rcode} for ${type} ${name}`,
    location,
    evidence: { notes: [`${name} ${type} → ${rcode}`] },
    fix: `Fix the zone serving ${name}: its name servers answer ${rcode} instead of the record (check the delegation and DNSSEC signatures), so receivers cannot read it.`,
    discriminator: 'dns-failure',
  };
}

/** Well-known inbound mail hosts → the SPF include their users publish. */
const PROVIDER_SPF: Array<{ mx: RegExp; include: string; provider: string }> = [
  { mx: /(^|\.)google\.com$|(^|\.)googlemail\.com$/, include: '_spf.google.com', provider: 'Google Workspace' },
  { mx: /\.mail\.protection\.outlook\.com$/, include: 'spf.protection.outlook.com', provider: 'Microsoft 365' },
  { mx: /(^|\.)zoho\.(com|eu|in)$/, include: 'zohomail.com', provider: 'Zoho Mail' },
  { mx: /(^|\.)protonmail\.ch$/, include: '_spf.protonmail.ch', provider: 'Proton Mail' },
  { mx: /(^|\.)messagingengine\.com$/, include: 'spf.messagingengine.com', provider: 'Fastmail' },
  { mx: /(^|\.)mailgun\.org$/, include: 'mailgun.org', provider: 'Mailgun' },
];

export function providerIncludes(mxHosts: string[]): Array<{ include: string; provider: string }> {
  const out = new Map<string, string>();
  for (const h of mxHosts) for (const p of PROVIDER_SPF) if (p.mx.test(h)) out.set(p.include, p.provider);
  return [...out].map(([include, provider]) => ({ include, provider }));
}
