import { getByPointer } from '../identity/json-pointer.js';
import { redactText } from '../net/redact.js';
import { parseDuration } from './duration.js';

/**
 * Gatus-style conditions a person can read:
 *
 *   [STATUS] == 200                  [STATUS] == any(200, 204)        [STATUS] < 400
 *   [RESPONSE_TIME] < 300            [RESPONSE_TIME] < 1.5s
 *   [BODY] contains Welcome          [BODY] == pat(*"ok"*)            [BODY] !contains error
 *   [BODY].status == ok              [BODY].items[0].id == 7          [BODY]/data/status == ok  (JSON pointer)
 *   len([BODY].items) > 0            has([BODY].errors) == false
 *   [HEADER].content-type contains json
 *   [CERTIFICATE_EXPIRATION] > 48h   [CERTIFICATE_VALID] == true      [CONNECTED] == true
 */

export const PLACEHOLDERS = ['STATUS', 'RESPONSE_TIME', 'BODY', 'HEADER', 'CERTIFICATE_EXPIRATION', 'CERTIFICATE_VALID', 'CONNECTED'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export type Operator = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | '!contains';

type Rhs =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'any'; values: Rhs[] }
  | { kind: 'pattern'; value: RegExp; source: string };

export interface Condition {
  text: string;
  placeholder: Placeholder;
  /** Dot path (`.a.b[0]`) or JSON pointer (`/a/b`) into the body, or a header name. */
  path?: string;
  fn?: 'len' | 'has';
  op: Operator;
  rhs: Rhs;
}

/** What a probe saw, in the placeholders' terms. Absent fields are "unknown" and fail any condition on them. */
export interface Observation {
  connected: boolean;
  status?: number;
  responseTimeMs?: number;
  body?: string;
  json?: unknown;
  headers?: Record<string, string>;
  certificateExpiresInMs?: number;
  certificateValid?: boolean;
}

export interface ConditionResult {
  text: string;
  ok: boolean;
  /** The value seen, redacted and shortened, e.g. "503" or "\"maintenance\"". */
  actual: string;
}

export class ConditionSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConditionSyntaxError';
  }
}

const OPS: Operator[] = ['!contains', 'contains', '==', '!=', '<=', '>=', '<', '>'];
const LHS_RE = /^(?:(len|has)\(\s*)?\[([A-Z_]+)\]((?:\.[A-Za-z0-9_$-]+|\[\d+\]|\/[^\s)]*)*)(\s*\))?/;

function parseRhs(raw: string): Rhs {
  const s = raw.trim();
  const any = /^any\((.*)\)$/.exec(s);
  if (any) return { kind: 'any', values: splitArgs(any[1]!).map(parseRhs) };
  const pat = /^pat\((.*)\)$/.exec(s);
  if (pat) {
    const source = pat[1]!;
    const re = new RegExp(`^${source.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*')}$`);
    return { kind: 'pattern', value: re, source };
  }
  if (s === 'true' || s === 'false') return { kind: 'bool', value: s === 'true' };
  if (/^-?\d+(\.\d+)?$/.test(s)) return { kind: 'number', value: Number(s) };
  const d = parseDuration(s);
  if (d !== undefined) return { kind: 'number', value: d };
  const quoted = /^"(.*)"$|^'(.*)'$/.exec(s);
  return { kind: 'string', value: quoted ? (quoted[1] ?? quoted[2] ?? '') : s };
}

function splitArgs(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
}

/** Parses one condition; throws ConditionSyntaxError with a message that says what was expected. */
export function parseCondition(text: string): Condition {
  const t = text.trim();
  const m = LHS_RE.exec(t);
  if (!m) throw new ConditionSyntaxError(`"${t}": expected a placeholder first, such as [STATUS], [RESPONSE_TIME], [BODY].field or [CERTIFICATE_EXPIRATION]`);
  const fn = m[1] as 'len' | 'has' | undefined;
  const name = m[2]!;
  if (!(PLACEHOLDERS as readonly string[]).includes(name)) throw new ConditionSyntaxError(`"${t}": unknown placeholder [${name}] (one of ${PLACEHOLDERS.map((p) => `[${p}]`).join(', ')})`);
  if (fn && !m[4]) throw new ConditionSyntaxError(`"${t}": ${fn}( is not closed`);
  const placeholder = name as Placeholder;
  const path = m[3] || undefined;
  if (path && placeholder !== 'BODY' && placeholder !== 'HEADER') throw new ConditionSyntaxError(`"${t}": only [BODY] and [HEADER] take a path`);
  if (placeholder === 'HEADER' && !path?.startsWith('.')) throw new ConditionSyntaxError(`"${t}": write [HEADER].name, e.g. [HEADER].content-type`);
  const rest = t.slice(m[0].length).trim();
  const op = OPS.find((o) => rest.startsWith(o + ' ') || rest === o || (!/^[a-z!]/.test(o) && rest.startsWith(o)));
  if (!op) throw new ConditionSyntaxError(`"${t}": expected an operator after the placeholder: ==, !=, <, <=, >, >=, contains or !contains`);
  const rhsText = rest.slice(op.length).trim();
  if (!rhsText) throw new ConditionSyntaxError(`"${t}": nothing to compare with after ${op}`);
  const rhs = parseRhs(rhsText);
  const numeric = placeholder === 'STATUS' || placeholder === 'RESPONSE_TIME' || placeholder === 'CERTIFICATE_EXPIRATION' || fn === 'len';
  if (numeric && (op === '<' || op === '<=' || op === '>' || op === '>=') && rhs.kind !== 'number') {
    throw new ConditionSyntaxError(`"${t}": expected a number${placeholder === 'STATUS' || fn === 'len' ? '' : ' or a duration such as 300ms or 48h'} after ${op}`);
  }
  const cond: Condition = { text: t, placeholder, op, rhs };
  if (path) cond.path = path;
  if (fn) cond.fn = fn;
  return cond;
}

