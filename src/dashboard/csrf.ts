import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { safeEqual } from './auth.js';

/**
 * CSRF defence, in two layers for every state-changing request:
 *
 * 1. Origin: a request whose `Origin` is not this server's origin, or that the browser marks
 *    `Sec-Fetch-Site: cross-site`, is refused before anything else.
 * 2. A token: signed in, the synchronizer token bound to the session (sent as the `_csrf` form field
 *    or the `X-CSRF-Token` header; the same value is in the readable `csrf` cookie for scripts).
 *    Before login (the login and setup forms), a signed double-submit token: the `csrf` cookie holds
 *    `nonce.HMAC(key, nonce)` and the form must echo it — a cookie planted by another site cannot be
 *    signed, and one read from a response cannot be sent by a foreign page.
 */

export const CSRF_COOKIE = 'csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export class PreLoginTokens {
  private readonly key: Buffer;
  constructor(key: Buffer = randomBytes(32)) {
    this.key = key;
  }

  private sign(nonce: string): string {
    return createHmac('sha256', this.key).update(`pre-login:${nonce}`).digest('base64url');
  }

  issue(): string {
    const nonce = randomBytes(24).toString('base64url');
    return `${nonce}.${this.sign(nonce)}`;
  }

  valid(token: string | undefined): boolean {
    if (!token || token.length > 200) return false;
    const [nonce, mac, extra] = token.split('.');
    return !!nonce && !!mac && extra === undefined && safeEqual(mac, this.sign(nonce));
  }
}

/** The token a request carries: the X-CSRF-Token header, else the `_csrf` field of a form or JSON body. */
export function submittedToken(request: FastifyRequest): string | undefined {
  const header = request.headers[CSRF_HEADER];
  if (typeof header === 'string' && header) return header;
  const body = request.body as Record<string, unknown> | undefined;
  const field = body && typeof body === 'object' ? body[CSRF_FIELD] : undefined;
  return typeof field === 'string' && field ? field : undefined;
}

/** This server's origin as the browser sees it (scheme from TLS or the trusted proxy, Host header). */
export function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`.toLowerCase();
}

/** Why a state-changing request comes from somewhere else; undefined when it may be ours. */
export function foreignOrigin(request: FastifyRequest): string | undefined {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site') return 'the browser says the request came from another site';
  const origin = request.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== ownOrigin(request)) return 'the Origin header names another site';
  return undefined;
}
