import type { Route } from '../surface/routes.js';
import { closedSchema, sampleFromSchema } from '../surface/sample-body.js';

/**
 * What the fuzzer knows about a write route's body: a valid-looking example to start from and,
 * per top-level field, the declared type and constraints. From an OpenAPI schema the constraints
 * are a contract (a violating value must be rejected); from an observed request they are only a
 * guess (the server may legitimately accept more).
 */
type Schema = Record<string, unknown>;

export interface FieldInfo {
  name: string;
  schema: Schema;
  type?: string;
  required: boolean;
}

export interface FuzzTemplate {
  valid: Record<string, unknown>;
  fields: FieldInfo[];
  required: string[];
  /** Constraints come from a published schema (OpenAPI), not from one observed request. */
  schemaKnown: boolean;
  /** additionalProperties: false. */
  closed: boolean;
  encoding: 'json' | 'form';
}

function flatten(schema: Schema): Schema {
  for (const k of ['oneOf', 'anyOf']) {
    const list = schema[k];
    if (Array.isArray(list) && list.length) return { ...schema, ...(list[0] as Schema) };
  }
  if (Array.isArray(schema['allOf'])) {
    const merged: Schema = { type: 'object', properties: {}, required: [] };
    for (const part of schema['allOf'] as Schema[]) {
      const p = flatten(part ?? {});
      Object.assign(merged['properties'] as Schema, (p['properties'] as Schema) ?? {});
      (merged['required'] as string[]).push(...((p['required'] as string[]) ?? []));
      if (p['additionalProperties'] === false) merged['additionalProperties'] = false;
    }
    return merged;
  }
  return schema;
}

function typeOf(s: Schema): string | undefined {
  const t = s['type'];
  if (Array.isArray(t)) return (t as string[]).find((x) => x !== 'null');
  if (typeof t === 'string') return t;
  if (Array.isArray(s['enum'])) return typeof (s['enum'] as unknown[])[0] === 'number' ? 'number' : 'string';
  if (s['properties']) return 'object';
  return undefined;
}

function inferSchema(value: unknown): Schema {
  if (Array.isArray(value)) return { type: 'array', items: value.length ? inferSchema(value[0]) : {} };
  if (value === null) return {};
  if (typeof value === 'object') {
    return { type: 'object', properties: Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, inferSchema(v)])) };
  }
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' };
  return { type: typeof value };
}

/** The template for a route, from its schema or its first recorded JSON/form body; undefined when neither is known. */
export function templateFor(route: Route, marker: string): FuzzTemplate | undefined {
  if (route.requestSchema && typeof route.requestSchema === 'object') {
    const schema = flatten(route.requestSchema as Schema);
    if (typeOf(schema) !== 'object') return undefined;
    const required = Array.isArray(schema['required']) ? (schema['required'] as unknown[]).map(String) : [];
    const props = (schema['properties'] ?? {}) as Record<string, Schema>;
    const valid = sampleFromSchema(schema, { marker }) as Record<string, unknown> | undefined;
    const fields = Object.entries(props)
      .filter(([, s]) => s && typeof s === 'object' && s['readOnly'] !== true)
      .map(([name, s]) => {
        const f = flatten(s);
        const t = typeOf(f);
        return { name, schema: f, ...(t ? { type: t } : {}), required: required.includes(name) };
      });
    return { valid: valid && typeof valid === 'object' ? valid : {}, fields, required, schemaKnown: true, closed: closedSchema(schema), encoding: 'json' };
  }
  for (const ex of route.examples ?? []) {
    if (!ex.requestBody) continue;
    if (/json/i.test(ex.contentType ?? '') || /^\s*\{/.test(ex.requestBody)) {
      try {
        const body = JSON.parse(ex.requestBody) as unknown;
        if (!body || typeof body !== 'object' || Array.isArray(body)) continue;
        const schema = inferSchema(body);
        const fields = Object.entries((schema['properties'] ?? {}) as Record<string, Schema>).map(([name, s]) => ({ name, schema: s, ...(typeOf(s) ? { type: typeOf(s)! } : {}), required: false }));
        return { valid: body as Record<string, unknown>, fields, required: [], schemaKnown: false, closed: false, encoding: 'json' };
      } catch {
        continue;
      }
    }
    if (/x-www-form-urlencoded/i.test(ex.contentType ?? '')) {
      const valid = Object.fromEntries(new URLSearchParams(ex.requestBody));
      return { valid, fields: Object.keys(valid).map((name) => ({ name, schema: { type: 'string' }, type: 'string', required: false })), required: [], schemaKnown: false, closed: false, encoding: 'form' };
    }
  }
  return undefined;
}

const FORMATS: Record<string, RegExp> = {
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  date: /^\d{4}-\d\d-\d\d$/,
  'date-time': /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i,
  uri: /^[a-z][a-z0-9+.-]*:[^\s]*$/i,
  url: /^[a-z][a-z0-9+.-]*:[^\s]*$/i,
  ipv4: /^\d{1,3}(?:\.\d{1,3}){3}$/,
};

/**
 * Whether a value breaks the field's declared contract (type, enum, format, pattern, length,
 * range). Only meaningful with a published schema: that is what makes a 2xx a finding.
 */
export function violates(field: FieldInfo, value: unknown): boolean {
  const s = field.schema;
  const t = field.type;
  if (value === null) return s['nullable'] !== true && !(Array.isArray(s['type']) && (s['type'] as string[]).includes('null'));
  if (t === 'string' && typeof value !== 'string') return true;
  if ((t === 'integer' || t === 'number') && typeof value !== 'number') return true;
  if (t === 'integer' && typeof value === 'number' && !Number.isInteger(value)) return true;
  if (t === 'boolean' && typeof value !== 'boolean') return true;
  if (t === 'array' && !Array.isArray(value)) return true;
  if (t === 'object' && (typeof value !== 'object' || Array.isArray(value))) return true;
  if (Array.isArray(s['enum']) && !(s['enum'] as unknown[]).includes(value)) return true;
  if (typeof value === 'string') {
    const fmt = typeof s['format'] === 'string' ? FORMATS[s['format']] : undefined;
    if (fmt && !fmt.test(value)) return true;
    if (typeof s['pattern'] === 'string') {
      try {
        if (!new RegExp(s['pattern'], 'u').test(value)) return true;
      } catch {
        /* an invalid pattern constrains nothing we can check */
      }
    }
    if (typeof s['maxLength'] === 'number' && [...value].length > s['maxLength']) return true;
    if (typeof s['minLength'] === 'number' && [...value].length < s['minLength']) return true;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return true;
    if (typeof s['maximum'] === 'number' && value > s['maximum']) return true;
    if (typeof s['minimum'] === 'number' && value < s['minimum']) return true;
  }
  return false;
}

/** A field with no declared constraint beyond its type: a free-text value reaches the app's logic. */
export function unconstrainedString(f: FieldInfo): boolean {
  const s = f.schema;
  return (f.type === 'string' || f.type === undefined) && !Array.isArray(s['enum']) && typeof s['pattern'] !== 'string' && !['email', 'uuid', 'date', 'date-time', 'uri', 'url', 'ipv4', 'binary', 'byte'].includes(String(s['format'] ?? ''));
}
