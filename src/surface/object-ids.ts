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

/** Normalised name for matching fields to parameters: lower case, letters and digits only. */
export function normalKey(name: string): string {
  return name.toLowerCase().replace(/organi[sz]ation/g, 'org').replace(/[^a-z0-9]/g, '');
}

const GENERIC_ID = /^(?:id|_id|uuid|guid|key|slug|pk)$/i;

/**
 * The field names an object's key may have in a response body, for a path parameter: the name
 * itself, and without its kind prefix (`book_title` → `title`, `bookId` → `id`, `_id`, `uuid`).
 */
export function fieldCandidates(param: string, kind?: string): string[] {
  const n = normalKey(param);
  const out = new Set<string>([n]);
  const stem = idStem(param);
  if (stem) for (const g of ['id', 'uuid', 'guid']) out.add(g);
  if (GENERIC_ID.test(param)) for (const g of ['id', 'uuid', 'guid', 'slug', 'key']) out.add(g);
  const k = kind ? normalKey(singular(kind)) : undefined;
  if (k && n.startsWith(k) && n.length > k.length) out.add(n.slice(k.length));
  // snake/camel prefix of any kind: `book_title` → `title`, `noteSlug` → `slug`.
  const m = /^[a-z0-9]+?[-_]([a-z0-9_]+)$/i.exec(param) ?? /^[a-z0-9]+?([A-Z][A-Za-z0-9]*)$/.exec(param);
  if (m?.[1]) out.add(normalKey(m[1]));
  return [...out];
}

/** One scalar of a JSON body with where it sat: `{ basket: { id: 7 } }` → field `id`, parent `basket`. */
export interface ScalarField {
  field: string;
  parent?: string;
  value: string;
}

/** Scalars (strings of 1–200 characters, finite numbers) of a JSON value, depth ≤ 4, arrays ≤ 50 items. */
export function scalarFields(body: unknown, parent?: string, depth = 0, out: ScalarField[] = []): ScalarField[] {
  if (depth > 4 || body === null || typeof body !== 'object' || out.length > 2000) return out;
  if (Array.isArray(body)) {
    for (const x of body.slice(0, 50)) scalarFields(x, parent, depth + 1, out);
    return out;
  }
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if ((typeof v === 'string' && v.length > 0 && v.length <= 200) || (typeof v === 'number' && Number.isFinite(v))) out.push({ field: k, ...(parent ? { parent } : {}), value: String(v) });
    else if (v && typeof v === 'object') scalarFields(v, k, depth + 1, out);
  }
  return out;
}

/** JWT claims that name the token's user, tenant or other objects, as the field names APIs use. */
const CLAIM_NAMES: Record<string, string[]> = {
  sub: ['userid', 'user', 'id', 'uid', 'accountid'],
  uid: ['userid', 'uid', 'id'],
  user_id: ['userid'],
  userId: ['userid'],
  org: ['orgid', 'org'],
  org_id: ['orgid'],
  tenant: ['tenantid', 'tenant'],
  tenant_id: ['tenantid'],
  username: ['username', 'user', 'name'],
  preferred_username: ['username', 'user'],
  email: ['email'],
};

/** The names a field may be matched by: its own, `parent + field` for generic ids, JWT claim aliases. */
export function namesOf(f: ScalarField, jwt = false): string[] {
  const n = normalKey(f.field);
  const out = new Set<string>([n]);
  if (f.parent && GENERIC_ID.test(f.field)) {
    out.add(normalKey(singular(f.parent)) + n);
    out.add(`${normalKey(singular(f.parent))}id`);
  }
  if (f.parent && /^(?:user|me|account|profile|currentuser|current_user)$/i.test(f.parent) && GENERIC_ID.test(f.field)) out.add('userid');
  if (jwt) for (const a of CLAIM_NAMES[f.field] ?? []) out.add(a);
  return [...out];
}

/**
 * Whether a field fits a path parameter by name: the same normalised name, the name without its
 * kind prefix, or `parent + id` (`basket.id` fits `{basketId}`); generic names (`id`) only fit when
 * the parent or the segment before the parameter names the same kind.
 */
export function fieldFitsParam(names: readonly string[], param: string, segmentBefore?: string): 'exact' | 'kind' | undefined {
  const p = normalKey(param);
  const kind = segmentBefore ? normalKey(singular(segmentBefore)) : undefined;
  // A bare `{id}` is only filled by an id of the same kind (`basket.id` for /baskets/{id}).
  if (GENERIC_ID.test(param)) return kind && (names.includes(`${kind}id`) || names.includes(`${kind}${p}`)) ? 'exact' : undefined;
  if (names.includes(p)) return 'exact';
  if (kind) {
    for (const c of fieldCandidates(param, kind)) if (c !== p && names.includes(`${kind}${c}`)) return 'exact';
  }
  return undefined;
}
