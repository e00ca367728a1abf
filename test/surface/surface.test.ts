import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { defineCheck } from '../../src/engine/check.js';
import { runChecks } from '../../src/engine/runner.js';
import { HttpClient } from '../../src/net/http.js';
import { endpointsFromScript, scriptUrls } from '../../src/surface/bundles.js';
import { routesFromHar } from '../../src/surface/har.js';
import { looksLikeId, templatize } from '../../src/surface/object-ids.js';
import { annotateRoute, apiSurfaceGatherer, routesFromOpenApi, type ApiSurface } from '../../src/surface/routes.js';
import { sampleFromSchema } from '../../src/surface/sample-body.js';

describe('OpenAPI import', () => {
  it('reads Swagger 2.0 with basePath, $ref parameters and a $ref body schema', () => {
    const routes = routesFromOpenApi({
      swagger: '2.0',
      basePath: '/api/v1',
      securityDefinitions: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } },
      security: [{ key: [] }],
      parameters: { accountId: { name: 'accountId', in: 'path', required: true, type: 'string' } },
      definitions: { Order: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 } } } },
      paths: {
        '/accounts/{accountId}/orders': {
          parameters: [{ $ref: '#/parameters/accountId' }],
          post: { parameters: [{ in: 'body', name: 'body', schema: { $ref: '#/definitions/Order' } }], responses: {} },
        },
        '/ping': { get: { security: [], responses: {} } },
      },
    }).map(annotateRoute);
    const post = routes.find((r) => r.method === 'POST')!;
    expect(post.path).toBe('/api/v1/accounts/{accountId}/orders');
    expect(post.auth).toBe(true);
    expect(post.params).toEqual([expect.objectContaining({ name: 'accountId', in: 'path', tenant: true })]);
    expect(post.requestSchema).toMatchObject({ required: ['sku'] });
    expect(routes.find((r) => r.path === '/api/v1/ping')?.auth).toBe(false);
  });

  it('takes roles from x-roles and from admin scopes, and guesses admin-only paths when nothing is declared', () => {
    const routes = routesFromOpenApi({
      openapi: '3.1.0',
      security: [{ oauth: ['read'] }],
      paths: {
        '/reports': { get: { 'x-roles': ['auditor'], responses: {} } },
        '/users/{userId}': { delete: { security: [{ oauth: ['admin:users'] }], responses: {} } },
        '/admin/settings': { get: { responses: {} } },
        '/users/{userId}/permissions': { put: { responses: {} } },
        '/projects/{projectId}': { get: { responses: {} } },
      },
    }).map(annotateRoute);
    const by = (p: string): (typeof routes)[number] => routes.find((r) => r.path === p)!;
    expect(by('/reports').roles).toEqual(['auditor']);
    expect(by('/users/{userId}').roles).toEqual(['admin']);
    expect(by('/users/{userId}').rolesInferred).toBeUndefined();
    expect(by('/admin/settings')).toMatchObject({ roles: ['admin'], rolesInferred: true });
    expect(by('/users/{userId}/permissions').rolesInferred).toBe(true);
    expect(by('/projects/{projectId}').roles).toBeUndefined();
    expect(by('/projects/{projectId}').params[0]).toMatchObject({ objectId: true });
  });
});

describe('object ids', () => {
  it.each(['42', '3f2b8c1e-9d4a-4b7e-8f21-0a1b2c3d4e5f', '507f1f77bcf86cd799439011', '01ARZ3NDEKTSV4RRFFQ69G5FAV', 'inv_8f3k2LmQ9x'])('%s looks like an id', (v) => {
    expect(looksLikeId(v)).toBe(true);
  });
  it.each(['invoices', 'me', 'export', 'v2'])('%s does not', (v) => {
    expect(looksLikeId(v)).toBe(false);
  });
  it('templatizes recorded paths, naming parameters after their collection', () => {
    expect(templatize('/api/orgs/7/invoices/3f2b8c1e-9d4a-4b7e-8f21-0a1b2c3d4e5f/export')).toEqual({
      template: '/api/orgs/{orgId}/invoices/{invoiceId}/export',
      values: { orgId: '7', invoiceId: '3f2b8c1e-9d4a-4b7e-8f21-0a1b2c3d4e5f' },
    });
  });
});

