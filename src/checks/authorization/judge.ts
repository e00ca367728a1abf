import type { HttpExchange } from '../../net/http.js';
import { carriesData, htmlTexts, identifyingValues, isErrorBody, isHtml, isLoginPage, isSuccess, PERSONAL_FIELDS, valuesIn } from '../authentication/content.js';

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

export interface CrossTenantRead {
  attacker: string;
  victim: string;
  /** The victim's own read of the object (the authorised half). */
  owner: HttpExchange;
  /** The attacker's read of its own object of the same route, when it has one (the contrast). */
  own?: HttpExchange;
  /** The attacker's read of the victim's object. */
  attack: HttpExchange;
  /** Values known to identify the victim's object (created markers, listed values). */
  objectValues: Iterable<string>;
  /** What the attacker may legitimately have seen (its own profile, lists, objects). */
  attackerSeen: ReadonlySet<string>;
  /** The values filled into the path (echoing them proves nothing). */
  pathValues: readonly string[];
  /** The victim's object is also the attacker's (a shared record): bytes alone prove nothing. */
  sharedObject: boolean;
}

/**
 * Whether the attacker read the victim's object: the victim's exclusive values in the attacker's
 * response (not vocabulary, not in the URL, not in the attacker's own object), or exactly the
 * victim's bytes where the attacker's own object reads differently; a reduced public view is not a leak.
 */
export function judgeCrossTenantRead(c: CrossTenantRead): { leaked: boolean; proof: string; matched: string[] } {
  const valuesOf = (ex: HttpExchange): Set<string> => (ex.response ? (isHtml(ex.response) ? htmlTexts(ex.response.text()) : identifyingValues(ex.response.json())) : new Set());
  const victimValues = new Set<string>([...c.objectValues, ...valuesOf(c.owner)]);
  const ownValues = c.own ? valuesOf(c.own) : new Set<string>();
  const ownText = c.own?.response?.text() ?? '';
  const inUrl = (v: string): boolean => c.pathValues.some((pv) => pv === v || pv.includes(v) || v.includes(pv));
  const exclusive = [...victimValues].filter((v) => !c.attackerSeen.has(v) && !ownValues.has(v) && !ownText.includes(v) && !inUrl(v));
  const attackOk = isSuccess(c.attack) && !isLoginPage(c.attack) && !isErrorBody(c.attack.response!.json());
  const matched = attackOk ? valuesIn(c.attack.response, exclusive) : [];
  const sameBytes =
    !!c.own && isSuccess(c.own) && isSuccess(c.attack) && !!c.owner.response && c.attack.response!.body.length >= 8 && c.attack.response!.body.equals(c.owner.response.body) && !(c.own.response && c.own.response.body.equals(c.owner.response.body)) && !c.sharedObject;
  const reduced = matched.length > 0 && !sameBytes ? isReducedPublicView(c.owner.response?.json(), c.attack.response?.json(), matched) : undefined;
  const leaked = (matched.length > 0 && !reduced?.reduced) || sameBytes;
  const proof = reduced?.reduced
    ? `${c.attacker} gets ${reduced.why}`
    : matched.length
      ? `${c.attacker}'s response contains ${c.victim}'s values: ${matched.map((m) => JSON.stringify(m.length > 40 ? `${m.slice(0, 40)}…` : m)).join(', ')}`
      : sameBytes
        ? `${c.attacker} received exactly the ${c.attack.response!.body.length} bytes ${c.victim} gets for its own object`
        : carriesData(c.attack, c.owner).why;
  return { leaked, proof, matched };
}
