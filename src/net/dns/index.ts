export * from './types.js';
export { parseDnsServer, formatDnsServer, DnsServerSyntaxError } from './server-address.js';
export { createResolver, systemDnsServers, type ResolverOptions, type ConfiguredResolver } from './resolver.js';
export { findZoneApex, type ZoneApex } from './zone.js';
export { resolverFor, resolveOverridesOf } from './context.js';
