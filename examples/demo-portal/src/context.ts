import type { Auth } from './auth.js';
import type { Db } from './db.js';
import type { FlawSet } from './flaws.js';
import type { RateLimits } from './rate-limit.js';

/** Everything a route module needs, handed over explicitly (no globals: several portals can run in one process). */
export interface PortalContext {
  db: Db;
  flaws: FlawSet;
  auth: Auth;
  limits: RateLimits;
  webhookSecret: string;
  /** Origins allowed to make credentialed cross-origin calls (none by default). */
  trustedOrigins: readonly string[];
  /** The Stripe secret key the `bundle-secret` flaw leaks into the JS bundle (random per start). */
  leakedStripeKey: string;
  /** Reset and invite links expire after this long. */
  tokenLinkTtlMs: number;
}

export function audit(ctx: PortalContext, orgId: number, userId: number | null, action: string, subject: string): void {
  ctx.db.prepare('INSERT INTO activity (org_id, user_id, action, subject, at) VALUES (?, ?, ?, ?, ?)').run(orgId, userId, action, subject, new Date().toISOString());
}
