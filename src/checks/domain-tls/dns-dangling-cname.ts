import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { describeAnswer, isDefinitive } from '../../net/dns/types.js';
import { dnsGatherer } from './dns-evidence.js';

/** Services where anyone can claim a name that a forgotten CNAME still points at (knowledge as data). */
export const TAKEOVER_PRONE: ReadonlyArray<{ suffix: string; service: string }> = [
  { suffix: '.herokuapp.com', service: 'Heroku' },
  { suffix: '.herokudns.com', service: 'Heroku' },
  { suffix: '.github.io', service: 'GitHub Pages' },
  { suffix: '.s3.amazonaws.com', service: 'Amazon S3' },
  { suffix: '.s3-website', service: 'Amazon S3 website' },
  { suffix: '.cloudfront.net', service: 'Amazon CloudFront' },
  { suffix: '.elasticbeanstalk.com', service: 'AWS Elastic Beanstalk' },
  { suffix: '.azurewebsites.net', service: 'Azure App Service' },
  { suffix: '.cloudapp.net', service: 'Azure Cloud Services' },
  { suffix: '.cloudapp.azure.com', service: 'Azure' },
  { suffix: '.trafficmanager.net', service: 'Azure Traffic Manager' },
  { suffix: '.blob.core.windows.net', service: 'Azure Blob Storage' },
  { suffix: '.azureedge.net', service: 'Azure CDN' },
  { suffix: '.netlify.app', service: 'Netlify' },
  { suffix: '.vercel.app', service: 'Vercel' },
  { suffix: '.pantheonsite.io', service: 'Pantheon' },
  { suffix: '.readthedocs.io', service: 'Read the Docs' },
  { suffix: '.ghost.io', service: 'Ghost' },
  { suffix: '.surge.sh', service: 'Surge' },
  { suffix: '.bitbucket.io', service: 'Bitbucket' },
  { suffix: '.myshopify.com', service: 'Shopify' },
  { suffix: '.zendesk.com', service: 'Zendesk' },
  { suffix: '.helpscoutdocs.com', service: 'Help Scout' },
  { suffix: '.webflow.io', service: 'Webflow' },
  { suffix: '.fly.dev', service: 'Fly.io' },
  { suffix: '.onrender.com', service: 'Render' },
];

export function takeoverService(target: string): string | undefined {
  return TAKEOVER_PRONE.find((t) => target.endsWith(t.suffix) || target.includes(t.suffix + '.'))?.service;
}

export const danglingCname = defineCheck({
  meta: {
    id: 'domain-tls/dns-dangling-cname',
    area: 'domain-tls',
    severity: 'high',
    title: 'No hostname is a CNAME to a name that no longer exists (subdomain takeover)',
    why: 'A CNAME left pointing at a deleted app, bucket or site lets whoever registers that name on the provider serve content on your domain — with your cookies and your reputation.',
    breaks: 'An attacker can host a phishing page or steal session cookies on a hostname of yours.',
    fix: 'Delete the CNAME, or re-create the resource it points to in your own provider account.',
    references: ['CWE-350', 'OWASP WSTG-CONF-10', 'https://github.com/EdOverflow/can-i-take-over-xyz'],
    publicOnly: true,
  },
  requires: { dns: dnsGatherer },
  run({ dns }) {
    const out: FindingDraft[] = [];
    // No answer (timeout, SERVFAIL, a dead resolver) says nothing about a CNAME: never a pass.
    const unanswered = dns.hostnames.filter((h) => h.addresses.length === 0 && !isDefinitive(h.a) && !isDefinitive(h.aaaa));
    for (const h of dns.hostnames) {
      if (unanswered.includes(h)) continue;
      if (h.cnameChain.length === 0 || h.addresses.length > 0) continue;
      const target = h.cnameChain.at(-1)!;
      const location = { domain: h.name, record: `CNAME ${h.name}` };
      const notes = [describeAnswer(h.a)];
      const service = takeoverService(target);
      if (h.a.rcode === 'NXDOMAIN') {
        out.push({
          status: 'fail',
          title: `${h.name} is a CNAME to ${target}, which does not exist: subdomain takeover risk${service ? ` (${service} names can be claimed by anyone)` : ''}`,
          location,
          evidence: { notes },
          fix: `Delete the CNAME record at ${h.name} (${h.name}. CNAME ${h.cnameChain[0]}.), or re-create ${target} in your own ${service ?? 'provider'} account before anyone else does.`,
          discriminator: target,
        });
      } else if (h.a.rcode === 'NOERROR') {
        out.push({
          status: 'fail',
          severity: 'medium',
          title: `${h.name} is a CNAME to ${target}, which has no address`,
          location,
          evidence: { notes: [...notes, describeAnswer(h.aaaa)] },
          fix: `Point the CNAME at ${h.name} to a hostname that resolves, or delete it if ${h.name} is no longer used.`,
          discriminator: target,
        });
      }
    }
    if (unanswered.length > 0) {
      const judged = dns.hostnames.length - unanswered.length;
      out.push({
        // Nothing answered: the check could not run. Some answered: the rest is listed as not tested.
        status: judged === 0 ? 'error' : 'skip',
        location: { domain: unanswered[0]!.name },
        reason: `no DNS answer for ${unanswered.map((h) => `${h.name} (${h.a.rcode}${h.a.error ? `: ${h.a.error.message}` : ''})`).join(', ')}: whether ${unanswered.length === 1 ? 'it is' : 'they are'} a dangling CNAME is unknown`,
        evidence: { notes: unanswered.map((h) => describeAnswer(h.a)) },
        discriminator: 'unanswered',
      });
    }
    return out;
  },
});
