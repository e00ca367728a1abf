import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { failed, type ProbeContext, type ProbeResult } from './types.js';

/**
 * "Transactional email still authenticates": the user's mail rule drops a copy of a message the
 * product sends (a password reset, a receipt) into a folder as .eml; each run authenticates the newest
 * one as receivers do (SPF for the connecting IP, DKIM, DMARC, ARC — see `launchready mail-check`).
 * It fails when DMARC does not pass, and when no fresh message has arrived (the mail, or the rule,
 * stopped). Not wired into `monitor:` config yet (the monitor's probe schema is owned elsewhere):
 * call it with a plan `{ folder, maxAgeMs }`.
 */
export interface MailAuthPlan {
  folder: string;
  /** The newest message must be younger than this (default 2 days). */
  maxAgeMs?: number;
}

const DAY = 86_400_000;

export async function mailAuthProbe(plan: MailAuthPlan, ctx: Pick<ProbeContext, 'resolver'>): Promise<ProbeResult> {
  const at = Date.now();
  const t0 = performance.now();
  let newest: { path: string; mtimeMs: number } | undefined;
  try {
    for (const name of await readdir(plan.folder)) {
      if (!name.toLowerCase().endsWith('.eml')) continue;
      const path = join(plan.folder, name);
      const s = await stat(path);
      if (s.isFile() && (!newest || s.mtimeMs > newest.mtimeMs)) newest = { path, mtimeMs: s.mtimeMs };
    }
  } catch (err) {
    return failed(at, `mail-auth: cannot read ${plan.folder}: ${(err as Error).message}`);
  }
  if (!newest) return failed(at, `mail-auth: no .eml message in ${plan.folder} — point your mail rule at this folder`);
  const age = at - newest.mtimeMs;
  const maxAge = plan.maxAgeMs ?? 2 * DAY;
  if (age > maxAge) return failed(at, `mail-auth: the newest message (${newest.path}) is ${(age / 3_600_000).toFixed(1)} h old (limit ${(maxAge / 3_600_000).toFixed(0)} h): the product stopped sending, or the mail rule stopped saving`);
  const { authenticateMessage } = await import('../../mail/message-auth.js');
  const ev = await authenticateMessage({ raw: await readFile(newest.path) }, ctx.resolver());
  const latencyMs = performance.now() - t0;
  const parts = [`SPF ${ev.spf.result}${ev.hop.ip ? ` (${ev.hop.ip})` : ''}`, ...ev.dkim.map((d) => `DKIM ${d.result} d=${d.domain}`), `DMARC ${ev.dmarc.result}${ev.dmarc.policy ? ` p=${ev.dmarc.policy}` : ''}`, ...(ev.arc ? [`ARC ${ev.arc.result}`] : [])];
  const evidence = [`${newest.path}: From ${ev.from ?? '?'}, Subject ${ev.subject ?? '?'}`, ...parts, ...ev.dnsFailures.map((f) => `DNS: ${f}`)].join('\n');
  const ok = ev.dmarc.result === 'pass';
  return { ok, at, latencyMs, httpStatus: null, message: `mail-auth: ${ok ? 'DMARC pass' : `DMARC ${ev.dmarc.result}`} for ${ev.fromDomain ?? '?'} (${parts.join(', ')})`, evidence, value: null, conditions: [], attempts: 1 };
}
