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
  'no-csrf': { check: 'cors-csrf/csrf', title: /CSRF/ },
  'no-rate-limit-login': { check: 'rate-limiting/brute-force', title: /POST \/api\/login .*without throttling/ },
  'no-rate-limit-reset': { check: 'rate-limiting/brute-force', title: /POST \/api\/password-reset .*without throttling/ },
  'rate-limit-trusts-xff': { check: 'rate-limiting/forwarded-for-bypass', title: /X-Forwarded-For/ },
  'user-enumeration-reset': { check: 'authentication/user-enumeration', title: /password-reset reveals which accounts exist/ },
  'webhook-unsigned': { check: 'deployment/webhook-signatures', title: /unsigned/ },
  'webhook-replay': { check: 'deployment/webhook-signatures', title: /old|replay/ },
};
