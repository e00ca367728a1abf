/**
 * JSON Schemas of the request bodies. The routes validate with them (Fastify + Ajv, unknown
 * properties rejected, no type coercion) and the OpenAPI document publishes the same objects,
 * so the documented contract and the enforced one cannot drift apart.
 */

const email = { type: 'string', format: 'email', maxLength: 254 } as const;
const newPassword = { type: 'string', minLength: 8, maxLength: 200 } as const;
const personName = { type: 'string', minLength: 1, maxLength: 100 } as const;

export const CredentialsSchema = {
  type: 'object',
  required: ['email', 'password'],
  additionalProperties: false,
  properties: { email, password: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

export const SignupSchema = {
  type: 'object',
  required: ['email', 'password', 'name'],
  additionalProperties: false,
  properties: { email, password: newPassword, name: personName, organisation: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;

export const UpdateMeSchema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: { name: personName },
} as const;

export const PasswordChangeSchema = {
  type: 'object',
  required: ['currentPassword', 'newPassword'],
  additionalProperties: false,
  properties: { currentPassword: { type: 'string', minLength: 1, maxLength: 200 }, newPassword },
} as const;

export const ResetRequestSchema = {
  type: 'object',
  required: ['email'],
  additionalProperties: false,
  properties: { email },
} as const;

const token = { type: 'string', minLength: 16, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' } as const;

export const ResetConfirmSchema = {
  type: 'object',
  required: ['token', 'password'],
  additionalProperties: false,
  properties: { token, password: newPassword },
} as const;

export const InviteCreateSchema = {
  type: 'object',
  required: ['email'],
  additionalProperties: false,
  properties: { email, role: { type: 'string', enum: ['member', 'admin'] } },
} as const;

export const InviteAcceptSchema = {
  type: 'object',
  required: ['token', 'name', 'password'],
  additionalProperties: false,
  properties: { token, name: personName, password: newPassword },
} as const;

const invoiceFields = {
  customer: { type: 'string', minLength: 1, maxLength: 200 },
  customer_email: email,
  amount_cents: { type: 'integer', minimum: 0, maximum: 100_000_000 },
  currency: { type: 'string', enum: ['USD', 'EUR', 'GBP'] },
  status: { type: 'string', enum: ['draft', 'sent', 'paid', 'void'] },
  due_date: { type: 'string', format: 'date' },
  notes: { type: 'string', maxLength: 2000 },
} as const;

export const InvoiceCreateSchema = {
  type: 'object',
  required: ['customer', 'amount_cents'],
  additionalProperties: false,
  properties: invoiceFields,
} as const;

export const InvoiceUpdateSchema = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: invoiceFields,
} as const;

export const TicketCreateSchema = {
  type: 'object',
  required: ['subject', 'body'],
  additionalProperties: false,
  properties: {
    subject: { type: 'string', minLength: 1, maxLength: 200 },
    body: { type: 'string', minLength: 1, maxLength: 5000 },
    priority: { type: 'string', enum: ['low', 'normal', 'high'] },
  },
} as const;

export const MessageCreateSchema = {
  type: 'object',
  required: ['body'],
  additionalProperties: false,
  properties: { body: { type: 'string', minLength: 1, maxLength: 5000 } },
} as const;

export const RoleChangeSchema = {
  type: 'object',
  required: ['role'],
  additionalProperties: false,
  properties: { role: { type: 'string', enum: ['member', 'admin'] } },
} as const;

export const FileUploadSchema = {
  type: 'object',
  required: ['name', 'content'],
  additionalProperties: false,
  properties: {
    // A plain file name: no directories, no "..", no leading dot.
    name: { type: 'string', minLength: 1, maxLength: 100, pattern: '^(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9._ -]*$' },
    content_type: { type: 'string', enum: ['text/plain', 'text/csv', 'application/json'] },
    content: { type: 'string', maxLength: 100_000 },
    invoice_id: { type: 'integer', minimum: 1 },
  },
} as const;

/** Path and query ids arrive as text; they must be plain positive integers. */
export const idString = { type: 'string', pattern: '^[1-9][0-9]{0,9}$' } as const;

export const IdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: idString },
} as const;

export const OrgInvoiceParams = {
  type: 'object',
  required: ['orgId'],
  properties: { orgId: idString, id: idString },
} as const;

export const InvoiceListQuery = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['draft', 'sent', 'paid', 'void'] },
    org_id: idString,
  },
} as const;

export const MailboxQuery = {
  type: 'object',
  required: ['email'],
  properties: { email: { type: 'string', minLength: 3, maxLength: 254 } },
} as const;