/** `.a.b[0]` or `/a/b` → a value inside the parsed body. */
function bodyValue(json: unknown, path: string): { found: boolean; value: unknown } {
  if (path.startsWith('/')) {
    const v = getByPointer(json, path);
    return { found: v !== undefined, value: v };
  }
  let cur: unknown = json;
  for (const seg of path.match(/\.[^.[\]]+|\[\d+\]/g) ?? []) {
    const key = seg.startsWith('[') ? Number(seg.slice(1, -1)) : seg.slice(1);
    if (cur === null || typeof cur !== 'object') return { found: false, value: undefined };
    cur = (cur as Record<string | number, unknown>)[key];
    if (cur === undefined) return { found: false, value: undefined };
  }
  return { found: true, value: cur };
}

function lhsValue(c: Condition, o: Observation): { found: boolean; value: unknown } {
  switch (c.placeholder) {
    case 'STATUS':
      return { found: o.status !== undefined, value: o.status };
    case 'RESPONSE_TIME':
      return { found: o.responseTimeMs !== undefined, value: o.responseTimeMs };
    case 'CERTIFICATE_EXPIRATION':
      return { found: o.certificateExpiresInMs !== undefined, value: o.certificateExpiresInMs };
    case 'CERTIFICATE_VALID':
      return { found: o.certificateValid !== undefined, value: o.certificateValid };
    case 'CONNECTED':
      return { found: true, value: o.connected };
    case 'HEADER': {
      const v = o.headers?.[c.path!.slice(1).toLowerCase()];
      return { found: v !== undefined, value: v };
    }
    case 'BODY': {
      if (o.body === undefined) return { found: false, value: undefined };
      if (!c.path) return { found: true, value: o.body };
      return bodyValue(o.json, c.path);
    }
  }
}

function compare(op: Operator, actual: unknown, rhs: Rhs): boolean {
  if (rhs.kind === 'any') return rhs.values.some((r) => compare(op === '!=' ? '==' : op, actual, r)) !== (op === '!=');
  if (rhs.kind === 'pattern') {
    const hit = rhs.value.test(typeof actual === 'string' ? actual : JSON.stringify(actual) ?? '');
    return op === '!=' ? !hit : hit;
  }
  if (op === 'contains' || op === '!contains') {
    const hay = typeof actual === 'string' ? actual : JSON.stringify(actual) ?? '';
    const hit = hay.includes(String(rhs.value));
    return op === 'contains' ? hit : !hit;
  }
  if (rhs.kind === 'number') {
    const a = typeof actual === 'number' ? actual : typeof actual === 'string' && actual.trim() !== '' ? Number(actual) : NaN;
    if (Number.isNaN(a)) return op === '!=';
    switch (op) {
      case '==':
        return a === rhs.value;
      case '!=':
        return a !== rhs.value;
      case '<':
        return a < rhs.value;
      case '<=':
        return a <= rhs.value;
      case '>':
        return a > rhs.value;
      case '>=':
        return a >= rhs.value;
    }
  }
  const a = typeof actual === 'string' ? actual : JSON.stringify(actual);
  const b = String(rhs.value);
  if (op === '==') return a === b;
  if (op === '!=') return a !== b;
  return false;
}

function show(v: unknown, secrets: Iterable<string>): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : v === undefined ? '(none)' : JSON.stringify(v) ?? String(v);
  const r = redactText(s, secrets);
  return r.length > 120 ? `${r.slice(0, 120)}…` : r;
}

export function evaluateCondition(c: Condition, o: Observation, secrets: Iterable<string> = []): ConditionResult {
  const { found, value } = lhsValue(c, o);
  let actual: unknown = value;
  if (c.fn === 'has') actual = found;
  else if (c.fn === 'len') actual = Array.isArray(value) ? value.length : typeof value === 'string' ? value.length : value && typeof value === 'object' ? Object.keys(value).length : 0;
  else if (!found) return { text: c.text, ok: false, actual: '(none)' };
  const shown = c.placeholder === 'BODY' && !c.path && !c.fn ? `${(o.body ?? '').length} bytes` : show(actual, secrets);
  return { text: c.text, ok: compare(c.op, actual, c.rhs), actual: shown };
}

export function evaluateAll(conditions: Condition[], o: Observation, secrets: Iterable<string> = []): ConditionResult[] {
  return conditions.map((c) => evaluateCondition(c, o, secrets));
}

/** "[STATUS] == 200 (was 503); [RESPONSE_TIME] < 300 (was 812)" — the failed ones, for alerts. */
export function describeFailures(results: ConditionResult[]): string {
  return results
    .filter((r) => !r.ok)
    .map((r) => `${r.text} (was ${r.actual})`)
    .join('; ');
}
