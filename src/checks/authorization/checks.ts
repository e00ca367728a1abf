import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { CheckContext } from '../../engine/context.js';
import { notTestedDraft, pairEvidence, routeLocation, withPass } from '../authentication/checks.js';
import { accessProbeGatherer, type AccessProbe, type BolaCase } from '../../probes/authorization/probe.js';

function skipFor(ctx: CheckContext, reason: string): FindingDraft[] {
  return [{ status: 'skip', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {}, reason }];
}

const VERB: Record<BolaCase['operation'], string> = {
  read: 'read',
  export: 'export',
  download: 'download',
  update: 'change',
  delete: 'delete',
  write: 'write to',
  credentials: 'change the password of',
  'tenant-query': 'list',
};

function cleanupNotes(probe: AccessProbe): string[] {
  return probe.cleanup.length ? [`cleanup: ${probe.cleanup.slice(0, 6).join('; ')}${probe.cleanup.length > 6 ? ` … (${probe.cleanup.length} objects)` : ''}`] : [];
}

export const tenantIsolation = defineCheck({
  meta: {
    id: 'authorization/bola',
    area: 'authorization',
    severity: 'critical',
    title: 'Users of one tenant cannot read, change or delete another tenant\'s records by changing an id',
    why: 'Broken object-level authorisation is the most common and most damaging API flaw: one customer sees another customer\'s invoices by counting ids.',
    breaks: 'Any signed-in user — a free trial account is enough — reads, edits, exports or deletes other customers\' data.',
    fix: 'Scope every query by the caller\'s tenant from the session, never from the request (`WHERE id = ? AND org_id = :session_org`); answer 404 for other tenants\' ids; test it with two accounts in CI.',
    references: ['OWASP API1:2023 Broken Object Level Authorization', 'OWASP ASVS 4.2.1', 'CWE-639'],
  },
  requires: { probe: accessProbeGatherer },
  run({ probe }, ctx) {
    if (probe.skipped.bola) return skipFor(ctx, probe.skipped.bola);
    const out: FindingDraft[] = [];
    for (const c of probe.bola.filter((x) => x.leaked)) {
      const verb = VERB[c.operation];
      const title =
        c.operation === 'tenant-query'
          ? `${c.attacker} lists ${c.victim}'s records by setting ?${c.param}= on ${c.route.method} ${c.route.path}`
          : c.operation === 'credentials'
            ? `${c.attacker} can change ${c.victim}'s password through ${c.route.method} ${c.route.path}`
            : `${c.attacker} can ${verb} ${c.victim}'s (another tenant's) object through ${c.route.method} ${c.route.path}`;
      const notes = [
        c.proof,
        ...(c.after ? [`${c.victim}'s read afterwards: ${c.after.request.method} ${new URL(c.after.request.url).pathname} → ${c.after.response?.status ?? 'no response'}`] : []),
        ...(c.restore ? [c.restore.outcome] : []),
        ...(c.sources && Object.keys(c.sources).length ? [`ids used: ${Object.entries(c.sources).map(([k, v]) => `{${k}} from ${v}`).join('; ')}`] : []),
      ];
      const evidence = c.owner
        ? c.operation === 'credentials'
          ? pairEvidence(ctx, { label: `as ${c.attacker} (other tenant): set ${c.victim}'s password`, exchange: c.attack }, { label: `${c.victim} logs in with the new password`, exchange: c.owner }, notes)
          : pairEvidence(ctx, { label: `as ${c.victim} (owner)`, exchange: c.owner }, { label: `as ${c.attacker} (other tenant)`, exchange: c.attack }, notes)
        : { ...ctx.evidence.exchange(c.attack), notes };
      if (c.after && c.owner) evidence.response = `${evidence.response}\n\n# as ${c.victim} afterwards\n${ctx.evidence.exchange(c.after, { bodyLimit: 300 }).response ?? ''}`;
      for (const r of c.restore?.exchanges ?? []) evidence.response = `${evidence.response}\n\n# restore\n${ctx.evidence.exchange(r, { bodyLimit: 200 }).response ?? ''}`;
      out.push({
        status: 'fail',
        ...(c.operation === 'read' || c.operation === 'export' || c.operation === 'download' || c.operation === 'tenant-query' ? {} : { severity: 'critical' as const }),
        title,
        location: routeLocation(ctx, c.route),
        evidence,
        discriminator: c.param ? `${c.operation}:${c.param}` : c.operation,
      });
    }
    if (out.length === 0 && probe.bola.length === 0) return skipFor(ctx, `no route with an object id could be tested: ${probe.notTested.filter((n) => n.check === 'bola').slice(0, 5).map((n) => `${n.route.method} ${n.route.path} (${n.reason})`).join('; ') || 'the API surface has none'}`);
    if (out.length) out[0]!.evidence!.notes = [...(out[0]!.evidence!.notes ?? []), ...cleanupNotes(probe)];
    return [...withPass(ctx, out, probe.bola.length), ...notTestedDraft(ctx, 'tenant isolation', probe.notTested.filter((n) => n.check === 'bola'))];
  },
});

