import { pick, type Rng } from './random.js';
import { unconstrainedString, violates, type FieldInfo, type FuzzTemplate } from './fuzz-template.js';

/**
 * The invalid-input catalogue, as data (gitleaks' lesson): each entry builds zero or more cases
 * from a route's template. A case says whether a correct server *must* reject it: only those are
 * sent to objects the tool did not create, and only those make a 2xx a finding.
 */
export interface FuzzCase {
  payload: string;
  /** Which payload, in words: "a number in \"subject\" (expects a string)". */
  label: string;
  field?: string;
  mustReject: boolean;
  contentType: string;
  body: string;
  /** A JavaScript expression that prints the body, for reproducing bodies too large to paste. */
  bodyExpr?: string;
  /**
   * One step of a size escalation (1 KiB → 8 KiB → 64 KiB in one field): the fuzzer sends the next
   * step only while the answer time stays normal, so a validator that slows down with input length
   * shows up as a finding before it hangs the server.
   */
  escalation?: { family: string; step: number; length: number };
  /** A size step sent again because its answer time looked super-linear: one slow answer on a busy machine is not a finding. */
  repeat?: boolean;
  /** The body names one authorization-relevant field twice: which value did the server use? */
  duplicateKey?: { field: string; first: unknown; second: unknown; /** The published schema forbids the second value. */ secondViolates: boolean };
}

/** Fields whose value decides who may do what: a parser differential on them is an authorization bypass. */
export const AUTHZ_FIELD = /^(?:roles?|is_?admin|admin|is_?staff|permissions?|scopes?|owner(?:_?id)?|user_?id|tenant_?id|org(?:anization)?_?id|account_?id|team_?id|plan|tier|access(?:_?level)?)$/i;

/** The escalation sizes up to the configured maximum: 1 KiB, 8 KiB, then the maximum (64 KiB by default). */
export function escalationLengths(max: number): number[] {
  return [...new Set([1024, 8192, max].filter((n) => n <= max))].sort((a, b) => a - b);
}

export interface PayloadContext {
  rng: Rng;
  marker: string;
  hugeStringLength: number;
  nestingDepth: number;
}

export interface FuzzPayload {
  id: string;
  description: string;
  build(t: FuzzTemplate, c: PayloadContext): FuzzCase[];
}

const RAW = '"__launchready_raw__"';

function encode(t: FuzzTemplate, obj: Record<string, unknown>): { contentType: string; body: string } | undefined {
  if (t.encoding === 'json') return { contentType: 'application/json', body: JSON.stringify(obj) };
  if (Object.values(obj).some((v) => v !== null && typeof v === 'object')) return undefined;
  return { contentType: 'application/x-www-form-urlencoded', body: new URLSearchParams(Object.entries(obj).map(([k, v]) => [k, String(v)])).toString() };
}

/** The valid body with one field's JSON text replaced verbatim (numbers JSON.stringify cannot write, deep nesting). */
function withRaw(t: FuzzTemplate, field: string, raw: string): string {
  return JSON.stringify({ ...t.valid, [field]: '__launchready_raw__' }).replace(RAW, raw);
}

function one(t: FuzzTemplate, payload: string, label: string, obj: Record<string, unknown>, mustReject: boolean, field?: string): FuzzCase[] {
  const enc = encode(t, obj);
  return enc ? [{ payload, label, ...(field ? { field } : {}), mustReject, ...enc }] : [];
}

const quote = (s: string): string => `"${s}"`;

const stringFields = (t: FuzzTemplate): FieldInfo[] => t.fields.filter((f) => f.type === 'string' || (f.type === undefined && !t.schemaKnown));
const numberFields = (t: FuzzTemplate): FieldInfo[] => t.fields.filter((f) => f.type === 'integer' || f.type === 'number');
const preferRequired = (fs: FieldInfo[]): FieldInfo[] => (fs.some((f) => f.required) ? fs.filter((f) => f.required) : fs);

