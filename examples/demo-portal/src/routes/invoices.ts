import type { FastifyInstance, FastifyReply } from 'fastify';
import { principalOf } from '../auth.js';
import { audit, type PortalContext } from '../context.js';
import { tooManyRequests } from '../rate-limit.js';
import { invoiceCsv, nowIso } from '../db.js';
import { IdParams, InvoiceCreateSchema, InvoiceListQuery, InvoiceUpdateSchema, OrgInvoiceParams } from '../schemas.js';

/**
 * Invoices belong to an organisation. The rule every query here must keep: the organisation
 * comes from the signed-in user, never from the request. Each BOLA flaw breaks that rule in one
 * place; another tenant's invoice is answered with 404 (not 403) so ids cannot be probed.
 */

interface InvoiceRow {
  id: number;
  org_id: number;
  number: string;
  customer: string;
  customer_email: string | null;
  amount_cents: number;
  currency: string;
  status: string;
  due_date: string | null;
  notes: string | null;
  created_by: number | null;
  created_at: string;
}

const NOT_FOUND = { error: 'not_found', message: 'Invoice not found.' };

function invoiceHeaders(ctx: PortalContext, reply: FastifyReply): void {
  // FLAW cache-public: invoice data marked cacheable by shared caches (CDN, corporate proxy).
  if (ctx.flaws.has('cache-public')) reply.header('cache-control', 'public, max-age=3600');
}

