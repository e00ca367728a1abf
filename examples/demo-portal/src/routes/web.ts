import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { parseCookies, SESSION_COOKIE } from '../auth.js';
import type { PortalContext } from '../context.js';
import { buildBundle } from '../web/bundle.js';
import { APP_CSS, dashboardPage, landingPage, tokenFormPage } from '../web/pages.js';

/** The web UI: landing page, dashboard shell, emailed-link pages and the static bundle. */
export function webRoutes(app: FastifyInstance, ctx: PortalContext): void {
  const { auth, flaws } = ctx;
  // FLAW bundle-secret: the front-end config is built with the Stripe secret key in it.
  const bundle = buildBundle(flaws.has('bundle-secret') ? ctx.leakedStripeKey : null);
  const html = 'text/html; charset=utf-8';

  // FLAW slow-landing: a third-party chat widget pasted into <head> as a plain (render-blocking)
  // <script>. Its host is slow, and the browser paints nothing until the script has arrived.
  const slowLanding = flaws.has('slow-landing');
  app.get('/', async (_request, reply) =>
    reply.type(html).header('cache-control', 'no-cache').send(landingPage(slowLanding ? { blockingScript: '/static/chat-widget.js' } : {})),
  );
  if (slowLanding) {
    const widget = `/* chat widget */\n${'window.__chatWidgetState = (window.__chatWidgetState || 0) + 1;\n'.repeat(6000)}`;
    app.get('/static/chat-widget.js', async (_request, reply) => {
      await sleep(2500);
      return reply.type('application/javascript; charset=utf-8').header('cache-control', 'no-store').send(widget);
    });
  }

  app.get('/dashboard', async (request, reply) => {
    const session = auth.getSession(parseCookies(request.headers.cookie)[SESSION_COOKIE]);
    const user = session?.user_id ? auth.userById(session.user_id) : null;
    if (!session || !user) return reply.redirect('/login', 303);
    return reply.type(html).header('cache-control', 'no-store').send(dashboardPage(session.csrf_token, user.name));
  });

  const tokenOf = (query: unknown): string => {
    const t = (query as { token?: unknown }).token;
    return typeof t === 'string' ? t.slice(0, 200) : '';
  };
  app.get('/forgot-password', async (_request, reply) => reply.type(html).header('cache-control', 'no-store').send(tokenFormPage('forgot', '')));
  app.get('/reset-password', async (request, reply) => reply.type(html).header('cache-control', 'no-store').send(tokenFormPage('reset', tokenOf(request.query))));
  app.get('/invite', async (request, reply) => reply.type(html).header('cache-control', 'no-store').send(tokenFormPage('invite', tokenOf(request.query))));

  app.get('/static/app.js', async (_request, reply) => reply.type('application/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(bundle.js));
  app.get('/static/app.js.map', async (_request, reply) => reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send(bundle.map));
  app.get('/static/app.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(APP_CSS));
}
