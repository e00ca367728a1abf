import type { FastifyInstance } from 'fastify';
import { principalOf, publicUser, type UserRow } from '../auth.js';
import { audit, type PortalContext } from '../context.js';
import { IdParams, RoleChangeSchema } from '../schemas.js';

/** Organisation administration: list members, change roles, remove members. Admins only. */
export function adminRoutes(app: FastifyInstance, ctx: PortalContext): void {
  const { db, auth, flaws } = ctx;
  // FLAW bfla-admin: the admin routes only check that the caller is signed in. The UI hides the
  // admin menu from members, which is not access control.
  const adminOnly = auth.guard(flaws.has('bfla-admin') ? {} : { role: 'admin' });
  const memberOfOrg = (id: number, orgId: number): UserRow | undefined => db.prepare('SELECT * FROM users WHERE id = ? AND org_id = ?').get(id, orgId) as UserRow | undefined;

  app.get('/api/admin/users', { onRequest: adminOnly }, async (request) => {
    const p = principalOf(request);
    const users = db.prepare('SELECT * FROM users WHERE org_id = ? ORDER BY id').all(p.user.org_id) as UserRow[];
    return { users: users.map((u) => publicUser(u)) };
  });

  app.post('/api/admin/users/:id/role', { onRequest: adminOnly, schema: { params: IdParams, body: RoleChangeSchema } }, async (request, reply) => {
    const p = principalOf(request);
    const target = memberOfOrg(Number((request.params as { id: string }).id), p.user.org_id);
    if (!target) return reply.code(404).send({ error: 'not_found', message: 'User not found.' });
    const { role } = request.body as { role: 'member' | 'admin' };
    db.prepare('UPDATE users SET role = ? WHERE id = ?').run(role, target.id);
    audit(ctx, p.user.org_id, p.user.id, 'user.role_changed', `${target.email} → ${role}`);
    return publicUser(auth.userById(target.id) as UserRow);
  });

  app.delete('/api/admin/users/:id', { onRequest: adminOnly, schema: { params: IdParams } }, async (request, reply) => {
    const p = principalOf(request);
    const target = memberOfOrg(Number((request.params as { id: string }).id), p.user.org_id);
    if (!target) return reply.code(404).send({ error: 'not_found', message: 'User not found.' });
    if (target.id === p.user.id) return reply.code(409).send({ error: 'conflict', message: 'You cannot remove yourself.' });
    db.prepare('DELETE FROM users WHERE id = ?').run(target.id);
    audit(ctx, p.user.org_id, p.user.id, 'user.removed', target.email);
    return reply.code(204).send();
  });
}
