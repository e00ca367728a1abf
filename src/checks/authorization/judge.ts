import { PERSONAL_FIELDS } from '../authentication/content.js';

/**
 * Pure judgements of access-control exchanges (no I/O): the probes in src/probes/authorization
 * gather the request pairs and call these, and CheckTester-style tables test them directly.
 */

function topKeys(v: unknown): string[] | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const inner = o['data'];
  return Object.keys(inner && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : o);
}

function fieldsHolding(v: unknown, values: readonly string[], out = new Set<string>(), depth = 0): Set<string> {
  if (depth > 5 || !v || typeof v !== 'object') return out;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if ((typeof x === 'string' || typeof x === 'number') && values.some((m) => String(x).includes(m))) out.add(k);
    else fieldsHolding(x, values, out, depth + 1);
  }
  return out;
}

/**
 * The other tenant got a reduced view of the object (a public profile: fewer fields than the owner
 * sees, none of them personal): that is an API that redacts for strangers, not a leak.
 */
export function isReducedPublicView(ownerJson: unknown, attackJson: unknown, matched: readonly string[]): { reduced: boolean; why: string } {
  const ownerKeys = topKeys(ownerJson);
  const attackKeys = topKeys(attackJson);
  if (!ownerKeys || !attackKeys) return { reduced: false, why: 'not comparable JSON objects' };
  const subset = attackKeys.every((k) => ownerKeys.includes(k)) && attackKeys.length < ownerKeys.length;
  if (!subset) return { reduced: false, why: 'the other tenant sees every field the owner sees' };
  const leakedFields = [...fieldsHolding(attackJson, matched)];
  const personal = leakedFields.filter((f) => PERSONAL_FIELDS.some((p) => p.pattern.test(f)));
  if (personal.length) return { reduced: false, why: `a reduced view, but it still carries ${personal.join(', ')}` };
  return { reduced: true, why: `a reduced public view (${attackKeys.join(', ')} of the owner's ${ownerKeys.join(', ')}), with no personal field` };
}