function wrongValue(f: FieldInfo): { value: unknown; words: string } | undefined {
  switch (f.type) {
    case 'string':
      return { value: 12345, words: 'a number' };
    case 'integer':
    case 'number':
      return { value: 'not-a-number', words: 'a string' };
    case 'boolean':
      return { value: 'yes', words: 'a string' };
    case 'array':
      return { value: { launchready: 1 }, words: 'an object' };
    case 'object':
      return { value: 'launchready', words: 'a string' };
    default:
      return undefined;
  }
}

const FILE_FIELD = /file|path|attachment|document|upload|dir|folder/i;

export const FUZZ_PAYLOADS: FuzzPayload[] = [
  {
    id: 'invalid-json',
    description: 'A body cut off in the middle of a JSON object.',
    build: (t) => (t.encoding === 'json' ? [{ payload: 'invalid-json', label: 'a body that is not valid JSON', mustReject: true, contentType: 'application/json', body: `{"${t.fields[0]?.name ?? 'launchready'}": ` }] : []),
  },
  {
    id: 'wrong-content-type',
    description: 'An XML document where JSON (or a form) is expected.',
    build: (t, c) => [{ payload: 'wrong-content-type', label: 'an XML body (Content-Type: application/xml)', mustReject: true, contentType: 'application/xml', body: `<?xml version="1.0"?><launchready>${c.marker}</launchready>` }],
  },
  {
    id: 'missing-required',
    description: 'The body without its required fields (an empty object when none are known).',
    build: (t) => {
      const rest = Object.fromEntries(Object.entries(t.valid).filter(([k]) => !t.required.includes(k)));
      const label = t.required.length ? `a body without its required fields (${t.required.join(', ')})` : 'an empty JSON object';
      return one(t, 'missing-required', label, t.required.length ? rest : {}, t.schemaKnown && t.required.length > 0);
    },
  },
  {
    id: 'wrong-type',
    description: 'A value of the wrong JSON type in a typed field (one string field, one other field).',
    build: (t, c) => {
      const typed = preferRequired(t.fields.filter((f) => wrongValue(f)));
      const picks = [pick(c.rng, typed.filter((f) => f.type === 'string')), pick(c.rng, typed.filter((f) => f.type !== 'string'))].filter((f): f is FieldInfo => !!f);
      return picks.flatMap((f) => {
        const w = wrongValue(f)!;
        return one(t, 'wrong-type', `${w.words} in ${quote(f.name)} (expects ${f.type === 'integer' || f.type === 'number' ? 'a number' : `a ${f.type}`})`, { ...t.valid, [f.name]: w.value }, t.schemaKnown && violates(f, w.value), f.name);
      });
    },
  },
  {
    id: 'unexpected-property',
    description: 'A property the schema does not declare.',
    build: (t, c) => one(t, 'unexpected-property', `an undeclared property ${quote(`${c.marker}_unexpected`)}`, { ...t.valid, [`${c.marker}_unexpected`]: true }, t.schemaKnown && t.closed),
  },
  {
    id: 'huge-string',
    description: 'A long string in a text field, escalating 1,024 → 8,192 → 65,536 characters while the answer time stays normal.',
    build: (t, c) => {
      const fields = stringFields(t);
      const f = fields.find((x) => typeof x.schema['maxLength'] === 'number') ?? pick(c.rng, fields);
      const name = f?.name ?? 'launchready';
      return escalationLengths(c.hugeStringLength).flatMap((length, step) => {
        const value = 'A'.repeat(length);
        const obj = { ...t.valid, [name]: value };
        const cases = one(t, 'huge-string', `a ${length.toLocaleString('en')}-character string in ${quote(name)}`, obj, t.schemaKnown && (f ? violates(f, value) : t.closed), name);
        for (const k of cases) {
          k.escalation = { family: `huge-string:${name}`, step, length };
          if (t.encoding === 'json') k.bodyExpr = `JSON.stringify(Object.assign(${JSON.stringify(t.valid)}, {${JSON.stringify(name)}: "A".repeat(${length})}))`;
        }
        return cases;
      });
    },
  },
  {
    id: 'deep-nesting',
    description: 'Arrays nested thousands of levels deep (recursive parsers and validators overflow their stack).',
    build: (t, c) => {
      if (t.encoding !== 'json') return [];
      const f = pick(c.rng, preferRequired(t.fields.filter((x) => x.type !== 'array' && x.type !== undefined))) ?? t.fields[0];
      const name = f?.name ?? 'launchready';
      const body = withRaw(t, name, '['.repeat(c.nestingDepth) + ']'.repeat(c.nestingDepth));
      const mustReject = t.schemaKnown && (f ? violates(f, []) : t.closed);
      const prefix = JSON.stringify({ ...t.valid, [name]: '__launchready_raw__' }).split(RAW);
      return [
        {
          payload: 'deep-nesting',
          label: `arrays nested ${c.nestingDepth.toLocaleString('en')} levels deep in ${quote(name)}`,
          field: name,
          mustReject,
          contentType: 'application/json',
          body,
          bodyExpr: `${JSON.stringify(prefix[0])} + "[".repeat(${c.nestingDepth}) + "]".repeat(${c.nestingDepth}) + ${JSON.stringify(prefix[1] ?? '')}`,
        },
      ];
    },
  },
  {
    id: 'unicode-edge',
    description: 'NUL, a lone surrogate, a right-to-left override, a byte-order mark, combining marks and a ZWJ emoji in one text field.',
    build: (t, c) => {
      const f = pick(c.rng, stringFields(t));
      if (!f) return [];
      const value = `${c.marker}\u0000\ud800\u202e\ufeffZ\u0338\u0327\ud835\udd4f\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67`;
      return one(t, 'unicode-edge', `Unicode edge cases (NUL, a lone surrogate, RTL override) in ${quote(f.name)}`, { ...t.valid, [f.name]: value }, t.schemaKnown && violates(f, value), f.name);
    },
  },
  {
    id: 'numeric-overflow',
    description: 'The number 1e400 (beyond any float or integer type) in a numeric field.',
    build: (t, c) => {
      if (t.encoding !== 'json') return [];
      const f = pick(c.rng, preferRequired(numberFields(t)));
      if (!f) return [];
      return [{ payload: 'numeric-overflow', label: `the number 1e400 in ${quote(f.name)}`, field: f.name, mustReject: t.schemaKnown, contentType: 'application/json', body: withRaw(t, f.name, '1e400') }];
    },
  },
  {
    id: 'numeric-edge',
    description: 'A negative fraction (-0.5) where an integer or a non-negative amount is expected.',
    build: (t, c) => {
      const f = pick(c.rng, preferRequired(numberFields(t)));
      if (!f) return [];
      return one(t, 'numeric-edge', `the number -0.5 in ${quote(f.name)}`, { ...t.valid, [f.name]: -0.5 }, t.schemaKnown && violates(f, -0.5), f.name);
    },
  },
  {
    id: 'sql-injection',
    description: 'Quote characters that break a concatenated SQL string (never a tautology: a vulnerable query fails instead of matching more rows).',
    build: (t, c) => {
      const value = `${c.marker}'")\\;--`;
      const free = stringFields(t).filter(unconstrainedString);
      const targets = free.length ? free : stringFields(t).slice(0, 1);
      const names = targets.length ? targets.map((f) => f.name) : ['launchready'];
      const obj = { ...t.valid, ...Object.fromEntries(names.map((n) => [n, value])) };
      return one(t, 'sql-injection', `SQL quote characters (${value}) in ${names.map(quote).join(', ')}`, obj, t.schemaKnown && targets.some((f) => violates(f, value)), names[0]);
    },
  },
  {
    id: 'nosql-injection',
    description: 'A MongoDB operator object ({"$ne": null}) where a string is expected.',
    build: (t, c) => {
      if (t.encoding !== 'json') return [];
      const fields = stringFields(t);
      const f = fields.find((x) => /pass|token|secret|code/i.test(x.name)) ?? fields.find((x) => /mail|user|login|name|id$/i.test(x.name)) ?? pick(c.rng, fields);
      if (!f) return [];
      const value = { $ne: null };
      return one(t, 'nosql-injection', `a {"$ne": null} operator object in ${quote(f.name)}`, { ...t.valid, [f.name]: value }, t.schemaKnown && violates(f, value), f.name);
    },
  },
  {
    id: 'duplicate-key',
    description: 'One authorization-relevant field (role, owner_id, tenant_id …) twice in one JSON object: first the valid value, then another.',
    build: (t, c) => {
      if (t.encoding !== 'json') return [];
      const f = t.fields.find((x) => AUTHZ_FIELD.test(x.name));
      if (!f) return [];
      const s = f.schema;
      const en = Array.isArray(s['enum']) && (s['enum'] as unknown[]).every((v) => typeof v === 'number') ? (s['enum'] as unknown[]) : undefined;
      const first0 = Array.isArray(s['enum']) ? (s['enum'] as unknown[])[0] : undefined;
      const first = t.valid[f.name] ?? first0 ?? (f.type === 'integer' || f.type === 'number' ? 1 : 'member');
      // A value outside the schema when there is one: a server that validates one copy and uses the other accepts it.
      const second = typeof first === 'number' ? (en ? Math.max(...(en as number[])) + 1 : first + 1) : `${c.marker}-dup`;
      const json = JSON.stringify({ ...t.valid, [f.name]: first });
      const body = `${json.slice(0, -1)}${json.length > 2 ? ',' : ''}${JSON.stringify(f.name)}:${JSON.stringify(second)}}`;
      return [
        {
          payload: 'duplicate-key',
          label: `"${f.name}" twice in one object (${JSON.stringify(first)}, then ${JSON.stringify(second)})`,
          field: f.name,
          mustReject: false,
          contentType: 'application/json',
          body,
          duplicateKey: { field: f.name, first, second, secondViolates: t.schemaKnown && violates(f, second) },
        },
      ];
    },
  },
  {
    id: 'multipart',
    description: 'A multipart/form-data body where JSON is expected (parsers that crash on it take the app down).',
    build: (t, c) => {
      if (t.encoding !== 'json') return [];
      const boundary = `----launchready${c.marker}`;
      const parts = Object.entries(t.valid)
        .filter(([, v]) => v === null || typeof v !== 'object')
        .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k.replace(/"/g, '')}"\r\n\r\n${String(v)}\r\n`);
      return [{ payload: 'multipart', label: 'a multipart/form-data body (Content-Type: multipart/form-data)', mustReject: false, contentType: `multipart/form-data; boundary=${boundary}`, body: `${parts.join('')}--${boundary}--\r\n` }];
    },
  },
  {
    id: 'path-traversal',
    description: 'A file name that climbs out of its directory (../../../../etc/passwd).',
    build: (t) => {
      const f = stringFields(t).find((x) => FILE_FIELD.test(x.name)) ?? (t.fields.some((x) => /content/i.test(x.name)) ? stringFields(t).find((x) => /^name$/i.test(x.name)) : undefined);
      if (!f) return [];
      const value = '../../../../../../etc/passwd';
      return one(t, 'path-traversal', `a path-traversal file name (${value}) in ${quote(f.name)}`, { ...t.valid, [f.name]: value }, t.schemaKnown && violates(f, value), f.name);
    },
  },
];

/** Every case for one template, in catalogue order. */
export function casesFor(t: FuzzTemplate, c: PayloadContext): FuzzCase[] {
  return FUZZ_PAYLOADS.flatMap((p) => p.build(t, c));
}
