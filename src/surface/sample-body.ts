/**
 * A valid-looking request body from a JSON schema (OpenAPI requestBody, $refs already resolved).
 * Free-text fields carry a unique marker so any later appearance of the value is attributable to
 * the object the tool created (the proof a BOLA finding rests on).
 */

type Schema = Record<string, unknown>;

export interface SampleOptions {
  /** A unique marker for free-text values, e.g. `lr7f3a-acme`. */
  marker: string;
  /** Include optional properties of simple types (default true: more identifying values). */
  optional?: boolean;
  /** Override values by property name (e.g. a parent id). */
  values?: Record<string, unknown>;
}

function firstOf(schema: Schema): Schema {
  for (const k of ['oneOf', 'anyOf']) {
    const list = schema[k];
    if (Array.isArray(list) && list.length) return { ...schema, ...(list[0] as Schema), [k]: undefined };
  }
  if (Array.isArray(schema['allOf'])) {
    const merged: Schema = { type: 'object', properties: {}, required: [] };
    for (const part of schema['allOf'] as Schema[]) {
      const p = firstOf(part ?? {});
      Object.assign(merged['properties'] as Schema, (p['properties'] as Schema) ?? {});
      (merged['required'] as string[]).push(...(((p['required'] as string[]) ?? []) as string[]));
    }
    return merged;
  }
  return schema;
}

function stringFor(name: string, schema: Schema, marker: string): string {
  const format = String(schema['format'] ?? '');
  const n = name.toLowerCase();
  const maxLength = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : 200;
  const minLength = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
  let v: string;
  if (format === 'email' || /e-?mail/.test(n)) v = `${marker}@example.test`;
  else if (format === 'date') v = '2026-12-31';
  else if (format === 'date-time' || /(?:_at|At|date|time)$/.test(name)) v = '2026-12-31T12:00:00Z';
  else if (format === 'uuid') v = '00000000-0000-4000-8000-000000000000';
  else if (format === 'uri' || format === 'url' || /url|link|website/.test(n)) v = `https://example.test/${marker}`;
  else if (/phone/.test(n)) v = '+15555550100';
  else if (/currency/.test(n)) v = 'USD';
  else if (/country/.test(n)) v = 'US';
  else if (/lang|locale/.test(n)) v = 'en';
  else if (/password/.test(n)) v = `Lr-${marker}-Pw9!`;
  else if (format === 'binary' || format === 'byte') v = Buffer.from(`launchready ${marker}`).toString(format === 'byte' ? 'base64' : 'utf8');
  else v = `${marker} ${name}`.replace(/[^A-Za-z0-9 _-]/g, '');
  if (typeof schema['pattern'] === 'string') {
    try {
      if (!new RegExp(schema['pattern']).test(v)) v = v.replace(/[^A-Za-z0-9_-]/g, '-');
    } catch {
      /* an invalid pattern: keep the value */
    }
  }
  while (v.length < minLength) v += 'x';
  return v.slice(0, Math.max(minLength, Math.min(maxLength, 200)));
}

function numberFor(name: string, schema: Schema, integer: boolean): number {
  const min = typeof schema['minimum'] === 'number' ? schema['minimum'] : typeof schema['exclusiveMinimum'] === 'number' ? schema['exclusiveMinimum'] + 1 : undefined;
  const max = typeof schema['maximum'] === 'number' ? schema['maximum'] : undefined;
  let v = /amount|price|total|cents|cost|quantity|qty|count/i.test(name) ? 1234 : 1;
  if (min !== undefined && v < min) v = min;
  if (max !== undefined && v > max) v = max;
  return integer ? Math.round(v) : v;
}

export function sampleFromSchema(schema: unknown, opts: SampleOptions, name = 'value', depth = 0): unknown {
  if (!schema || typeof schema !== 'object' || depth > 5) return undefined;
  const s = firstOf(schema as Schema);
  if (opts.values && name in opts.values) return opts.values[name];
  if (s['example'] !== undefined && typeof s['example'] !== 'object' && !/name|title|subject|customer|description|notes|body|text|content|comment|label/i.test(name)) return s['example'];
  if (Array.isArray(s['enum']) && s['enum'].length) return s['enum'].find((x) => x !== null) ?? s['enum'][0];
  if (s['const'] !== undefined) return s['const'];
  if (s['default'] !== undefined && typeof s['default'] !== 'object') return s['default'];
  const type = Array.isArray(s['type']) ? (s['type'] as string[]).find((t) => t !== 'null') : s['type'];
  if (type === 'object' || (type === undefined && s['properties'])) {
    const props = (s['properties'] ?? {}) as Record<string, Schema>;
    const required = new Set(Array.isArray(s['required']) ? (s['required'] as string[]) : []);
    const out: Record<string, unknown> = {};
    for (const [k, ps] of Object.entries(props)) {
      if (!ps || ps['readOnly'] === true) continue;
      const simple = ['string', 'integer', 'number', 'boolean'].includes(String(ps['type'])) || Array.isArray(ps['enum']);
      if (!required.has(k) && !(opts.optional !== false && simple) && !(opts.values && k in opts.values)) continue;
      const v = sampleFromSchema(ps, opts, k, depth + 1);
      if (v !== undefined) out[k] = v;
    }
    if (opts.values) for (const [k, v] of Object.entries(opts.values)) if (!(k in out) && k in props) out[k] = v;
    return out;
  }
  if (type === 'array') {
    const item = sampleFromSchema(s['items'], opts, name.replace(/s$/, ''), depth + 1);
    const min = typeof s['minItems'] === 'number' ? s['minItems'] : 0;
    return item === undefined ? [] : Array.from({ length: Math.max(min, 1) }, () => item);
  }
  if (type === 'integer') return numberFor(name, s, true);
  if (type === 'number') return numberFor(name, s, false);
  if (type === 'boolean') return false;
  if (type === 'string' || type === undefined) return stringFor(name, s, opts.marker);
  return undefined;
}

/** Field names of a schema's object properties (top level). */
export function schemaFields(schema: unknown): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const s = firstOf(schema as Schema);
  return Object.keys((s['properties'] ?? {}) as Schema);
}

/** Whether a schema forbids unknown properties. */
export function closedSchema(schema: unknown): boolean {
  return !!schema && typeof schema === 'object' && (firstOf(schema as Schema)['additionalProperties'] === false);
}
