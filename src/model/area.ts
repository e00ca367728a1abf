/** The 14 rows of the launch checklist (DESIGN.md), in scorecard order. */
export const AREAS = [
  'authentication',
  'authorization',
  'session',
  'secrets',
  'input-validation',
  'rate-limiting',
  'cors-csrf',
  'logging',
  'domain-tls',
  'edge',
  'email',
  'performance',
  'monitoring',
  'deployment',
] as const;

export type Area = (typeof AREAS)[number];

export const AREA_TITLES: Record<Area, string> = {
  authentication: 'Authentication',
  authorization: 'Tenant isolation and roles',
  session: 'Session security',
  secrets: 'Secrets handling',
  'input-validation': 'Input validation',
  'rate-limiting': 'Rate limiting',
  'cors-csrf': 'CORS and CSRF',
  logging: 'Logging and error hygiene',
  'domain-tls': 'DNS, redirects and TLS',
  edge: 'Edge protection and caching',
  email: 'Email authentication',
  performance: 'Performance',
  monitoring: 'Monitoring and alerts',
  deployment: 'Deployment safety',
};

/** Blockers are fixed in this order: what makes everything else moot comes first. */
export const FIX_ORDER: readonly Area[] = [
  'domain-tls',
  'authorization',
  'authentication',
  'secrets',
  'session',
  'deployment',
  'cors-csrf',
  'input-validation',
  'email',
  'rate-limiting',
  'edge',
  'logging',
  'monitoring',
  'performance',
];

export function isArea(value: string): value is Area {
  return (AREAS as readonly string[]).includes(value);
}
