/**
 * Which parameters and fields are object ids, which name a tenant, and what id-looking values look
 * like. Knowledge as data: the patterns are tables, the functions small.
 */

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OBJECT_ID_RE = /^[0-9a-f]{24}$/i; // MongoDB ObjectId
const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const HEX_ID_RE = /^[0-9a-f]{16,64}$/i;
const INT_RE = /^\d{1,19}$/;
/** Prefixed ids (Stripe-style `inv_8f3k2…`, `usr-4b1…`). */
const PREFIXED_RE = /^[a-z]{2,8}[_-][A-Za-z0-9]{8,40}$/;

/** A value that looks like an object id: an integer, a UUID, an ObjectId, a ULID, long hex or a prefixed id. */
export function looksLikeId(value: string): boolean {
  return INT_RE.test(value) || UUID_RE.test(value) || OBJECT_ID_RE.test(value) || ULID_RE.test(value) || HEX_ID_RE.test(value) || PREFIXED_RE.test(value);
}

/** Tenant-ish names: the field or parameter that says whose data it is. */
const TENANT_NAME = /^(?:org|orgs|organi[sz]ation|tenant|account|client|company|workspace|team|customer|business|merchant|store|shop|group)[-_]?(?:id|uuid|slug)?$/i;

export function isTenantName(name: string): boolean {
  return TENANT_NAME.test(name) && !/^(?:account|customer|client|group|team|store|shop|business)$/i.test(name);
}

/** Owner-ish names: who created or owns the object. */
export function isOwnerName(name: string): boolean {
  return /^(?:owner|user|author|creator|created[-_]?by|uploaded[-_]?by|member|assignee)[-_]?(?:id|uuid)?$/i.test(name) && !/^(?:user|member|owner|author|creator|assignee)$/i.test(name);
}

/** `id`, `uuid`, `invoiceId`, `invoice_id`, `InvoiceID`, `fileUuid`, `slug` … */
export function isObjectIdName(name: string): boolean {
  return /^(?:id|uuid|guid|_id|key|slug|ref|number)$/i.test(name) || /[a-z0-9](?:Id|ID|Uuid|UUID|Guid)$/.test(name) || /[-_](?:id|uuid|guid)$/i.test(name);
}

/** The object kind an id parameter names: `invoiceId` → `invoice`, `org_id` → `org`, `id` → undefined. */
export function idStem(name: string): string | undefined {
  const m = /^(.+?)(?:[-_]?(?:id|uuid|guid))$/i.exec(name);
  return m?.[1] ? m[1].toLowerCase() : undefined;
}

/** `invoices` → `invoice`, `companies` → `company`, `addresses` → `address`. */
export function singular(word: string): string {
  const w = word.toLowerCase();
  if (/ies$/.test(w)) return `${w.slice(0, -3)}y`;
  if (/(?:ss|sh|ch|x|z)es$/.test(w)) return w.slice(0, -2);
  if (/s$/.test(w) && !/ss$/.test(w)) return w.slice(0, -1);
  return w;
}

/**
 * Turns a recorded concrete path into a template: id-looking segments become parameters named after
 * the collection before them (`/api/invoices/12/export` → `/api/invoices/{invoiceId}/export`).
 */
export function templatize(path: string): { template: string; values: Record<string, string> } {
  const segments = path.split('/');
  const values: Record<string, string> = {};
  const out = segments.map((seg, i) => {
    let decoded = seg;
    try {
      decoded = decodeURIComponent(seg);
    } catch {
      /* keep the raw segment */
    }
    if (i === 0 || !decoded || !looksLikeId(decoded) || (INT_RE.test(decoded) && /^v\d+$/i.test(segments[i - 1] ?? ''))) return seg;
    // Version-like numbers right after the root (/v1/2 …) are rare; everything else id-looking is an id.
    const prev = segments[i - 1] ?? '';
    let name = prev && !looksLikeId(prev) ? `${camel(singular(prev))}Id` : 'id';
    while (name in values) name = `${name}2`;
    values[name] = decoded;
    return `{${name}}`;
  });
  return { template: out.join('/'), values };
}

function camel(s: string): string {
  return s.replace(/[-_]+([a-z0-9])/gi, (_m, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '') || 'id';
}

/** A regular expression that matches concrete paths of a template (`/a/{id}` matches `/a/12`). */
export function templateMatcher(template: string): RegExp {
  const re = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.+?^${}()|[\]\\*]/g, '\\$&')))
    .join('');
  return new RegExp(`^${re}/?$`);
}
