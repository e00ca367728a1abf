import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { buildApp, type PortalStats } from './app.js';
import { Auth } from './auth.js';
import type { PortalContext } from './context.js';
import { openDatabase, seedDatabase, type DemoSeed } from './db.js';
import { FlawSet, parseFlaws, resolveFlawList, type FlawName } from './flaws.js';
import { DEFAULT_RATE_LIMITS, RateLimits, type RateLimitSettings } from './rate-limit.js';
import { fakeLiveStripeKey } from './web/bundle.js';

export { FLAWS, parseFlaws, isFlawName, type FlawInfo, type FlawName } from './flaws.js';
export type { DemoSeed, SeedInvoice, SeedUser, SeedOrg, SeedTicket, SeedFile } from './db.js';
export { stripeSignatureHeader, WEBHOOK_TOLERANCE_S } from './routes/webhooks.js';
export { DEFAULT_RATE_LIMITS, type RateLimitSettings } from './rate-limit.js';
export type { PortalStats } from './app.js';

/** The webhook secret when STRIPE_WEBHOOK_SECRET is not set (a demo value, not a credential). */
export const DEFAULT_WEBHOOK_SECRET = 'whsec_demo_launchready';

export interface DemoPortalOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** 'all' (default), 'none', a comma-separated list, or an array of flaw names. */
  flaws?: 'all' | 'none' | string | readonly string[];
  /** Fastify request logging (pino, JSON to stdout). */
  log?: boolean;
  /** Stripe webhook signing secret; default env STRIPE_WEBHOOK_SECRET, then DEFAULT_WEBHOOK_SECRET. */
  webhookSecret?: string;
  /** Origins allowed to make credentialed CORS calls; none by default. */
  trustedOrigins?: readonly string[];
  /** Bearer token lifetime (default 15 minutes). */
  tokenTtlMs?: number;
  /** Cookie session lifetime (default 8 hours). */
  sessionTtlMs?: number;
  /** Reset links expire after this long (default 30 minutes). */
  resetTtlMs?: number;
  /** Throttle limits (tests lower the window). */
  rateLimits?: Partial<RateLimitSettings>;
  /** Serve GET /__demo/mailbox (default true). */
  mailbox?: boolean;
}

export interface DemoPortal {
  url: string;
  port: number;
  /** The active flaws, in FLAWS order. */
  flaws: FlawName[];
  /** Every request the server received, in total and by "METHOD /route/{template}". */
  stats: PortalStats;
  /** Ids, emails and passwords of the seeded data. */
  seed: DemoSeed;
  /** The webhook secret in use (a demo value, so tests can sign deliveries). */
  webhookSecret: string;
  /** The SQLite file of this run (in its own temp directory, removed by close). */
  dbFile: string;
  close(): Promise<void>;
}

function resolveFlaws(spec: DemoPortalOptions['flaws']): FlawName[] {
  if (spec === undefined) return parseFlaws('all');
  if (typeof spec === 'string') return parseFlaws(spec);
  return resolveFlawList(spec);
}

/** Starts the demo portal on a fresh, seeded database. */
export async function startDemoPortal(opts: DemoPortalOptions = {}): Promise<DemoPortal> {
  const active = resolveFlaws(opts.flaws);
  const flaws = new FlawSet(active);
  const store = openDatabase();
  try {
    const seed = await seedDatabase(store.db);
    const webhookSecret = opts.webhookSecret ?? process.env.STRIPE_WEBHOOK_SECRET ?? DEFAULT_WEBHOOK_SECRET;
    // FLAW jwt-weak-secret: a dictionary word as the HMAC key — anyone can mint tokens offline.
    const jwtSecret = flaws.has('jwt-weak-secret') ? 'secret' : randomBytes(32);
    const ctx: PortalContext = {
      db: store.db,
      flaws,
      auth: new Auth(store.db, flaws, { jwtSecret, tokenTtlMs: opts.tokenTtlMs ?? 15 * 60_000, sessionTtlMs: opts.sessionTtlMs ?? 8 * 3600_000 }),
      limits: new RateLimits(flaws, { ...DEFAULT_RATE_LIMITS, ...opts.rateLimits }),
      webhookSecret,
      trustedOrigins: opts.trustedOrigins ?? [],
      leakedStripeKey: fakeLiveStripeKey(randomBytes),
      tokenLinkTtlMs: opts.resetTtlMs ?? 30 * 60_000,
    };
    const stats: PortalStats = { requests: 0, byRoute: new Map() };
    const app = buildApp(ctx, stats, { log: opts.log ?? false, mailbox: opts.mailbox ?? true });
    const host = opts.host ?? '127.0.0.1';
    await app.listen({ host, port: opts.port ?? 0 });
    const port = (app.server.address() as AddressInfo).port;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      port,
      flaws: active,
      stats,
      seed,
      webhookSecret,
      dbFile: store.path,
      close: () => {
        closing ??= app.close().then(() => store.dispose());
        return closing;
      },
    };
  } catch (err) {
    store.dispose();
    throw err;
  }
}
