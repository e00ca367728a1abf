import type { Area } from '../../../src/model/area.js';

/**
 * The demo portal's deliberate mistakes. Each one is a switch: `--flaws none` is a correctly
 * built portal, `--flaws all` turns on every flaw marked `inAll`, and a list turns on exactly
 * those named. A flaw that breaks the portal for every other check (a broken login, for the
 * monitor) stays out of `all`.
 *
 * In the code, every flawed branch sits behind `flaws.has('<name>')` with a comment naming the
 * flaw, so a reader can grep for the name and see the mistake next to the correct version.
 */
export interface FlawInfo {
  readonly name: string;
  /** The checklist row (DESIGN.md area id) whose checks should catch it. */
  readonly area: Area;
  readonly description: string;
  /** Part of `--flaws all`. */
  readonly inAll: boolean;
}

export const FLAWS = [
  { name: 'missing-auth', area: 'authentication', inAll: true,
    description: 'GET /api/tickets/stats answers without credentials and then reports on every organisation\'s tickets.' },
  { name: 'bola-invoice-read', area: 'authorization', inAll: true,
    description: 'GET /api/invoices/{id} looks the invoice up by id only, so any signed-in user reads another organisation\'s invoice.' },
  { name: 'bola-invoice-update', area: 'authorization', inAll: true,
    description: 'PATCH /api/invoices/{id} updates by id only, so any signed-in user changes another organisation\'s invoice.' },
  { name: 'bola-invoice-export', area: 'authorization', inAll: true,
    description: 'GET /api/invoices/{id}/export serves the CSV of any invoice id.' },
  { name: 'bola-query', area: 'authorization', inAll: true,
    description: 'GET /api/invoices?org_id=N lists organisation N\'s invoices instead of the caller\'s.' },
  { name: 'bola-nested', area: 'authorization', inAll: true,
    description: 'GET /api/orgs/{orgId}/invoices[/{id}] trusts the orgId in the path instead of the caller\'s organisation.' },
  { name: 'bola-file-download', area: 'authorization', inAll: true,
    description: 'GET /api/files/{id}/download serves any organisation\'s file.' },
  { name: 'bfla-admin', area: 'authorization', inAll: true,
    description: 'The /api/admin/* routes check that the caller is signed in but not that they are an admin.' },
  { name: 'mass-assignment', area: 'authorization', inAll: true,
    description: 'PATCH /api/me and POST /api/invoices copy every body field onto the record, including role, org_id and is_admin.' },
  { name: 'session-after-logout', area: 'session', inAll: true,
    description: 'Logout clears the cookie in the browser but the server-side session and the bearer token stay valid.' },
  { name: 'session-fixation', area: 'session', inAll: true,
    description: 'Cookie login keeps the session id the browser arrived with instead of issuing a new one.' },
  { name: 'reset-token-reuse', area: 'session', inAll: true,
    description: 'A password-reset token can be used again after it has reset the password, and older reset links stay valid after a newer one is sent.' },
  { name: 'invite-token-reuse', area: 'session', inAll: true,
    description: 'An invite token can be accepted again, which resets the invited account\'s password.' },
  { name: 'jwt-alg-none', area: 'authentication', inAll: true,
    description: 'The bearer-token check accepts unsigned JWTs with "alg": "none".' },
  { name: 'jwt-weak-secret', area: 'authentication', inAll: true,
    description: 'JWTs are signed with HS256 and the secret "secret".' },
  { name: 'jwt-no-expiry', area: 'authentication', inAll: true,
    description: 'JWTs are issued without "exp" and accepted forever.' },
  { name: 'weak-cookies', area: 'session', inAll: true,
    description: 'The session cookie is set without HttpOnly and without SameSite.' },
  { name: 'cors-reflect', area: 'cors-csrf', inAll: true,
    description: 'Every response reflects the request Origin (including "null") with Access-Control-Allow-Credentials: true.' },
  { name: 'no-csrf', area: 'cors-csrf', inAll: true,
    description: 'Cookie-authenticated writes are accepted without the X-CSRF-Token header.' },
  { name: 'no-rate-limit-login', area: 'rate-limiting', inAll: true,
    description: 'POST /api/login (the API login) never throttles failed attempts; the web form login POST /login still does.' },
  { name: 'no-rate-limit-reset', area: 'rate-limiting', inAll: true,
    description: 'Password-reset requests are never throttled.' },
  { name: 'rate-limit-trusts-xff', area: 'rate-limiting', inAll: true,
    description: 'The limiters key on X-Forwarded-For, so a client that changes the header starts with a fresh limit (visible on POST /login even when the API login has no limit at all).' },
  { name: 'weak-password-policy', area: 'authentication', inAll: true,
    description: 'Sign-up, password change, reset and invite acceptance take any password of 8 characters or more, "password" and "123456789" included.' },
  { name: 'user-enumeration-reset', area: 'authentication', inAll: true,
    description: 'POST /api/password-reset answers 404 "no account" for unknown emails and 200 for known ones.' },
  { name: 'stack-trace', area: 'input-validation', inAll: true,
    description: 'POST /api/tickets skips validation; a bad body reaches SQLite and the 500 carries the stack trace and the SQL error.' },
  { name: 'cache-public', area: 'edge', inAll: true,
    description: 'GET /api/me and the invoice responses say Cache-Control: public, max-age=3600.' },
  { name: 'missing-headers', area: 'edge', inAll: true,
    description: 'No Content-Security-Policy, X-Content-Type-Options, frame protection or Referrer-Policy.' },
  { name: 'powered-by', area: 'edge', inAll: true,
    description: 'Responses carry X-Powered-By: Express and a versioned Server header.' },
  { name: 'webhook-unsigned', area: 'deployment', inAll: true,
    description: 'POST /webhooks/stripe skips verification when the Stripe-Signature header is missing.' },
  { name: 'webhook-replay', area: 'deployment', inAll: true,
    description: 'POST /webhooks/stripe accepts correctly signed deliveries with any timestamp, however old.' },
  { name: 'slow-endpoint', area: 'performance', inAll: true,
    description: 'GET /api/reports/activity runs one slow query per day of the week: about 700 ms per request.' },
  { name: 'bundle-secret', area: 'secrets', inAll: true,
    description: 'The served /static/app.js and its source map (sourcesContent) contain a live-looking Stripe secret key.' },
  { name: 'slow-landing', area: 'performance', inAll: false,
    description: 'The landing page loads a large chat-widget script synchronously in the page head from a slow host (~2.5 s): nothing paints until it arrives, so LCP is over 2.5 s.' },
  { name: 'broken-login', area: 'monitoring', inAll: false,
    description: 'Every login answers 500 while the homepage and /healthz stay up (for the synthetic-login monitor).' },
] as const satisfies readonly FlawInfo[];

