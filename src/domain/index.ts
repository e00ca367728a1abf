export { runDomainAudit, domainChecks, domainHosts, parseDomainArgument, DOMAIN_AREAS, DOMAIN_EDGE_CHECKS, type DomainAuditOptions } from './run.js';
export { publicHostsOf, canonicalPairsOf, normalizeHost, originUrl, type PublicHost, type CanonicalPair } from './hosts.js';
