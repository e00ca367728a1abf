import type { RedactedValue } from '../model/finding.js';
import type { Severity } from '../model/severity.js';

/**
 * What a rule's validator learns about one candidate, beyond the secret itself. Validators are pure:
 * they look at the text, never at the network.
 */
export interface MatchContext {
  /** The whole regex match (e.g. `AccountKey=…;` around the key). */
  match: string;
  /** Named groups of the match (`name` is the identifier a value is assigned to, when the rule captures it). */
  groups: Readonly<Record<string, string | undefined>>;
  /** Path of the file (or blob, or URL) being scanned, `/`-separated. */
  path: string;
  /** The line the secret starts on. */
  line: string;
  /** The identifier the value is assigned to, when the engine can tell (`STRIPE_KEY`, `password`). */
  name?: string;
}

export interface Validation {
  /** false: not a credential (structure does not hold, or it is a placeholder); the candidate is dropped. */
  valid: boolean;
  reason?: string;
  /** Overrides the rule's severity for this candidate (a Supabase anon key is info, a service_role key critical). */
  severity?: Severity;
  /** The key is public by design for this candidate (publishable keys, web API keys). */
  publicByDesign?: boolean;
  /** Facts for the finding, never containing the value (`role=service_role`, `checksum ok`). */
  details?: string[];
  /** A more precise title for this candidate. */
  title?: string;
}

/** Values the rule tester expands at run time so no key-shaped string is ever committed (see synth.ts). */
export type Example = string | ((synth: (template: string) => string) => string);

/**
 * One credential format, as data (gitleaks' lesson). Adding a format touches one table entry and
 * its examples; the engine and the tests pick it up.
 */
export interface SecretRule {
  /** Stable kebab-case id, e.g. `github-pat-classic`; part of every finding's fingerprint. */
  id: string;
  /** What it is, in the provider's words: "GitHub personal access token (classic)". */
  title: string;
  /** Lower-case literals at least one of which must occur in the text for the pattern to run. */
  keywords: string[];
  /** Must have a named group `secret`; compiled with the `g` flag by the engine. */
  pattern: RegExp;
  /** Structure check (checksum, JWT claims, PEM parse); dropping or re-grading the candidate. */
  validate?(secret: string, ctx: MatchContext): Validation;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  severity: Severity;
  /** A key that is meant to ship to browsers (publishable, anon, web API key): info at most. */
  publicByDesign?: boolean;
  /**
   * A rule that judges by context (a secret-ish name, a provider keyword) rather than by a unique
   * format: hash, UUID and placeholder filters apply strictly and a specific rule wins an overlap.
   */
  generic?: boolean;
  /** Overlap priority: lower wins. Specific formats 0 (default), provider-context rules 1, generic 2. */
  priority?: number;
  /** The match can sit far from its keyword (multi-line keys, JSON documents): scan the whole text. */
  wholeText?: boolean;
  /** Skip the shared placeholder filters (formats whose real values contain long runs, like Twitter bearer tokens). */
  allowLowVariety?: boolean;
  /**
   * A structured block (PEM / OpenSSH / PuTTY key) whose validator judges the material itself: the
   * word and character-run placeholder filters never apply (every OpenSSH header has `AAAAAAAA`, and
   * an indented block has runs of spaces).
   */
  keyBlock?: boolean;
  examples: {
    truePositives: Example[];
    /** Real-looking values the rule knowingly misses (documented limits). */
    falseNegatives?: Example[];
    trueNegatives: Example[];
  };
}

/**
 * A candidate the engine found. It carries the raw value only inside the scanning process; everything
 * that leaves the engine (findings, reports, logs) uses `redacted`.
 */
export interface SecretHit {
  ruleId: string;
  title: string;
  severity: Severity;
  publicByDesign: boolean;
  path: string;
  /** 1-based line and column (column in bytes of the line). */
  line: number;
  column: number;
  redacted: RedactedValue;
  /** The identifier the value was assigned to, when known (names are not secrets). */
  name?: string;
  /** The value sits in a variable a frontend bundler exposes to browsers (NEXT_PUBLIC_, VITE_ …). */
  frontendExposed?: string;
  details: string[];
}

/** Where a blob or file came from, for attribution. */
export interface SourceOrigin {
  /** `tree` working tree, `history` a git blob, `bundle` built output, `site` the deployed site, `log` a log file. */
  kind: 'tree' | 'history' | 'bundle' | 'site' | 'log';
  path: string;
  commit?: string;
  date?: string;
  author?: string;
  url?: string;
  /** For source maps: the bundle or map file the original source was found in. */
  via?: string;
}

export interface LocatedHit extends SecretHit {
  origin: SourceOrigin;
}
