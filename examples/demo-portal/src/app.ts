import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { PortalContext } from './context.js';
import { accountRoutes } from './routes/account.js';
import { adminRoutes } from './routes/admin.js';
import { fileRoutes } from './routes/files.js';
import { invoiceRoutes } from './routes/invoices.js';
import { systemRoutes } from './routes/system.js';
import { ticketRoutes } from './routes/tickets.js';
import { webhookRoutes } from './routes/webhooks.js';
import { webRoutes } from './routes/web.js';

export interface PortalStats {
  requests: number;
  byRoute: Map<string, number>;
}

/** The Content-Security-Policy the pages are written for: same-origin scripts and styles only. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const STATUS_CODES: Record<number, string> = { 400: 'invalid_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 406: 'not_acceptable', 413: 'payload_too_large', 415: 'unsupported_media_type', 429: 'too_many_requests' };

function httpError(status: number, message: string): FastifyError {
  return Object.assign(new Error(message), { statusCode: status, code: 'PORTAL_BAD_REQUEST', name: 'BadRequest' }) as FastifyError;
}

/** Builds the Fastify app: parsers, cross-cutting hooks (stats, CORS, headers), error handling, routes. */
export function buildApp(ctx: PortalContext, stats: PortalStats, opts: { log: boolean; mailbox: boolean }): FastifyInstance {
  const { flaws } = ctx;
  const startedAt = new WeakMap<object, number>();
  const app = Fastify({
    // Request logs carry the path only: query strings hold reset and invite tokens.
    logger: opts.log
      ? {
          level: 'info',
          serializers: {
            req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.split('?')[0] }),
          },
        }
      : false,
    // Unknown properties are an error, not silently dropped, and "1" is not the number 1.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    bodyLimit: 1024 * 1024,
    // Not behind a proxy: request.ip and request.protocol come from the socket.
    trustProxy: false,
    forceCloseConnections: true,
    return503OnClosing: true,
  });

  // JSON bodies are parsed here so the exact text is kept for webhook signature checks.
  // Every request is counted, so tests can prove a probe stayed within its budget: parsed ones
  // at the HTTP server (before any routing or rejection), unparseable ones (HPE_* parser errors)
  // as "(malformed)".
  app.server.on('request', () => {
    stats.requests += 1;
  });
  app.server.on('clientError', (err: NodeJS.ErrnoException) => {
    if (!err.code?.startsWith('HPE_')) return;
    stats.requests += 1;
    stats.byRoute.set('(malformed)', (stats.byRoute.get('(malformed)') ?? 0) + 1);
  });

  // Only JSON and HTML-form bodies are accepted; anything else is 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    request.rawBody = text;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(httpError(400, 'The request body is not valid JSON.'), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))));
  });

  app.addHook('onRequest', async (request, reply) => {
    startedAt.set(request, performance.now());
    const key = `${request.method} ${request.routeOptions.url ?? '(unmatched)'}`;
    stats.byRoute.set(key, (stats.byRoute.get(key) ?? 0) + 1);

    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (flaws.has('cors-reflect')) {
        // FLAW cors-reflect: "make CORS errors go away" — whatever Origin asks (even "null",
        // sent by sandboxed iframes and file: pages) is echoed back with credentials allowed,
        // so any website can read a signed-in user's API responses.
        reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');
      } else if (ctx.trustedOrigins.includes(origin)) {
        reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');
      }
    }

    // FLAW missing-headers: the framework defaults were never changed, so this block is
    // missing — no CSP, no nosniff, no frame or referrer policy.
    if (!flaws.has('missing-headers')) {
      reply
        .header('content-security-policy', CSP)
        .header('x-content-type-options', 'nosniff')
        .header('x-frame-options', 'DENY')
        .header('referrer-policy', 'strict-origin-when-cross-origin')
        .header('cross-origin-opener-policy', 'same-origin')
        .header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    }
    // HSTS belongs to the TLS setup (the domain-tls area), so it stays in every build.
    reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');

    if (flaws.has('powered-by')) {
      // FLAW powered-by: framework and proxy banners with versions tell an attacker which
      // CVEs to try first.
      reply.header('x-powered-by', 'Express').header('server', 'nginx/1.18.0 (Ubuntu)');
    }

    // Private API data must never sit in a shared cache; routes may only make it stricter.
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  });

  // Server-Timing: how long the app itself took, so latency measured from outside can be told
  // apart from time spent queueing on the network or in the client.
  app.addHook('onSend', async (request, reply, payload) => {
    const t0 = startedAt.get(request);
    if (t0 !== undefined) reply.header('server-timing', `app;dur=${(performance.now() - t0).toFixed(1)}`);
    return payload;
  });

  // CORS preflights. Only allowed origins get the Access-Control-Allow-* answer; everyone else
  // gets a plain 204 that the browser treats as "not allowed".
  app.options('/*', async (request, reply) => {
    const allowed = reply.hasHeader('access-control-allow-origin');
    if (allowed && request.headers['access-control-request-method']) {
      reply
        .header('access-control-allow-methods', 'GET, POST, PATCH, DELETE')
        .header('access-control-allow-headers', 'Authorization, Content-Type, X-CSRF-Token')
        .header('access-control-max-age', '600');
    }
    return reply.code(204).header('allow', 'GET, HEAD, POST, PATCH, DELETE, OPTIONS').send();
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status < 500) {
      // Client mistakes get a short JSON error: the message says what was wrong with the input,
      // never which framework or library noticed.
      const message = error.validation ? `Invalid input: ${error.message}.` : error.message;
      return reply.code(status).send({ error: STATUS_CODES[status] ?? 'invalid_request', message });
    }
    request.log.error({ err: error }, 'unhandled error');
    if (flaws.has('stack-trace')) {
      // FLAW stack-trace: the development error handler shipped to production — the exception's
      // name, message (SQL included) and stack trace go to the client.
      return reply.code(500).send({ error: error.name, message: error.message, code: error.code, stack: error.stack });
    }
    return reply.code(500).send({ error: 'internal_error', message: 'Something went wrong on our side. Please try again.' });
  });

  app.setNotFoundHandler(async (request, reply) => {
    if (request.url.startsWith('/api/')) return reply.code(404).send({ error: 'not_found', message: 'No such endpoint.' });
    return reply.code(404).type('text/html; charset=utf-8').send('<!doctype html><title>Not found</title><h1>Page not found</h1><p><a href="/">Home</a></p>');
  });

  const routes = [accountRoutes, invoiceRoutes, ticketRoutes, fileRoutes, adminRoutes, webhookRoutes, systemRoutes, webRoutes];
  for (const register of routes) register(app, ctx);
  if (!opts.mailbox) {
    // The mailbox route is registered by accountRoutes; without it, it answers 404 like any unknown path.
    app.addHook('onRequest', async (request, reply) => {
      if (request.url.startsWith('/__demo/')) return reply.code(404).send({ error: 'not_found', message: 'No such endpoint.' });
    });
  }
  return app;
}
