import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { defineGatherer, NotApplicable } from '../../engine/check.js';
import type { RedactedValue } from '../../model/finding.js';
import type { Severity } from '../../model/severity.js';
import { redactedValue } from '../../net/redact.js';
import { isExcluded } from '../routes.js';
import { isSoft404, matchTemplate, type ProbeResponse } from './match.js';
import { PATH_TEMPLATES, type InternalPathArea, type PathTemplate } from './templates.js';

/**
 * Known internal paths, probed: a soft-404 baseline first (what do random paths answer?), then one
 * GET per template on the target's host, redirects not followed. A matching answer that looks like
 * the baseline is a catch-all page, not a hit. Secret values in a hit are kept only as prefix, length
 * and sha256 (and registered with the run so no later evidence prints them); bodies are never kept.
 */

export interface InternalPathHit {
  id: string;
  name: string;
  area: InternalPathArea;
  severity: Severity;
  /** Set when the escalation matcher held. */
  escalated?: { severity: Severity; why: string };
  url: string;
  path: string;
  status: number;
  contentType: string;
  length: number;
  bodySha256: string;
  matched: string[];
  secret?: RedactedValue;
  impact: string;
  fix: string;
}

export interface InternalPathsEvidence {
  origin: string;
  baselines: Array<{ path: string; status: number; contentType: string; length: number }>;
  hits: InternalPathHit[];
  /** Matched, but indistinguishable from the random-path baseline (a catch-all server). */
  soft404: string[];
  tested: number;
  notTested: Array<{ id: string; path: string; reason: string }>;
}

const FATAL = new Set(['BudgetExhausted', 'RunAborted', 'LoopbackViolation', 'ScopeViolation']);
const BODY_CAP = 256 * 1024;

export function baselinePaths(seed = randomBytes(6).toString('hex')): string[] {
  return [`/lr-${seed}-missing`, `/.lr-${seed}`, `/lr-${seed}/index.php`];
}

export const internalPathsGatherer = defineGatherer<InternalPathsEvidence>({
  id: 'surface/internal-paths',
  async gather(ctx) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL to probe for internal paths');
    const origin = base.origin;
    const send = async (path: string): Promise<ProbeResponse | undefined> => {
      const ex = await ctx.http.request({ url: new URL(path, origin), followRedirects: 0, headers: { accept: '*/*' }, area: 'deployment', maxBodyBytes: BODY_CAP });
      if (!ex.response) return undefined;
      return { status: ex.response.status, contentType: ex.response.headers['content-type'] ?? '', body: ex.response.body.toString('latin1') };
    };
    const out: InternalPathsEvidence = { origin, baselines: [], hits: [], soft404: [], tested: 0, notTested: [] };
    const baselines: Array<ProbeResponse & { path: string }> = [];
    for (const p of baselinePaths()) {
      const r = await send(p);
      if (r) {
        baselines.push({ ...r, path: p });
        out.baselines.push({ path: p, status: r.status, contentType: r.contentType, length: r.body.length });
      }
    }
    if (baselines.length === 0) throw new Error(`${origin} did not answer the random-path baseline requests`);
    const templates: PathTemplate[] = [];
    for (const t of PATH_TEMPLATES) {
      if (isExcluded({ method: 'GET', path: t.path.split('?')[0]! }, ctx.config.api.exclude)) out.notTested.push({ id: t.id, path: t.path, reason: 'excluded by api.exclude' });
      else templates.push(t);
    }
    for (const [i, t] of templates.entries()) {
      if (ctx.signal.aborted) break;
      let r: ProbeResponse | undefined;
      try {
        r = await send(t.path);
      } catch (err) {
        if ((err as Error).name === 'BudgetExhausted') {
          for (const rest of templates.slice(i)) out.notTested.push({ id: rest.id, path: rest.path, reason: 'the request budget ran out' });
          break;
        }
        if (FATAL.has((err as Error).name)) throw err;
        out.notTested.push({ id: t.id, path: t.path, reason: (err as Error).message });
        continue;
      }
      if (!r) {
        out.notTested.push({ id: t.id, path: t.path, reason: 'no response' });
        continue;
      }
      out.tested++;
      const m = matchTemplate(t, r);
      if (!m.hit) continue;
      if (isSoft404(r, t.path, baselines)) {
        out.soft404.push(t.path);
        continue;
      }
      const hit: InternalPathHit = {
        id: t.id,
        name: t.name,
        area: t.area,
        severity: t.severity,
        url: new URL(t.path, origin).href,
        path: t.path,
        status: r.status,
        contentType: r.contentType,
        length: r.body.length,
        bodySha256: createHash('sha256').update(Buffer.from(r.body, 'latin1')).digest('hex'),
        matched: m.matched,
        impact: t.impact,
        fix: t.fix,
      };
      if (t.escalate?.regex.test(r.body)) hit.escalated = { severity: t.escalate.severity, why: t.escalate.why };
      const secret = t.secret?.exec(r.body)?.[1]?.trim();
      if (secret) {
        hit.secret = redactedValue(secret);
        ctx.http.registerSecret(secret);
      }
      out.hits.push(hit);
    }
    return out;
  },
});
