import type { FindingDraft } from '../../engine/check.js';
import type { Location } from '../../model/finding.js';
import type { Severity } from '../../model/severity.js';
import type { LocatedHit } from '../../secrets/types.js';

/** Rotate first, then remove; removing alone leaves the key valid for whoever already copied it. */
export function secretFix(title: string, where: 'tree' | 'history' | 'bundle' | 'site'): string {
  const rotate = `Rotate the ${title} now in the provider's console (revoke the old one), and check the provider's access logs for use you do not recognise.`;
  const move = 'Then load it from the environment or a secret manager at runtime, never from source.';
  const purge =
    'The old value stays in git history: after rotating, purge it with `git filter-repo --replace-text <(echo "OLD_VALUE==>REMOVED")` (or `--invert-paths --path FILE`), force-push, and ask collaborators to re-clone; forks and CI caches keep their copies, which is why rotation comes first.';
  const frontend = 'Then move the call that needs it to your server: anything in a bundle, source map or page is public. Rebuild and redeploy, and stop serving source maps publicly.';
  if (where === 'bundle' || where === 'site') return `${rotate} ${frontend}`;
  return `${rotate} ${move} ${purge}`;
}

export function hitLocation(h: LocatedHit): Location {
  const loc: Location = { file: h.origin.path, line: h.line, column: h.column };
  if (h.origin.commit) loc.commit = h.origin.commit;
  if (h.origin.date) loc.date = h.origin.date;
  if (h.origin.url) loc.url = h.origin.url;
  if (h.origin.via) loc.detail = `found via ${h.origin.via}`;
  return loc;
}

/**
 * One finding per hit. Public-by-design keys (publishable, anon, web API keys) are `warn`/`info`:
 * shown, never failing. `minSeverity` raises the rest (a secret in a served bundle is critical).
 */
export function hitDraft(h: LocatedHit, where: 'tree' | 'history' | 'bundle' | 'site', opts: { titleSuffix: string; minSeverity?: Severity; extraNotes?: string[] }): FindingDraft {
  const notes = [`rule: ${h.ruleId}`, ...(h.name ? [`assigned to ${h.name}`] : []), ...h.details, ...(opts.extraNotes ?? [])];
  if (h.origin.author && where === 'history') notes.push(`committed by ${h.origin.author}`);
  let severity: Severity = h.severity;
  if (!h.publicByDesign && opts.minSeverity && rank(opts.minSeverity) > rank(severity)) severity = opts.minSeverity;
  return {
    status: h.publicByDesign ? 'warn' : 'fail',
    severity: h.publicByDesign ? 'info' : severity,
    title: h.publicByDesign ? `${h.title} (public by design) ${opts.titleSuffix}` : `${h.title} ${opts.titleSuffix}`,
    location: hitLocation(h),
    evidence: { value: h.redacted, notes },
    fix: h.publicByDesign
      ? 'Nothing to hide: this key is meant for browsers. Make sure it is restricted (allowed domains/referrers, APIs, row-level security) in the provider console.'
      : secretFix(h.title, where),
    discriminator: `${h.ruleId}:${h.redacted.sha256.slice(0, 16)}`,
  };
}

const RANKS: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
function rank(s: Severity): number {
  return RANKS[s];
}
