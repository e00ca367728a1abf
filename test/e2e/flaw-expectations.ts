/**
 * Which check must fail for each demo-portal flaw. A flaw whose check is not in the registry yet
 * (its area is not implemented) is reported by the test as pending, never silently passed.
 */
export const FLAW_EXPECTATIONS: Record<string, { check: string; title?: RegExp }> = {
  'weak-cookies': { check: 'session/cookie-flags', title: /HttpOnly|SameSite/ },
  'cors-reflect': { check: 'cors-csrf/cors-policy', title: /origin/ },
  'stack-trace': { check: 'input-validation/error-leakage', title: /stack trace|sql error|HTTP 5\d\d/ },
  'cache-public': { check: 'edge/private-cache' },
  'missing-headers': { check: 'edge/security-headers' },
  'powered-by': { check: 'edge/version-banner' },
};
