import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Monitor } from './monitor.js';
import { renderStatusPage, type StatusDocument } from './status-page.js';

export interface StatusServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** The JSON behind /status (and the HTML page). */
export async function statusDocument(monitor: Monitor): Promise<StatusDocument> {
  const outbox = await monitor.store.outboxStats().catch(() => undefined);
  if (outbox) {
    monitor.metrics.outbox.set({ status: 'pending' }, outbox.pending);
    monitor.metrics.outbox.set({ status: 'delivered' }, outbox.delivered);
    monitor.metrics.outbox.set({ status: 'failed' }, outbox.failed);
  }
  const probes = monitor.status();
  return {
    generatedAt: new Date().toISOString(),
    startedAt: new Date(monitor.startedAt).toISOString(),
    overall: probes.some((p) => p.rules.some((r) => r.status === 'firing')) ? 'degraded' : probes.every((p) => p.up !== false) ? 'operational' : 'checking',
    target: monitor.plan.target ?? null,
    store: { kind: monitor.store.kind, location: monitor.store.location, committedSamples: monitor.committedSamples, lastError: monitor.lastCommitError ?? null },
    probes,
    incidents: monitor.openIncidents().map((i) => ({ id: i.id, probe: i.probeId, rule: i.rule, title: i.title, since: new Date(i.openedAt).toISOString(), notified: i.notified })),
    notifiers: [...monitor.dispatcher.health.values()].map((h) => ({
      name: h.name,
      kind: h.kind,
      delivered: h.delivered,
      failedAttempts: h.failedAttempts,
      lastError: h.lastError ? { at: new Date(h.lastError.at).toISOString(), message: h.lastError.message } : null,
      lastDeliveredAt: h.lastDeliveredAt ? new Date(h.lastDeliveredAt).toISOString() : null,
    })),
    outbox: outbox ?? null,
  };
}

function healthOf(monitor: Monitor): { ok: boolean; body: Record<string, unknown> } {
  const minInterval = Math.min(...monitor.plan.probes.map((p) => p.intervalMs));
  const sinceTick = Date.now() - monitor.lastTickAt;
  // Alive when some probe finished within three of the shortest intervals (plus slack for timeouts).
  const loopOk = sinceTick <= 3 * minInterval + 30_000;
  const storeOk = monitor.lastCommitError === undefined;
  return {
    ok: loopOk && storeOk,
    body: { status: loopOk && storeOk ? 'ok' : 'unhealthy', lastProbeMsAgo: sinceTick, store: storeOk ? 'ok' : monitor.lastCommitError, uptimeS: Math.round((Date.now() - monitor.startedAt) / 1000) },
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

/** /healthz (the monitor's own health), /status (HTML, or JSON with ?format=json or Accept: application/json), /metrics. */
export async function startStatusServer(monitor: Monitor, host: string, port: number): Promise<StatusServer> {
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://monitor');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
    switch (url.pathname) {
      case '/healthz':
      case '/health': {
        const h = healthOf(monitor);
        return send(res, h.ok ? 200 : 503, 'application/json', JSON.stringify(h.body));
      }
      case '/metrics':
        await statusDocument(monitor); // refreshes the outbox gauges
        return send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', monitor.metrics.render());
      case '/status.json':
      case '/status':
      case '/': {
        const doc = await statusDocument(monitor);
        const wantsJson = url.pathname === '/status.json' || url.searchParams.get('format') === 'json' || (req.headers.accept ?? '').includes('application/json');
        if (wantsJson) return send(res, 200, 'application/json', JSON.stringify(doc, null, 2));
        return send(res, 200, 'text/html; charset=utf-8', renderStatusPage(doc));
      }
      default:
        return send(res, 404, 'text/plain', 'not found: try /status, /metrics or /healthz\n');
    }
  };
  const server = createServer((req, res) => {
    handler(req, res).catch((err: Error) => send(res, 500, 'text/plain', `error: ${err.message}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${h}:${addr.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
