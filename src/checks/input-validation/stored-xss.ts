import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { storedXssGatherer } from '../../probes/xss/stored.js';

export const storedXss = defineCheck({
  meta: {
    id: 'input-validation/stored-xss',
    area: 'input-validation',
    severity: 'critical',
    title: 'Content users write cannot run script when others view it (stored XSS)',
    why: 'A field that is saved and later rendered without encoding runs the writer\'s script in the browser of everyone who views it — including admins — with no link to click.',
    breaks: 'One user (or a sign-up) plants script that acts as every viewer: takes over admin sessions, changes other users\' data, spreads itself.',
    fix: 'Encode on output for the context (template auto-escaping; never mark stored text as safe HTML); when rich text is needed, sanitise it with a maintained sanitiser (DOMPurify, sanitize-html, bleach) on output; add a Content-Security-Policy without unsafe-inline.',
    references: ['OWASP ASVS 5.3.3', 'CWE-79', 'https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html'],
  },
  requires: { probe: storedXssGatherer },
  run({ probe }, ctx) {
    const out: FindingDraft[] = [];
    const byField = new Map<string, typeof probe.hits>();
    for (const h of probe.hits) {
      const k = `${new URL(h.write.form.action).pathname} ${h.field}`;
      byField.set(k, [...(byField.get(k) ?? []), h]);
    }
    for (const [k, hits] of byField) {
      const h = hits[0]!;
      const viewers = [...new Set(hits.map((x) => x.viewer))];
      const pages = [...new Set(hits.map((x) => new URL(x.page).pathname))];
      const clean = probe.cleanup.find((c) => c.write === h.write);
      out.push({
        status: 'fail',
        title: `Stored XSS: the "${h.field}" field of POST ${new URL(h.write.form.action).pathname} runs script on ${pages.join(', ')} (viewed by ${viewers.join(', ')})`,
        location: { url: h.write.form.action, method: 'POST', detail: h.field },
        discriminator: k,
        evidence: {
          request: `POST ${h.write.form.action}${h.write.identity ? ` (as ${h.write.identity})` : ''}\n${h.field}=<the run's marker payload, calls __lrx(${h.exec.n})>`,
          notes: [
            `Proof: after the run created an object through this form, Chromium loaded ${h.page} as ${h.viewer} and the stored payload ran — it called __lrx(${h.exec.n}) from: ${h.exec.stack.split('\n').slice(0, 3).map((l) => l.trim()).join(' | ') || '(inline handler)'}.`,
            `It ran for: ${hits.map((x) => `${x.viewer} on ${new URL(x.page).pathname}`).join('; ')}.`,
            `Clean-up: ${clean ? clean.detail : 'not attempted'}.`,
          ],
        },
      });
    }
    const base = ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {};
    if (out.length === 0 && probe.writes.length > 0) {
      const ok = probe.writes.filter((w) => !w.error);
      out.push(
        ok.length
          ? { status: 'pass', location: base, evidence: { notes: [`${ok.length} form(s) written with markers (${ok.map((w) => `POST ${new URL(w.form.action).pathname}`).join(', ')}), ${probe.viewed.length} page views by ${[...new Set(probe.viewed.map((v) => v.viewer))].join(', ')}: no payload ran.`, ...probe.cleanup.map((c) => `Clean-up of POST ${new URL(c.write.form.action).pathname}: ${c.detail}`)] } }
          : { status: 'skip', location: base, reason: `the content forms could not be submitted in the browser: ${probe.writes.map((w) => w.error).join('; ')}` },
      );
    }
    const left = probe.cleanup.filter((c) => c.outcome === 'left');
    if (left.length) out.push({ status: 'warn', severity: 'info', title: 'Objects the stored-XSS probe created were left behind', location: { ...base, detail: 'cleanup' }, discriminator: 'cleanup', evidence: { notes: left.map((c) => c.detail) } });
    if (probe.skipped.length) out.push({ status: 'skip', location: { ...base, detail: 'not tested' }, discriminator: 'not-tested', reason: probe.skipped.join('; ') });
    return out;
  },
});