export type FlawName = (typeof FLAWS)[number]['name'];

const FLAW_NAMES: ReadonlySet<string> = new Set(FLAWS.map((f) => f.name));

export function isFlawName(name: string): name is FlawName {
  return FLAW_NAMES.has(name);
}

/**
 * `all`, `none`, or a comma/space separated list of flaw names. Throws an Error naming the
 * unknown flaw and listing the valid ones, so `--flaws` mistakes are caught before the start.
 */
export function parseFlaws(spec: string): FlawName[] {
  const trimmed = spec.trim();
  if (trimmed === 'all') return FLAWS.filter((f) => f.inAll).map((f) => f.name);
  if (trimmed === 'none' || trimmed === '') return [];
  return resolveFlawList(trimmed.split(/[\s,]+/).filter(Boolean));
}

/** Validates a list of names (`all` inside a list adds every inAll flaw). */
export function resolveFlawList(names: readonly string[]): FlawName[] {
  const out = new Set<FlawName>();
  for (const raw of names) {
    const name = raw.trim();
    if (name === 'all') {
      for (const f of FLAWS) if (f.inAll) out.add(f.name);
      continue;
    }
    if (name === 'none' || name === '') continue;
    if (!isFlawName(name)) {
      throw new Error(
        `Unknown demo flaw "${name}". Use all, none, or a comma-separated list of: ${FLAWS.map((f) => f.name).join(', ')}`,
      );
    }
    out.add(name);
  }
  // Keep the table's order so the active list reads the same way every time.
  return FLAWS.map((f) => f.name).filter((n) => out.has(n));
}

/** The active switches, asked by name in the code (`flaws.has('bola-invoice-read')`). */
export class FlawSet {
  private readonly active: ReadonlySet<FlawName>;
  constructor(names: readonly FlawName[]) {
    this.active = new Set(names);
  }
  has(name: FlawName): boolean {
    return this.active.has(name);
  }
  list(): FlawName[] {
    return FLAWS.map((f) => f.name).filter((n) => this.active.has(n));
  }
}