describe('HAR import', () => {
  const har = {
    log: {
      entries: [
        { request: { method: 'GET', url: 'http://app.test/api/invoices/12', headers: [{ name: 'Authorization', value: 'Bearer x' }] }, response: { status: 200, content: { mimeType: 'application/json', text: '{"id":12}' } } },
        { request: { method: 'GET', url: 'http://app.test/api/invoices/13', headers: [] }, response: { status: 200, content: { mimeType: 'application/json' } } },
        { request: { method: 'POST', url: 'http://app.test/api/invoices', headers: [], postData: { mimeType: 'application/json', text: '{"customer":"ACME"}' } }, response: { status: 201, content: {} } },
        { request: { method: 'GET', url: 'http://app.test/static/app.js', headers: [] }, response: { status: 200, content: { mimeType: 'text/javascript' } } },
        { request: { method: 'GET', url: 'http://app.test/dashboard', headers: [] }, response: { status: 200, content: { mimeType: 'text/html' } } },
        { request: { method: 'GET', url: 'http://cdn.other.test/api/x', headers: [] }, response: { status: 200, content: {} } },
      ],
    },
  };
  it('keeps API calls of the target origin as templated routes with examples, skipping assets, pages and other origins', () => {
    const { routes, skipped } = routesFromHar(har, 'http://app.test');
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/invoices/{invoiceId}', 'POST /api/invoices']);
    expect(routes[0]!.examples?.map((e) => e.url)).toEqual(['/api/invoices/12', '/api/invoices/13']);
    expect(routes[0]!.auth).toBe(true);
    expect(routes[1]!.examples?.[0]?.requestBody).toBe('{"customer":"ACME"}');
    expect(skipped).toBe(3);
  });
});

describe('endpoints in JS bundles', () => {
  it('finds fetch/axios calls, concatenated ids and template literals with their methods', () => {
    const js = `
      const Portal = { invoice: function (id) { return api('/api/invoices/' + id); },
        exportUrl: (id) => '/api/invoices/' + id + '/export',
        logout: function () { return api('/api/logout', { method: 'POST' }); } };
      fetch(\`/api/orgs/\${org.id}/members/\${memberId}\`, { method: 'DELETE' });
      axios.patch('/v1/settings', body);
      const logo = '/static/logo.png'; const page = '/about';`;
    const found = endpointsFromScript(js).map((e) => `${e.method} ${e.path}`);
    expect(found).toEqual(
      expect.arrayContaining(['GET /api/invoices/{invoiceId}', 'GET /api/invoices/{invoiceId}/export', 'POST /api/logout', 'DELETE /api/orgs/{orgId}/members/{memberId}', 'PATCH /v1/settings']),
    );
    expect(found.some((f) => f.includes('logo.png') || f.endsWith('/about'))).toBe(false);
  });

  it('lists same-origin scripts only', () => {
    const urls = scriptUrls('<script src="/static/app.js"></script><script src="https://cdn.example/x.js"></script>', new URL('http://app.test/'));
    expect(urls.map((u) => u.href)).toEqual(['http://app.test/static/app.js']);
  });

  it('adds bundle and HAR routes to the surface when there is no OpenAPI document', async () => {
    const app = Fastify();
    app.get('/', async (_r, reply) => reply.type('text/html').send('<html><script src="/app.js"></script></html>'));
    app.get('/app.js', async (_r, reply) => reply.type('text/javascript').send("fetch('/api/projects'); fetch('/api/projects/' + p.id, { method: 'DELETE' });"));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const dir = mkdtempSync(join(tmpdir(), 'lr-har-'));
    writeFileSync(join(dir, 'session.har'), JSON.stringify({ log: { entries: [{ request: { method: 'GET', url: `${origin}/api/projects/9/tasks`, headers: [] }, response: { status: 200, content: {} } }] } }));
    const http = new HttpClient({ maxRequests: 50, rate: 1000, timeoutMs: 3000, maxBodyBytes: 1 << 20, scope: [origin] });
    let surface: ApiSurface | undefined;
    const probe = defineCheck({
      meta: { id: 'test/surface', area: 'authorization', severity: 'info', title: 't', why: 'w', breaks: 'b', fix: 'f', references: [] },
      requires: { s: apiSurfaceGatherer },
      run({ s }) {
        surface = s;
        return [];
      },
    });
    try {
      await runChecks({ checks: [probe], config: ConfigSchema.parse({ target: origin, api: { har: 'session.har' } }), configDir: dir, target: { baseUrl: new URL(origin), isDevelopment: true }, http, options: { allowWrites: false, seed: 1 }, env: {}, checkDeadlineMs: 5000, runDeadlineMs: 10_000 });
    } finally {
      await http.close();
      await app.close();
    }
    expect(surface!.routes.map((r) => `${r.method} ${r.path} ${r.source}`).sort()).toEqual(['DELETE /api/projects/{projectId} bundle', 'GET /api/projects bundle', 'GET /api/projects/{projectId}/tasks har']);
    expect(surface!.sources.join(' ')).toMatch(/HAR .*JS bundles/);
  });
});

describe('sample bodies from schemas', () => {
  it('fills required fields validly and marks free text so a leak can be attributed', () => {
    const body = sampleFromSchema(
      {
        type: 'object',
        required: ['customer', 'amount_cents', 'email'],
        additionalProperties: false,
        properties: { customer: { type: 'string', minLength: 1 }, amount_cents: { type: 'integer', minimum: 0 }, email: { type: 'string', format: 'email' }, currency: { type: 'string', enum: ['USD', 'EUR'] }, id: { type: 'integer', readOnly: true } },
      },
      { marker: 'lrabc1' },
    ) as Record<string, unknown>;
    expect(body).toEqual({ customer: 'lrabc1 customer', amount_cents: 1234, email: 'lrabc1@example.test', currency: 'USD' });
  });
});
