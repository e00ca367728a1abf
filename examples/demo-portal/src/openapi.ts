import {
  CredentialsSchema,
  FileUploadSchema,
  InviteAcceptSchema,
  InviteCreateSchema,
  InvoiceCreateSchema,
  InvoiceUpdateSchema,
  MessageCreateSchema,
  PasswordChangeSchema,
  ResetConfirmSchema,
  ResetRequestSchema,
  RoleChangeSchema,
  SignupSchema,
  TicketCreateSchema,
  UpdateMeSchema,
} from './schemas.js';

/**
 * The OpenAPI 3.0 description of the portal's API, as its developers would publish it. It
 * describes the intended contract — which routes need a session, which need the admin role
 * (`x-roles`, tag `admin`), which bodies are valid — whatever flaws are switched on. The demo
 * mailbox is not part of the product and is not listed.
 */

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json): Json => ({ content: { 'application/json': { schema } } });
const body = (schema: object, required = true): Json => ({ required, ...json(schema as Json) });
const error = (description: string): Json => ({ description, ...json(ref('Error')) });
const idParam = (name = 'id', description = 'Object id'): Json => ({ name, in: 'path', required: true, description, schema: { type: 'integer', minimum: 1 } });
const PUBLIC: Json[] = [];

const common = {
  '401': error('Not signed in, or the token/session is invalid or expired'),
  '404': error('Not found (including objects of other organisations)'),
};
const badRequest = { '400': error('Invalid input') };
const limited = { '429': { description: 'Too many attempts; see Retry-After', headers: { 'Retry-After': { schema: { type: 'integer' } } }, ...json(ref('Error')) } };
const adminOnly = { 'x-roles': ['admin'], tags: ['admin'] };

function op(summary: string, responses: Json, extra: Json = {}): Json {
  return { summary, operationId: summary.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toLowerCase()), ...extra, responses };
}

