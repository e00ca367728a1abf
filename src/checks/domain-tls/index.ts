import type { Check } from '../../engine/check.js';
import { dnsCaa } from './dns-caa.js';
import { danglingCname } from './dns-dangling-cname.js';
import { dnsNameServers } from './dns-ns.js';
import { dnsResolution } from './dns-resolution.js';
import { hsts } from './hsts.js';
import { canonicalHost } from './canonical-host.js';
import { certificateChain } from './certificate-chain.js';
import { certificateExpiry } from './certificate-expiry.js';
import { certificateHostname } from './certificate-hostname.js';
import { certificateStrength } from './certificate-strength.js';
import { httpsRedirect } from './https-redirect.js';
import { mixedContent } from './mixed-content.js';
import { redirectChain } from './redirect-chain.js';
import { tlsVersions } from './tls-versions.js';

/** Checks of the `domain-tls` area, in the order they run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [
  // DNS
  dnsResolution,
  danglingCname,
  dnsNameServers,
  dnsCaa,
  // TLS, per hostname
  certificateChain,
  certificateHostname,
  certificateExpiry,
  tlsVersions,
  certificateStrength,
  // Redirects and the landing page
  httpsRedirect,
  redirectChain,
  canonicalHost,
  hsts,
  mixedContent,
];
