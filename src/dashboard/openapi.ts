import { TOOL } from '../app/tool.js';

/**
 * The dashboard's own OpenAPI 3.1 document (served at /openapi.json), so that `launchready audit`
 * can discover every route of the dashboard it audits. Public routes say `security: []`; every other
 * route needs the session cookie (with the CSRF token on writes) or the API token.
 */

const idParam = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string', pattern: '^[0-9a-f-]{16,36}$' } });
const error = { description: 'Refused or invalid', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
const html = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });

export function buildOpenApi(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'launchready dashboard', version: TOOL.version, description: 'Audit history, run comparison and monitor status over the launchready store.' },
    security: [{ session: [] }, { apiToken: [] }],
    paths: {
      '/healthz': { get: { summary: 'Liveness and store health', security: [], responses: { '200': json('Healthy'), '503': json('The store does not answer') } } },
      '/login': {
        get: { summary: 'Sign-in page (sets the pre-login CSRF cookie)', security: [], responses: { '200': html('The sign-in form') } },
        post: {
          summary: 'Sign in; issues a new session. Throttled per address and per account (429 + Retry-After).',
          security: [],
          requestBody: {
            required: true,
            content: {
              'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/Login' } },
              'application/json': { schema: { $ref: '#/components/schemas/Login' } },
            },
          },
          responses: { '200': json('Signed in (JSON clients)'), '303': { description: 'Signed in (forms): redirect' }, '401': error, '403': error, '429': error },
        },
      },
      '/logout': { post: { summary: 'End the session on the server', responses: { '200': json('Signed out'), '303': { description: 'Signed out (forms)' }, '401': error, '403': error } } },
      '/setup': {
        get: { summary: 'One-time admin setup page', security: [], parameters: [{ name: 'token', in: 'query', required: true, schema: { type: 'string' } }], responses: { '200': html('The setup form'), '410': html('The link is used or expired') } },
        post: { summary: 'Set the admin password with a one-time setup token', security: [], requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/Setup' } } } }, responses: { '303': { description: 'Admin created, signed in' }, '400': html('Invalid'), '403': error, '410': html('Used or expired'), '429': error } },
      },
      '/api/session': { get: { summary: 'Who is signed in, and the CSRF token for writes', responses: { '200': json('The session'), '401': error } } },
      '/api/targets': { get: { summary: 'Audited targets with their latest verdict', responses: { '200': json('Targets'), '401': error } } },
      '/api/targets/{key}/audits': {
        get: { summary: "A target's audits, newest first", parameters: [idParam('key', 'Target key (16 hex digits)')], responses: { '200': json('Audit summaries'), '401': error, '404': error } },
      },
      '/api/audits': {
        get: { summary: 'Audits, newest first', parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } }], responses: { '200': json('Audit summaries'), '401': error } },
        post: {
          summary: 'Store an audit report (the `--format json` contract); size-capped',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Report' } } } },
          responses: { '201': json('Stored'), '400': error, '401': error, '403': error, '413': error, '415': error },
        },
      },
      '/api/audits/{id}': { get: { summary: 'One audit with its full report', parameters: [idParam('id', 'Audit id')], responses: { '200': json('The audit'), '401': error, '404': error } } },
      '/api/audits/{id}/findings/{findingId}': {
        get: { summary: 'One finding of an audit, and its history across runs', parameters: [idParam('id', 'Audit id'), idParam('findingId', 'Finding id')], responses: { '200': json('The finding'), '401': error, '404': error } },
      },
      '/api/compare': {
        get: {
          summary: 'New, fixed and still-open findings between two runs (by finding id)',
          parameters: [
            { name: 'base', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'head', in: 'query', required: true, schema: { type: 'string' } },
          ],
          responses: { '200': json('The comparison'), '400': error, '401': error, '404': error },
        },
      },
      '/api/monitor': { get: { summary: "The monitor's status as recorded in the store", responses: { '200': json('Monitor status'), '401': error } } },
      '/api/fleet': { get: { summary: 'Every target the workers watch: last audit, score trend, blockers, monitor state, schedule; the workers and dead letters', responses: { '200': json('Fleet'), '401': error } } },
    },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'lr_session', description: 'Session cookie from POST /login; writes also need X-CSRF-Token (see GET /api/session).' },
        apiToken: { type: 'http', scheme: 'bearer', description: 'The token given to `launchready serve` in LAUNCHREADY_API_TOKEN.' },
      },
      schemas: {
        Error: { type: 'object', required: ['error', 'message'], properties: { error: { type: 'string' }, message: { type: 'string' } } },
        Login: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: { username: { type: 'string', maxLength: 100 }, password: { type: 'string', maxLength: 256 }, _csrf: { type: 'string' }, next: { type: 'string' } },
        },
        Setup: {
          type: 'object',
          required: ['token', 'password', 'confirm'],
          properties: { token: { type: 'string' }, password: { type: 'string', minLength: 12 }, confirm: { type: 'string' }, _csrf: { type: 'string' } },
        },
        Report: { type: 'object', description: 'A launchready report (`launchready audit --format json`).', required: ['tool', 'target', 'startedAt', 'verdict', 'score', 'findings'] },
      },
    },
  };
}