export function buildOpenApi(serverUrl: string): Json {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Client Portal API',
      version: '1.4.0',
      description: 'Invoices, support tickets and documents for the organisations we bill. Every object belongs to one organisation; users see only their own organisation\'s data.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    tags: [
      { name: 'auth' }, { name: 'account' }, { name: 'invoices' }, { name: 'tickets' }, { name: 'files' }, { name: 'reports' },
      { name: 'admin', description: 'Organisation administration: admins only' }, { name: 'webhooks' }, { name: 'system' },
    ],
    paths: {
      '/api/signup': { post: op('Sign up', { '201': { description: 'Account and organisation created', ...json(ref('LoginResult')) }, '409': error('Email already registered'), ...badRequest, ...limited }, { tags: ['auth'], security: PUBLIC, requestBody: body(SignupSchema) }) },
      '/api/login': { post: op('Log in for an API token', { '200': { description: 'A bearer token (JWT, 15 minutes)', ...json(ref('LoginResult')) }, '401': error('Invalid email or password'), ...badRequest, ...limited }, { tags: ['auth'], security: PUBLIC, requestBody: body(CredentialsSchema) }) },
      '/login': {
        post: op('Log in to the web app', { '200': { description: 'Signed in; the session cookie is set', headers: { 'Set-Cookie': { schema: { type: 'string' } } } }, '303': { description: 'Form post: signed in, redirect to /dashboard' }, '401': error('Invalid email or password'), ...limited }, {
          tags: ['auth'],
          security: PUBLIC,
          requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: CredentialsSchema }, 'application/json': { schema: CredentialsSchema } } },
        }),
      },
      '/api/logout': { post: op('Log out', { '200': { description: 'Session ended and token revoked' }, ...common }, { tags: ['auth'] }) },
      '/api/password-reset': { post: op('Request a password reset', { '202': { description: 'A reset link was sent if the account exists' }, ...badRequest, ...limited }, { tags: ['auth'], security: PUBLIC, requestBody: body(ResetRequestSchema) }) },
      '/api/password-reset/confirm': { post: op('Reset the password with the emailed token', { '200': { description: 'Password changed; every session ended' }, '400': error('Invalid, expired or used token'), ...limited }, { tags: ['auth'], security: PUBLIC, requestBody: body(ResetConfirmSchema) }) },
      '/api/invites': { post: op('Invite a colleague', { '201': { description: 'Invite created and emailed', ...json(ref('Invite')) }, '403': error('Admins only'), '409': error('Already a member'), ...common, ...badRequest }, { ...adminOnly, requestBody: body(InviteCreateSchema) }) },
      '/api/invites/accept': { post: op('Accept an invite', { '201': { description: 'Account created', ...json(ref('LoginResult')) }, '400': error('Invalid, expired or used token'), ...limited }, { tags: ['auth'], security: PUBLIC, requestBody: body(InviteAcceptSchema) }) },
      '/api/me': {
        get: op('Get my profile', { '200': { description: 'The signed-in user', ...json(ref('User')) }, ...common }, { tags: ['account'] }),
        patch: op('Update my profile', { '200': { description: 'Updated', ...json(ref('User')) }, ...common, ...badRequest }, { tags: ['account'], requestBody: body(UpdateMeSchema) }),
      },
      '/api/me/password': { post: op('Change my password', { '200': { description: 'Changed; other sessions ended' }, ...common, ...badRequest }, { tags: ['account'], requestBody: body(PasswordChangeSchema) }) },
      '/api/invoices': {
        get: op('List invoices', { '200': { description: 'Invoices of my organisation', ...json({ type: 'object', properties: { invoices: { type: 'array', items: ref('Invoice') } } }) }, ...common }, {
          tags: ['invoices'],
          parameters: [
            { name: 'status', in: 'query', schema: { type: 'string', enum: ['draft', 'sent', 'paid', 'void'] } },
            { name: 'org_id', in: 'query', description: 'Organisation filter (only your own organisation is visible)', schema: { type: 'integer', minimum: 1 } },
          ],
        }),
        post: op('Create an invoice', { '201': { description: 'Created', ...json(ref('Invoice')) }, ...common, ...badRequest }, { tags: ['invoices'], requestBody: body(InvoiceCreateSchema) }),
      },
      '/api/invoices/{id}': {
        parameters: [idParam('id', 'Invoice id')],
        get: op('Get an invoice', { '200': { description: 'The invoice', ...json(ref('Invoice')) }, ...common }, { tags: ['invoices'] }),
        patch: op('Update an invoice', { '200': { description: 'Updated', ...json(ref('Invoice')) }, ...common, ...badRequest }, { tags: ['invoices'], requestBody: body(InvoiceUpdateSchema) }),
        delete: op('Delete an invoice', { '204': { description: 'Deleted' }, ...common }, { tags: ['invoices'] }),
      },
      '/api/invoices/{id}/export': {
        parameters: [idParam('id', 'Invoice id')],
        get: op('Export an invoice as CSV', { '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, ...common }, { tags: ['invoices'] }),
      },
      '/api/exports/invoices.csv': { get: op('Export all invoices as CSV', { '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, ...common }, { tags: ['invoices'] }) },
      '/api/orgs/{orgId}/invoices': {
        parameters: [idParam('orgId', 'Organisation id')],
        get: op('List an organisation\'s invoices', { '200': { description: 'Invoices', ...json({ type: 'object', properties: { invoices: { type: 'array', items: ref('Invoice') } } }) }, ...common }, { tags: ['invoices'] }),
      },
      '/api/orgs/{orgId}/invoices/{id}': {
        parameters: [idParam('orgId', 'Organisation id'), idParam('id', 'Invoice id')],
        get: op('Get an organisation\'s invoice', { '200': { description: 'The invoice', ...json(ref('Invoice')) }, ...common }, { tags: ['invoices'] }),
      },
      '/api/tickets': {
        get: op('List support tickets', { '200': { description: 'Tickets of my organisation', ...json({ type: 'object', properties: { tickets: { type: 'array', items: ref('Ticket') } } }) }, ...common }, { tags: ['tickets'] }),
        post: op('Open a support ticket', { '201': { description: 'Created', ...json(ref('Ticket')) }, ...common, ...badRequest }, { tags: ['tickets'], requestBody: body(TicketCreateSchema) }),
      },
      '/api/tickets/stats': { get: op('Ticket statistics', { '200': { description: 'Counts by status and priority, recent tickets' }, ...common }, { tags: ['tickets'] }) },
      '/api/tickets/{id}': {
        parameters: [idParam('id', 'Ticket id')],
        get: op('Get a ticket with its messages', { '200': { description: 'The ticket', ...json(ref('Ticket')) }, ...common }, { tags: ['tickets'] }),
      },
      '/api/tickets/{id}/messages': {
        parameters: [idParam('id', 'Ticket id')],
        post: op('Reply to a ticket', { '201': { description: 'Message added' }, ...common, ...badRequest }, { tags: ['tickets'], requestBody: body(MessageCreateSchema) }),
      },
      '/api/files': {
        get: op('List documents', { '200': { description: 'Documents of my organisation', ...json({ type: 'object', properties: { files: { type: 'array', items: ref('File') } } }) }, ...common }, { tags: ['files'] }),
        post: op('Upload a document', { '201': { description: 'Stored', ...json(ref('File')) }, ...common, ...badRequest }, { tags: ['files'], requestBody: body(FileUploadSchema) }),
      },
      '/api/files/{id}': { parameters: [idParam('id', 'File id')], get: op('Get document details', { '200': { description: 'Metadata', ...json(ref('File')) }, ...common }, { tags: ['files'] }) },
      '/api/files/{id}/download': {
        parameters: [idParam('id', 'File id')],
        get: op('Download a document', { '200': { description: 'The file', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, ...common }, { tags: ['files'] }),
      },
      '/api/reports/activity': { get: op('Activity report for the last 7 days', { '200': { description: 'Events per day and the latest events' }, ...common }, { tags: ['reports'] }) },
      '/api/admin/users': { get: op('List the organisation\'s users', { '200': { description: 'Users', ...json({ type: 'object', properties: { users: { type: 'array', items: ref('User') } } }) }, '403': error('Admins only'), ...common }, { ...adminOnly }) },
      '/api/admin/users/{id}/role': {
        parameters: [idParam('id', 'User id')],
        post: op('Change a user\'s role', { '200': { description: 'Updated', ...json(ref('User')) }, '403': error('Admins only'), ...common, ...badRequest }, { ...adminOnly, requestBody: body(RoleChangeSchema) }),
      },
      '/api/admin/users/{id}': {
        parameters: [idParam('id', 'User id')],
        delete: op('Remove a user', { '204': { description: 'Removed' }, '403': error('Admins only'), ...common }, { ...adminOnly }),
      },
      '/webhooks/stripe': {
        post: op('Stripe webhook receiver', { '200': { description: 'Event received' }, '400': error('Missing, invalid or stale signature') }, {
          tags: ['webhooks'],
          security: PUBLIC,
          parameters: [{ name: 'Stripe-Signature', in: 'header', required: true, schema: { type: 'string' }, description: 't=<unix time>,v1=<HMAC-SHA256 of "t.body">' }],
          requestBody: body({ type: 'object', required: ['id', 'type'], properties: { id: { type: 'string' }, type: { type: 'string' }, data: { type: 'object' } } }),
        }),
      },
      '/healthz': { get: op('Health check', { '200': { description: 'Healthy' }, '503': { description: 'Degraded' } }, { tags: ['system'], security: PUBLIC }) },
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'From POST /api/login' },
        cookieAuth: { type: 'apiKey', in: 'cookie', name: 'sid', description: 'From POST /login. Writes also need the X-CSRF-Token header (csrf_token from the login response or GET /api/me).' },
      },
      schemas: {
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, message: { type: 'string' } } },
        User: {
          type: 'object',
          properties: {
            id: { type: 'integer' }, email: { type: 'string', format: 'email' }, name: { type: 'string' }, role: { type: 'string', enum: ['member', 'admin'] },
            org_id: { type: 'integer' }, email_verified: { type: 'boolean' }, created_at: { type: 'string', format: 'date-time' },
          },
        },
        LoginResult: { type: 'object', properties: { token: { type: 'string' }, token_type: { type: 'string' }, expires_in: { type: 'integer', nullable: true }, user: ref('User') } },
        Invite: { type: 'object', properties: { id: { type: 'integer' }, email: { type: 'string' }, role: { type: 'string' }, expires_at: { type: 'string' }, accept_url: { type: 'string' } } },
        Invoice: {
          type: 'object',
          properties: {
            id: { type: 'integer' }, org_id: { type: 'integer' }, number: { type: 'string' }, customer: { type: 'string' }, customer_email: { type: 'string', nullable: true },
            amount_cents: { type: 'integer' }, currency: { type: 'string' }, status: { type: 'string' }, due_date: { type: 'string', nullable: true },
            notes: { type: 'string', nullable: true }, created_by: { type: 'integer', nullable: true }, created_at: { type: 'string' },
          },
        },
        Ticket: { type: 'object', properties: { id: { type: 'integer' }, org_id: { type: 'integer' }, subject: { type: 'string' }, status: { type: 'string' }, priority: { type: 'string' }, created_at: { type: 'string' } } },
        File: { type: 'object', properties: { id: { type: 'integer' }, org_id: { type: 'integer' }, invoice_id: { type: 'integer', nullable: true }, name: { type: 'string' }, content_type: { type: 'string' }, size: { type: 'integer' } } },
      },
    },
  };
}
