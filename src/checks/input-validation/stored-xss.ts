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
      const ran = hits.filter((x) => x.exec);
      const h = ran[0] ?? hits[0]!;
      const viewers = [...new Set(hits.map((x) => x.viewer))];
      const pages = [...new Set(hits.map((x) => new URL(x.page).pathname))];
      const clean = probe.cleanup.find((c) => c.write === h.write);
      const via = h.write.via === 'api' ? `the API's "${h.field}" value of POST ${new URL(h.write.form.action).pathname}` : `the "${h.field}" field of POST ${new URL(h.write.form.action).pathname}`;
      const sink = hits.find((x) => x.sink)?.sink;
      const n = h.exec?.n ?? h.write.fields[h.field];
      out.push({
        status: ran.length ? 'fail' : 'warn',
        ...(ran.length ? {} : { severity: 'medium' as const }),
        title: ran.length
          ? `Stored XSS: ${via} runs script on ${pages.join(', ')} (viewed by ${viewers.join(', ')})`
          : `${via} reaches ${sink?.sink ?? 'a DOM sink'} on ${pages.join(', ')} unsanitised (the payload did not run)`,
        location: { url: h.write.form.action, method: 'POST', detail: h.field },
        discriminator: k,
        evidence: {
          request: `POST ${h.write.form.action}${h.write.identity ? ` (as ${h.write.identity})` : ''}\n${h.field}=<the run's marker payload, calls __lrx(${n})>`,
          notes: [
            h.exec
              ? `Proof: after the run created an object${h.write.via === 'api' ? ' through the API' : ' through this form'}, Chromium loaded ${h.page} as ${h.viewer} and the stored payload ran — it called __lrx(${h.exec.n}) from: ${h.exec.stack.split('\n').slice(0, 3).map((l) => l.trim()).join(' | ') || '(inline handler)'}.`
              : `After the run created an object, ${h.page} (as ${h.viewer}) passed the stored payload to ${sink?.sink}.`,
            ...(sink ? [`DOM sink ${sink.sink} got the value; stack: ${sink.stack.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 4).join(' | ')}`] : []),
            `Seen by: ${hits.map((x) => `${x.viewer} on ${new URL(x.page).pathname}${x.exec ? ' (ran)' : ''}`).join('; ')}.`,
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
          ? { status: 'pass', location: base, evidence: { notes: [`${ok.length} form(s) written with markers (${ok.map((w) => `POST ${new URL(w.form.action).pathname}${w.via === 'api' ? ' (API)' : ''}`).join(', ')}), ${probe.viewed.length} page views by ${[...new Set(probe.viewed.map((v) => v.viewer))].join(', ')}: no payload ran.`, ...probe.cleanup.map((c) => `Clean-up of POST ${new URL(c.write.form.action).pathname}: ${c.detail}`)] } }
          : { status: 'skip', location: base, reason: `the content forms could not be submitted in the browser: ${probe.writes.map((w) => w.error).join('; ')}` },
      );
    }
    const left = probe.cleanup.filter((c) => c.outcome === 'left');
    if (left.length) out.push({ status: 'warn', severity: 'info', title: 'Objects the stored-XSS probe created were left behind', location: { ...base, detail: 'cleanup' }, discriminator: 'cleanup', evidence: { notes: left.map((c) => c.detail) } });
    if (probe.skipped.length) out.push({ status: 'skip', location: { ...base, detail: 'not tested' }, discriminator: 'not-tested', reason: probe.skipped.join('; ') });
    return out;
  },
});
