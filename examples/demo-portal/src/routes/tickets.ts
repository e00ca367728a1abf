import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth.js';
import { audit, type PortalContext } from '../context.js';
import { nowIso } from '../db.js';
import { IdParams, MessageCreateSchema, TicketCreateSchema } from '../schemas.js';

/** Support tickets and their message threads, scoped to the caller's organisation. */
export function ticketRoutes(app: FastifyInstance, ctx: PortalContext): void {
  const { db, auth, flaws } = ctx;

  app.get('/api/tickets', { onRequest: auth.guard() }, async (request) => {
    const p = principalOf(request);
    return { tickets: db.prepare('SELECT id, org_id, author_id, subject, status, priority, created_at FROM tickets WHERE org_id = ? ORDER BY id DESC').all(p.user.org_id) };
  });

  // Counts for the dashboard's support widget.
  // FLAW missing-auth: the route was added for the widget without the auth guard. Signed in,
  // it reports on the caller's organisation; with no credentials the "org" filter is empty and
  // it reports on every organisation's tickets, subjects included.
  app.get('/api/tickets/stats', flaws.has('missing-auth') ? {} : { onRequest: auth.guard() }, async (request) => {
    const caller = request.principal ?? auth.authenticate(request);
    const orgId = caller?.user.org_id ?? null;
    const where = 'WHERE (? IS NULL OR t.org_id = ?)';
    const counts = db.prepare(`SELECT t.status, COUNT(*) AS n FROM tickets t ${where} GROUP BY t.status`).all(orgId, orgId) as { status: string; n: number }[];
    const byPriority = db.prepare(`SELECT t.priority, COUNT(*) AS n FROM tickets t ${where} GROUP BY t.priority`).all(orgId, orgId) as { priority: string; n: number }[];
    const recent = db
      .prepare(`SELECT t.id, t.subject, t.status, t.priority, o.slug AS org FROM tickets t JOIN orgs o ON o.id = t.org_id ${where} ORDER BY t.id DESC LIMIT 10`)
      .all(orgId, orgId);
    return {
      total: counts.reduce((s, c) => s + c.n, 0),
      by_status: Object.fromEntries(counts.map((c) => [c.status, c.n])),
      by_priority: Object.fromEntries(byPriority.map((c) => [c.priority, c.n])),
      recent,
    };
  });

  if (flaws.has('stack-trace')) {
    // FLAW stack-trace: no request schema — whatever the client sent goes straight into the
    // INSERT, so a missing subject or an unknown priority is first noticed by SQLite's
    // constraints. The resulting exception reaches the (development) error handler, which
    // answers 500 with the stack trace and the SQL error text.
    app.post('/api/tickets', { onRequest: auth.guard() }, async (request, reply) => {
      const p = principalOf(request);
      const body = request.body as { subject: string; body: string; priority?: string };
      const id = Number(
        db
          .prepare('INSERT INTO tickets (org_id, author_id, subject, priority, created_at) VALUES (?, ?, ?, ?, ?)')
          .run(p.user.org_id, p.user.id, body.subject, body.priority ?? 'normal', nowIso()).lastInsertRowid,
      );
      db.prepare('INSERT INTO ticket_messages (ticket_id, author_id, body, created_at) VALUES (?, ?, ?, ?)').run(id, p.user.id, body.body, nowIso());
      audit(ctx, p.user.org_id, p.user.id, 'ticket.opened', String(body.subject));
      return reply.code(201).send(db.prepare('SELECT * FROM tickets WHERE id = ?').get(id));
    });
  } else {
    app.post('/api/tickets', { onRequest: auth.guard(), schema: { body: TicketCreateSchema } }, async (request, reply) => {
      const p = principalOf(request);
      const body = request.body as { subject: string; body: string; priority?: string };
      const id = db.transaction(() => {
        const ticketId = Number(
          db
            .prepare('INSERT INTO tickets (org_id, author_id, subject, priority, created_at) VALUES (?, ?, ?, ?, ?)')
            .run(p.user.org_id, p.user.id, body.subject, body.priority ?? 'normal', nowIso()).lastInsertRowid,
        );
        db.prepare('INSERT INTO ticket_messages (ticket_id, author_id, body, created_at) VALUES (?, ?, ?, ?)').run(ticketId, p.user.id, body.body, nowIso());
        return ticketId;
      })();
      audit(ctx, p.user.org_id, p.user.id, 'ticket.opened', body.subject);
      return reply.code(201).header('location', `/api/tickets/${id}`).send(db.prepare('SELECT * FROM tickets WHERE id = ?').get(id));
    });
  }

  app.get('/api/tickets/:id', { onRequest: auth.guard(), schema: { params: IdParams } }, async (request, reply) => {
    const p = principalOf(request);
    const id = Number((request.params as { id: string }).id);
    const ticket = db.prepare('SELECT * FROM tickets WHERE id = ? AND org_id = ?').get(id, p.user.org_id);
    if (!ticket) return reply.code(404).send({ error: 'not_found', message: 'Ticket not found.' });
    const messages = db
      .prepare('SELECT m.id, m.body, m.created_at, u.name AS author FROM ticket_messages m LEFT JOIN users u ON u.id = m.author_id WHERE m.ticket_id = ? ORDER BY m.id')
      .all(id);
    return { ...(ticket as object), messages };
  });

  app.post('/api/tickets/:id/messages', { onRequest: auth.guard(), schema: { params: IdParams, body: MessageCreateSchema } }, async (request, reply) => {
    const p = principalOf(request);
    const id = Number((request.params as { id: string }).id);
    if (!db.prepare('SELECT 1 FROM tickets WHERE id = ? AND org_id = ?').get(id, p.user.org_id)) {
      return reply.code(404).send({ error: 'not_found', message: 'Ticket not found.' });
    }
    const { body } = request.body as { body: string };
    const msgId = Number(db.prepare('INSERT INTO ticket_messages (ticket_id, author_id, body, created_at) VALUES (?, ?, ?, ?)').run(id, p.user.id, body, nowIso()).lastInsertRowid);
    return reply.code(201).send(db.prepare('SELECT id, ticket_id, body, created_at FROM ticket_messages WHERE id = ?').get(msgId));
  });
}
