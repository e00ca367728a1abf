import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth.js';
import { audit, type PortalContext } from '../context.js';
import { nowIso } from '../db.js';
import { FileUploadSchema, IdParams } from '../schemas.js';

/** Documents attached to invoices (statements, receipts). Stored in SQLite, served as attachments. */
export function fileRoutes(app: FastifyInstance, ctx: PortalContext): void {
  const { db, auth, flaws } = ctx;
  const meta = 'id, org_id, invoice_id, name, content_type, length(content) AS size, created_at';

  app.get('/api/files', { onRequest: auth.guard() }, async (request) => {
    const p = principalOf(request);
    return { files: db.prepare(`SELECT ${meta} FROM files WHERE org_id = ? ORDER BY id`).all(p.user.org_id) };
  });

  app.post('/api/files', { onRequest: auth.guard(), schema: { body: FileUploadSchema } }, async (request, reply) => {
    const p = principalOf(request);
    const body = request.body as { name: string; content: string; content_type?: string; invoice_id?: number };
    if (body.invoice_id !== undefined && !db.prepare('SELECT 1 FROM invoices WHERE id = ? AND org_id = ?').get(body.invoice_id, p.user.org_id)) {
      return reply.code(404).send({ error: 'not_found', message: 'Invoice not found.' });
    }
    const id = Number(
      db
        .prepare('INSERT INTO files (org_id, invoice_id, name, content_type, content, uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(p.user.org_id, body.invoice_id ?? null, body.name, body.content_type ?? 'text/plain', Buffer.from(body.content), p.user.id, nowIso()).lastInsertRowid,
    );
    audit(ctx, p.user.org_id, p.user.id, 'file.uploaded', body.name);
    return reply.code(201).header('location', `/api/files/${id}`).send(db.prepare(`SELECT ${meta} FROM files WHERE id = ?`).get(id));
  });

  app.get('/api/files/:id', { onRequest: auth.guard(), schema: { params: IdParams } }, async (request, reply) => {
    const p = principalOf(request);
    const row = db.prepare(`SELECT ${meta} FROM files WHERE id = ? AND org_id = ?`).get(Number((request.params as { id: string }).id), p.user.org_id);
    return row ?? reply.code(404).send({ error: 'not_found', message: 'File not found.' });
  });

  app.get('/api/files/:id/download', { onRequest: auth.guard(), schema: { params: IdParams } }, async (request, reply) => {
    const p = principalOf(request);
    const id = Number((request.params as { id: string }).id);
    // FLAW bola-file-download: the download handler fetches the blob by id alone (the metadata
    // route above checks the organisation; this one was written separately and does not).
    const row = (flaws.has('bola-file-download')
      ? db.prepare('SELECT * FROM files WHERE id = ?').get(id)
      : db.prepare('SELECT * FROM files WHERE id = ? AND org_id = ?').get(id, p.user.org_id)) as { name: string; content_type: string; content: Buffer } | undefined;
    if (!row) return reply.code(404).send({ error: 'not_found', message: 'File not found.' });
    return reply
      .type(row.content_type)
      .header('content-disposition', `attachment; filename="${row.name.replace(/["\\\r\n]/g, '_')}"`)
      .send(row.content);
  });
}
