/**
 * The monitor's Prometheus metrics, kept in memory and rendered in the text exposition format
 * (version 0.0.4). Small on purpose: counters, gauges and one latency histogram per probe.
 */

export const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels = Record<string, string>;

function labelText(l: Labels): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

class Family {
  readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly type: 'counter' | 'gauge',
    readonly help: string,
  ) {}
  private key(l: Labels): string {
    return JSON.stringify(l);
  }
  inc(l: Labels, by = 1): void {
    const k = this.key(l);
    const cur = this.values.get(k);
    if (cur) cur.value += by;
    else this.values.set(k, { labels: l, value: by });
  }
  set(l: Labels, v: number): void {
    this.values.set(this.key(l), { labels: l, value: v });
  }
  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, value } of this.values.values()) out.push(`${this.name}${labelText(labels)} ${Number.isFinite(value) ? value : 0}`);
    return out;
  }
}

class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {}
  observe(l: Labels, v: number): void {
    const k = JSON.stringify(l);
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = { labels: l, counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]!) s.counts[i]! += 1;
    s.sum += v;
    s.count += 1;
  }
  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) => out.push(`${this.name}_bucket${labelText({ ...s.labels, le: String(b) })} ${s.counts[i]}`));
      out.push(`${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      out.push(`${this.name}_sum${labelText(s.labels)} ${s.sum}`);
      out.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return out;
  }
}

export class MonitorMetrics {
  readonly probeUp = new Family('launchready_probe_up', 'gauge', '1 when the last run of the probe passed, 0 when it failed.');
  readonly probeRuns = new Family('launchready_probe_runs_total', 'counter', 'Probe runs by result (pass or fail).');
  readonly probeLatency = new Histogram('launchready_probe_duration_seconds', 'Probe response time (answered runs).', LATENCY_BUCKETS_S);
  readonly certDays = new Family('launchready_certificate_days_left', 'gauge', 'Days until the probed certificate expires.');
  readonly ruleFiring = new Family('launchready_alert_firing', 'gauge', '1 while an alert rule of the probe is firing.');
  readonly alertEvents = new Family('launchready_alerts_total', 'counter', 'Alert decisions by type (alert, reminder, recovery), probe and rule.');
  readonly deliveries = new Family('launchready_notifications_total', 'counter', 'Notification delivery attempts by notifier and result (delivered, retry, failed).');
  readonly notifierUp = new Family('launchready_notifier_up', 'gauge', '0 after a failed delivery until the next successful one.');
  readonly outbox = new Family('launchready_outbox_entries', 'gauge', 'Notifications in the outbox by status.');
  readonly storeErrors = new Family('launchready_store_errors_total', 'counter', 'Failed store writes (retried).');
  readonly incidentsOpen = new Family('launchready_incidents_open', 'gauge', 'Open incidents.');

  render(): string {
    return [
      ...this.probeUp.render(),
      ...this.probeRuns.render(),
      ...this.probeLatency.render(),
      ...this.certDays.render(),
      ...this.ruleFiring.render(),
      ...this.alertEvents.render(),
      ...this.deliveries.render(),
      ...this.notifierUp.render(),
      ...this.outbox.render(),
      ...this.storeErrors.render(),
      ...this.incidentsOpen.render(),
    ].join('\n') + '\n';
  }
}
