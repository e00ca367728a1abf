import { describe, expect, it } from 'vitest';
import { checkCases } from '../../src/engine/check-tester.js';
import { healthEndpoint } from '../../src/checks/monitoring/health-endpoint.js';
import { monitorsConfigured } from '../../src/checks/monitoring/monitors-configured.js';
import { MonitorSchema } from '../../src/monitor/schema.js';
import { exchange } from '../helpers.js';

const ok = (body = '{"status":"ok"}', headers = { 'content-type': 'application/json' }) => exchange({ url: 'https://app.example.com/healthz', body, headers });

describe('monitoring/health-endpoint', () => {
  it('passes a small healthy answer; fails none found, a broken configured one and one that overshares', async () => {
    const problems = await checkCases(healthEndpoint, {
      valid: [{ name: 'healthz ok', evidence: { health: { attempts: [ok()], found: ok() } } }],
      invalid: [
        { name: 'nothing found', evidence: { health: { attempts: [exchange({ status: 404 }), exchange({ status: 404 })] } }, findings: [{ title: /No health endpoint found/ }] },
        { name: 'configured but 503', evidence: { health: { configured: '/healthz', attempts: [exchange({ status: 503 })] } }, findings: [{ title: /does not report healthy \(HTTP 503\)/ }] },
        { name: 'connection string', evidence: { health: { attempts: [ok('{"db":"postgres://app:hunter2@db:5432/app"}')], found: ok('{"db":"postgres://app:hunter2@db:5432/app"}') } }, findings: [{ severity: 'high', title: /exposes internals/ }] },
      ],
    });
    expect(problems).toEqual([]);
  });
});

describe('monitoring/monitors-configured', () => {
  const monitor = (m: unknown) => MonitorSchema.parse(m);
  it('warns when nothing is configured, fails monitors with no notifier, passes notifiers with a synthetic login', async () => {
    const problems = await checkCases(monitorsConfigured, {
      valid: [{ name: 'slack + derived login', config: { identities: { a: { role: 'member', login: { kind: 'bearer', token: 't' } } } }, evidence: { monitor: monitor({ notifiers: [{ kind: 'slack', url: 'https://hooks.example.com/x' }] }) } }],
      invalid: [
        { name: 'no monitor', evidence: { monitor: undefined }, findings: [{ status: 'warn', title: /No monitor is configured/ }] },
        { name: 'no notifiers, no identities', evidence: { monitor: monitor({}) }, findings: [{ title: /nowhere to alert/ }, { status: 'warn', title: /synthetic-login/ }] },
      ],
    });
    expect(problems).toEqual([]);
  });
});