export const functionLevelAuthorization = defineCheck({
  meta: {
    id: 'authorization/bfla',
    area: 'authorization',
    severity: 'high',
    title: 'Members cannot call admin-only functions',
    why: 'Hiding the admin menu is not access control: the admin API answers whoever calls it unless the server checks the role.',
    breaks: 'A normal user lists every account, changes roles (including their own to admin), or removes colleagues.',
    fix: 'Check the caller\'s role on the server for every privileged route (a `requireRole("admin")` middleware on the whole /admin router), deny by default.',
    references: ['OWASP API5:2023 Broken Function Level Authorization', 'OWASP ASVS 4.1.3', 'CWE-285'],
  },
  requires: { probe: accessProbeGatherer },
  run({ probe }, ctx) {
    if (probe.skipped.bfla) return skipFor(ctx, probe.skipped.bfla);
    const out: FindingDraft[] = [];
    for (const c of probe.bfla.filter((x) => x.leaked)) {
      const notes = [c.proof, ...(c.route.rolesInferred ? ['admin-only was inferred from the path; declare roles in api.routes or x-roles if that is wrong'] : [`declared roles: ${c.route.roles!.join(', ')}`])];
      const evidence = c.privileged
        ? pairEvidence(ctx, { label: `as ${c.privileged.identity} (allowed)`, exchange: c.privileged.exchange }, { label: `as ${c.identity} (${c.role})`, exchange: c.attack }, notes)
        : { ...ctx.evidence.exchange(c.attack), notes };
      out.push({ status: 'fail', title: `${c.identity} (${c.role}) can call the admin-only ${c.route.method} ${c.route.path}`, location: routeLocation(ctx, c.route), evidence, discriminator: c.identity });
    }
    if (out.length === 0 && probe.bfla.length === 0) return skipFor(ctx, `no admin-only route could be exercised: ${probe.notTested.filter((n) => n.check === 'bfla').slice(0, 5).map((n) => `${n.route.method} ${n.route.path} (${n.reason})`).join('; ')}`);
    return [...withPass(ctx, out, probe.bfla.length), ...notTestedDraft(ctx, 'role checks', probe.notTested.filter((n) => n.check === 'bfla'))];
  },
});

export const massAssignment = defineCheck({
  meta: {
    id: 'authorization/mass-assignment',
    area: 'authorization',
    severity: 'critical',
    title: 'Writes ignore privileged fields (role, is_admin, tenant, owner, verified)',
    why: 'Frameworks that copy the request body onto the record let a user set fields the form never showed: their role, their organisation, who owns a record.',
    breaks: 'A member makes themselves admin, moves into another customer\'s organisation, or files records under another tenant.',
    fix: 'Accept an explicit allow-list of fields per endpoint (a DTO or schema with additionalProperties: false); set tenant and owner from the session on the server.',
    references: ['OWASP API3:2023 Broken Object Property Level Authorization', 'OWASP ASVS 5.1.2', 'CWE-915'],
  },
  requires: { probe: accessProbeGatherer },
  run({ probe }, ctx) {
    if (probe.skipped['mass-assignment'] && probe.mass.length === 0) return skipFor(ctx, probe.skipped['mass-assignment']);
    const out: FindingDraft[] = [];
    for (const c of probe.mass) {
      const fields = Object.keys(c.stuck);
      if (fields.length === 0) continue;
      const notes = [
        `sent: ${JSON.stringify(c.injected)}`,
        `kept: ${fields.map((f) => `${f}: ${JSON.stringify(c.stuck[f]![0])} → ${JSON.stringify(c.stuck[f]![1])}`).join(', ')}`,
        ...(c.restored ? [c.restored] : []),
      ];
      const evidence = c.readback
        ? pairEvidence(ctx, { label: `as ${c.identity}: the write`, exchange: c.request }, { label: `as ${c.readback.request.identity ?? c.identity}: read back`, exchange: c.readback }, notes)
        : { ...ctx.evidence.exchange(c.request), notes };
      evidence.reproduce = ctx.evidence.exchange(c.request).reproduce ?? evidence.reproduce ?? '';
      const what =
        c.target === 'profile'
          ? `${c.identity} changes its own ${fields.join(', ')}`
          : c.target === 'signup'
            ? `a new account sets its own ${fields.join(', ')} at signup (${c.route.method} ${c.route.path})`
            : `${c.route.method} ${c.route.path} takes ${fields.join(', ')} from the request`;
      out.push({ status: 'fail', title: `Mass assignment: ${what}`, location: routeLocation(ctx, c.route), evidence, discriminator: c.target });
    }
    return [...withPass(ctx, out, probe.mass.length), ...notTestedDraft(ctx, 'mass assignment', probe.notTested.filter((n) => n.check === 'mass-assignment'))];
  },
});
