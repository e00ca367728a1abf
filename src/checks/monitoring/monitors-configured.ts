import { defineCheck, defineGatherer } from '../../engine/check.js';
import type { MonitorConfig } from '../../monitor/schema.js';

/** The monitor section of the config, as evidence (no I/O: the config is the evidence). */
const monitorPlan = defineGatherer<MonitorConfig | undefined>({
  id: 'monitoring/config',
  gather: async (ctx) => ctx.config.monitor,
});

export const monitorsConfigured = defineCheck({
  meta: {
    id: 'monitoring/monitors-configured',
    area: 'monitoring',
    severity: 'medium',
    title: 'Uptime and synthetic-login monitors alert someone within minutes',
    why: 'After launch, the first sign of an outage should reach you, not a customer. An uptime probe plus a synthetic login catches both "site down" and "site up but nobody can log in".',
    breaks: 'Outages and broken logins run for hours until a customer complains.',
    fix: 'Add a monitor: section to launchready.yml with at least one notifier (Slack, webhook or email) and run `launchready monitor --config launchready.yml`; its defaults probe the homepage, login page, health endpoint and a synthetic login every 30 s.',
    references: ['https://sre.google/sre-book/monitoring-distributed-systems/'],
  },
  requires: { monitor: monitorPlan },
  run({ monitor }, ctx) {
    const loc = { url: ctx.target.baseUrl?.href ?? '', detail: 'monitor:' };
    if (!monitor)
      return [{ status: 'warn', title: 'No monitor is configured in launchready.yml (monitors kept in another tool cannot be seen from here)', location: loc, reason: 'not confirmed' }];
    const notifiers = monitor.notifiers ?? [];
    const out = [];
    if (notifiers.length === 0) out.push({ status: 'fail' as const, title: 'Monitors are configured but have nowhere to alert (no notifiers)', location: loc, discriminator: 'notifiers', fix: 'Add monitor.notifiers: e.g. [{ kind: slack, url: "${SLACK_WEBHOOK_URL}" }] or an email or webhook notifier.' });
    const probes = monitor.probes ?? [];
    const derived = monitor.defaults !== false;
    const hasIdentities = Object.keys(ctx.config.identities).length > 0;
    const synthetic = probes.some((p) => p.kind === 'login') || (derived && hasIdentities);
    if (!synthetic) out.push({ status: 'warn' as const, severity: 'low' as const, title: 'No synthetic-login probe: a broken login would not alert while the homepage stays up', location: loc, discriminator: 'synthetic-login', fix: 'Add an identity to launchready.yml (the monitor derives a synthetic login from it) or a probe of kind: login.' });
    if (out.length === 0) out.push({ status: 'pass' as const, title: `Monitors alert through ${notifiers.length} notifier(s)${synthetic ? ', with a synthetic login' : ''}`, location: loc });
    return out;
  },
});