export function invoiceRoutes(app: FastifyInstance, ctx: PortalContext): void {
  const { db, auth, flaws } = ctx;
  const byId = db.prepare('SELECT * FROM invoices WHERE id = ?');
  const byIdInOrg = db.prepare('SELECT * FROM invoices WHERE id = ? AND org_id = ?');
  /** Exports are throttled per user: each one reads and formats whole tables. */
  const exportThrottled = (userId: number): boolean => {
    const key = String(userId);
    if (ctx.limits.exportAccount.retryAfter(key) > 0) return true;
    ctx.limits.exportAccount.add(key);
    return false;
  };

  app.get('/api/invoices', { onRequest: auth.guard(), schema: { querystring: InvoiceListQuery } }, async (request, reply) => {
    const p = principalOf(request);
    const q = request.query as { status?: string; org_id?: string };
    // FLAW bola-query: the org_id filter (meant for the admin console) is honoured for
    // everyone, so ?org_id=2 lists another organisation's invoices.
    const orgId = flaws.has('bola-query') && q.org_id ? Number(q.org_id) : p.user.org_id;
    // Correct version: the filter can only narrow the caller's own organisation.
    const rows = q.org_id && !flaws.has('bola-query') && Number(q.org_id) !== p.user.org_id
      ? []
      : db.prepare('SELECT * FROM invoices WHERE org_id = ? AND (? IS NULL OR status = ?) ORDER BY id').all(orgId, q.status ?? null, q.status ?? null);
    invoiceHeaders(ctx, reply);
    return { invoices: rows };
  });

  app.post('/api/invoices', { onRequest: auth.guard(), ...(flaws.has('mass-assignment') ? {} : { schema: { body: InvoiceCreateSchema } }) }, async (request, reply) => {
    const p = principalOf(request);
    let fields = request.body as Record<string, unknown>;
    let orgId = p.user.org_id;
    if (flaws.has('mass-assignment')) {
      // FLAW mass-assignment: the create handler spreads the request body over the defaults,
      // so {"org_id": 2} files the invoice under another organisation.
      if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return reply.code(400).send({ error: 'invalid_request', message: 'Expected a JSON object.' });
      fields = { org_id: p.user.org_id, ...fields };
      if (typeof fields.customer !== 'string' || typeof fields.amount_cents !== 'number') {
        return reply.code(400).send({ error: 'invalid_request', message: 'customer and amount_cents are required.' });
      }
      orgId = Number(fields.org_id ?? fields.orgId ?? fields.tenant_id ?? p.user.org_id);
      if (!db.prepare('SELECT 1 FROM orgs WHERE id = ?').get(orgId)) orgId = p.user.org_id;
    }
    const count = (db.prepare('SELECT COUNT(*) AS n FROM invoices WHERE org_id = ?').get(orgId) as { n: number }).n;
    const prefix = (db.prepare('SELECT slug FROM orgs WHERE id = ?').get(orgId) as { slug: string }).slug.slice(0, 4).toUpperCase();
    const number = `${prefix}-2026-${String(count + 1).padStart(4, '0')}-${Date.now().toString(36).slice(-4)}`;
    const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
    let id: number;
    try {
      id = Number(
        db
          .prepare(
            `INSERT INTO invoices (org_id, number, customer, customer_email, amount_cents, currency, status, due_date, notes, created_by, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(orgId, number, str(fields.customer), str(fields.customer_email), fields.amount_cents, str(fields.currency) ?? 'USD', str(fields.status) ?? 'draft', str(fields.due_date), str(fields.notes), p.user.id, nowIso()).lastInsertRowid,
      );
    } catch (err) {
      // Only the unvalidated (mass-assignment) build can get here with bad values; keep that
      // flaw about ownership, not about 500s.
      if (flaws.has('mass-assignment')) return reply.code(400).send({ error: 'invalid_request', message: 'Could not save those values.' });
      throw err;
    }
    audit(ctx, orgId, p.user.id, 'invoice.created', number);
    return reply.code(201).header('location', `/api/invoices/${id}`).send(byId.get(id));
  });

  app.get('/api/invoices/:id', { onRequest: auth.guard(), schema: { params: IdParams } }, async (request, reply) => {
    const p = principalOf(request);
    const id = Number((request.params as { id: string }).id);
    // FLAW bola-invoice-read: looked up by id alone — any signed-in user of any organisation
    // reads this invoice by counting ids.
    const row = flaws.has('bola-invoice-read') ? byId.get(id) : byIdInOrg.get(id, p.user.org_id);
    if (!row) return reply.code(404).send(NOT_FOUND);
    invoiceHeaders(ctx, reply);
    return row;
  });

  app.patch('/api/invoices/:id', { onRequest: auth.guard(), schema: { params: IdParams, body: InvoiceUpdateSchema } }, async (request, reply) => {
    const p = principalOf(request);
    const id = Number((request.params as { id: string }).id);
    // FLAW bola-invoice-update: the UPDATE is keyed by id alone.
    const existing = (flaws.has('bola-invoice-update') ? byId.get(id) : byIdInOrg.get(id, p.user.org_id)) as InvoiceRow | undefined;
    if (!existing) return reply.code(404).send(NOT_FOUND);
    const body = request.body as Partial<Record<keyof InvoiceRow, string | number>>;
    const editable = ['customer', 'customer_email', 'amount_cents', 'currency', 'status', 'due_date', 'notes'] as const;
    const sets = editable.filter((k) => body[k] !== undefined);
    db.prepare(`UPDATE invoices SET ${sets.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...Object.fromEntries(sets.map((k) => [k, body[k]])), id: existing.id });
    audit(ctx, existing.org_id, p.user.id, 'invoice.updated', existing.number);
    invoiceHeaders(ctx, reply);
    return byId.get(existing.id);
  });

  app.delete('/api/invoices/:id', { onRequest: auth.guard(), schema: { params: IdParams } }, async (request, reply) => {
    const p = principalOf(request);
    const id = Number((request.params as { id: string }).id);
    const existing = byIdInOrg.get(id, p.user.org_id) as InvoiceRow | undefined;
    if (!existing) return reply.code(404).send(NOT_FOUND);
    db.prepare('DELETE FROM invoices WHERE id = ?').run(id);
    audit(ctx, existing.org_id, p.user.id, 'invoice.deleted', existing.number);
    return reply.code(204).send();
  });

  app.get('/api/invoices/:id/export', { onRequest: auth.guard(), schema: { params: IdParams } }, async (request, reply) => {
    const p = principalOf(request);
    const id = Number((request.params as { id: string }).id);
    // FLAW bola-invoice-export: the export was added later and copied the query without the
    // organisation condition.
    if (exportThrottled(p.user.id)) return tooManyRequests(reply, ctx.limits.exportAccount.retryAfter(String(p.user.id)));
    const row = (flaws.has('bola-invoice-export') ? byId.get(id) : byIdInOrg.get(id, p.user.org_id)) as InvoiceRow | undefined;
    if (!row) return reply.code(404).send(NOT_FOUND);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${row.number}.csv"`)
      .send(invoiceCsv([row]));
  });

  // All of the caller's invoices as one CSV (the "Export" button on the dashboard).
  app.get('/api/exports/invoices.csv', { onRequest: auth.guard() }, async (request, reply) => {
    const p = principalOf(request);
    if (exportThrottled(p.user.id)) return tooManyRequests(reply, ctx.limits.exportAccount.retryAfter(String(p.user.id)));
    const rows = db.prepare('SELECT * FROM invoices WHERE org_id = ? ORDER BY id').all(p.user.org_id) as InvoiceRow[];
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="invoices.csv"').send(invoiceCsv(rows));
  });

  // Nested routes used by the multi-organisation switcher in the UI.
  const orgAllowed = (callerOrg: number, pathOrg: number): boolean =>
    // FLAW bola-nested: the organisation in the path is trusted as if the router had checked
    // membership; nothing compares it with the caller's organisation.
    flaws.has('bola-nested') || callerOrg === pathOrg;

  app.get('/api/orgs/:orgId/invoices', { onRequest: auth.guard(), schema: { params: OrgInvoiceParams } }, async (request, reply) => {
    const p = principalOf(request);
    const orgId = Number((request.params as { orgId: string }).orgId);
    if (!orgAllowed(p.user.org_id, orgId)) return reply.code(404).send({ error: 'not_found', message: 'Organisation not found.' });
    invoiceHeaders(ctx, reply);
    return { invoices: db.prepare('SELECT * FROM invoices WHERE org_id = ? ORDER BY id').all(orgId) };
  });

  app.get('/api/orgs/:orgId/invoices/:id', { onRequest: auth.guard(), schema: { params: OrgInvoiceParams } }, async (request, reply) => {
    const p = principalOf(request);
    const params = request.params as { orgId: string; id: string };
    const orgId = Number(params.orgId);
    if (!orgAllowed(p.user.org_id, orgId)) return reply.code(404).send(NOT_FOUND);
    const row = byIdInOrg.get(Number(params.id), orgId);
    if (!row) return reply.code(404).send(NOT_FOUND);
    invoiceHeaders(ctx, reply);
    return row;
  });
}
