import { redactedValue } from '../net/redact.js';
import type { Severity } from '../model/severity.js';
import { KeywordPrefilter } from './prefilter.js';
import { KNOWN_EXAMPLE_VALUES, RULES } from './rules/index.js';
import type { MatchContext, SecretHit, SecretRule } from './types.js';
import { looksLikePlaceholder, shannonEntropy } from './validators.js';

/** Lock files and checksum lists: only format rules run there, never the name-based ones. */
const LOCKFILE = /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|Cargo\.lock|poetry\.lock|Pipfile\.lock|composer\.lock|Gemfile\.lock|go\.sum|flake\.lock|packages\.lock\.json|gradle\.lockfile|mix\.lock|pubspec\.lock|uv\.lock)$/;

/** Variables a frontend build inlines into the JavaScript every visitor downloads. */
const FRONTEND_PREFIX = /^(NEXT_PUBLIC_|VITE_|REACT_APP_|EXPO_PUBLIC_|NUXT_PUBLIC_|NUXT_ENV_|GATSBY_|PUBLIC_|VUE_APP_|STORYBOOK_)/;

const IGNORE_MARKER = /launchready-ignore|gitleaks:allow|pragma: allowlist secret/;

interface CompiledRule {
  rule: SecretRule;
  regex: RegExp;
  index: number;
}

export interface EngineOptions {
  rules?: readonly SecretRule[];
}

export interface ScanTextResult {
  hits: SecretHit[];
  /** Candidates dropped by an inline `launchready-ignore` comment. */
  ignoredInline: number;
}

interface Candidate {
  rule: SecretRule;
  ruleIndex: number;
  start: number;
  end: number;
  value: string;
  severity: Severity;
  publicByDesign: boolean;
  title: string;
  name?: string;
  details: string[];
}

/**
 * The scanning engine: keyword prefilter, per-rule regexes, validators, false-positive filters,
 * overlap resolution, inline ignores and redaction. It knows nothing of files or git; sources feed
 * it text. The raw value never leaves this module: hits carry `{prefix, length, sha256}` only.
 */
export class SecretEngine {
  private readonly compiled: CompiledRule[];
  private readonly prefilter: KeywordPrefilter;
  /** keyword id → indexes of rules that listed it. */
  private readonly rulesByKeyword: number[][];

  constructor(options: EngineOptions = {}) {
    const rules = options.rules ?? RULES;
    this.compiled = rules.map((rule, index) => ({
      rule,
      index,
      regex: new RegExp(rule.pattern.source, `${rule.pattern.flags.replace(/[gd]/g, '')}gd`),
    }));
    const keywordIds = new Map<string, number>();
    const byKeyword: number[][] = [];
    for (const c of this.compiled) {
      for (const kw of c.rule.keywords) {
        const k = kw.toLowerCase();
        let id = keywordIds.get(k);
        if (id === undefined) {
          id = keywordIds.size;
          keywordIds.set(k, id);
          byKeyword.push([]);
        }
        byKeyword[id]!.push(c.index);
      }
    }
    this.prefilter = new KeywordPrefilter([...keywordIds.keys()]);
    this.rulesByKeyword = byKeyword;
  }

  get rules(): readonly SecretRule[] {
    return this.compiled.map((c) => c.rule);
  }

  /** Scans one text. `path` decides file-type heuristics and is copied into every hit. */
  scan(text: string, path: string): ScanTextResult {
    const keywordHits = this.prefilter.scan(text);
    if (keywordHits.size === 0) return { hits: [], ignoredInline: 0 };
    const ruleIdx = new Set<number>();
    for (const k of keywordHits) for (const r of this.rulesByKeyword[k]!) ruleIdx.add(r);
    const lockfile = LOCKFILE.test(path);
    const candidates: Candidate[] = [];
    let lines: LineIndex | undefined;
    for (const idx of [...ruleIdx].sort((a, b) => a - b)) {
      const { rule, regex } = this.compiled[idx]!;
      if (lockfile && rule.generic) continue;
      regex.lastIndex = 0;
      let m: RegExpExecArray | null;
      let guard = 0;
      while ((m = regex.exec(text)) !== null) {
        if (m[0].length === 0) regex.lastIndex++;
        if (++guard > 10_000) break;
        const groups = m.groups ?? {};
        const value = groups.secret ?? groups.secret2 ?? groups.secret3;
        if (!value) continue;
        const span = m.indices?.groups?.secret ?? m.indices?.groups?.secret2 ?? m.indices?.groups?.secret3;
        const start = span ? span[0] : m.index + Math.max(0, m[0].lastIndexOf(value));
        lines ??= new LineIndex(text);
        const cand = this.judge(rule, idx, value, start, m, text, path, lines);
        if (cand) candidates.push(cand);
      }
    }
    if (candidates.length === 0) return { hits: [], ignoredInline: 0 };
    const kept = resolveOverlaps(candidates);
    lines ??= new LineIndex(text);
    const hits: SecretHit[] = [];
    let ignoredInline = 0;
    for (const c of kept) {
      const { line, column } = lines.position(c.start);
      if (IGNORE_MARKER.test(lines.lineText(line)) || (line > 1 && IGNORE_MARKER.test(lines.lineText(line - 1)))) {
        ignoredInline++;
        continue;
      }
      const frontend = c.name ? FRONTEND_PREFIX.exec(c.name.split('.').pop() ?? '')?.[1] : undefined;
      let severity = c.severity;
      const details = [...c.details];
      if (frontend && !c.publicByDesign && severity !== 'info') {
        severity = 'critical';
        details.push(`${c.name} starts with ${frontend}: the build inlines it into JavaScript every visitor downloads`);
      }
      hits.push({
        ruleId: c.rule.id,
        title: c.title,
        severity,
        publicByDesign: c.publicByDesign,
        path,
        line,
        column,
        redacted: redactedValue(c.value),
        ...(c.name ? { name: c.name } : {}),
        ...(frontend && !c.publicByDesign ? { frontendExposed: c.name } : {}),
        details,
      });
    }
    return { hits, ignoredInline };
  }

  private judge(rule: SecretRule, ruleIndex: number, value: string, start: number, m: RegExpExecArray, text: string, path: string, lines: LineIndex): Candidate | undefined {
    if (KNOWN_EXAMPLE_VALUES.has(value)) return undefined;
    for (const known of KNOWN_EXAMPLE_VALUES) if (known.length > 20 && value.includes(known)) return undefined;
    // Placeholders are judged on the part after a fixed vendor prefix (`sk_live_`, `ghp_`).
    const body = value.replace(/^[A-Za-z]{2,12}[_-](?:(?:live|test|v1|api\d\d|proj|pat)[_-])?/, '');
    if (looksLikePlaceholder(body.length >= 8 ? body : value, { allowLowVariety: rule.allowLowVariety ?? false })) return undefined;
    if (rule.entropy !== undefined && shannonEntropy(value) < rule.entropy) return undefined;
    const { line } = lines.position(start);
    const lineText = lines.lineText(line);
    const name = assignedName(text, start);
    const ctx: MatchContext = { match: m[0], groups: m.groups ?? {}, path, line: lineText, ...(name ? { name } : {}) };
    let severity = rule.severity;
    let publicByDesign = rule.publicByDesign ?? false;
    let title = rule.title;
    let details: string[] = [];
    if (rule.validate) {
      const v = rule.validate(value, ctx);
      if (!v.valid) return undefined;
      if (v.severity) severity = v.severity;
      if (v.publicByDesign) publicByDesign = true;
      if (v.title) title = v.title;
      details = v.details ?? [];
    }
    if (publicByDesign && severity !== 'info') severity = 'info';
    return { rule, ruleIndex, start, end: start + value.length, value, severity, publicByDesign, title, ...(name ? { name } : {}), details };
  }
}

/** Keeps one candidate per span: the most specific rule (lowest priority), then the earlier rule. */
function resolveOverlaps(cands: Candidate[]): Candidate[] {
  cands.sort((a, b) => a.start - b.start || (a.rule.priority ?? 0) - (b.rule.priority ?? 0) || a.ruleIndex - b.ruleIndex);
  const kept: Candidate[] = [];
  for (const c of cands) {
    const clash = kept.findIndex((k) => c.start < k.end && k.start < c.end);
    if (clash < 0) {
      kept.push(c);
      continue;
    }
    const k = kept[clash]!;
    const better = (c.rule.priority ?? 0) < (k.rule.priority ?? 0) || ((c.rule.priority ?? 0) === (k.rule.priority ?? 0) && c.ruleIndex < k.ruleIndex);
    if (better) kept[clash] = c;
  }
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * The identifier a value at `start` is assigned to on its line: `API_KEY=` `"apiKey": "` `api_key = '`
 * `apiKey: ` `$password => '` `setenv("TOKEN", "`. Returns undefined when the value is not assigned.
 */
export function assignedName(text: string, start: number): string | undefined {
  let i = start - 1;
  const lineStart = text.lastIndexOf('\n', i) + 1;
  const floor = Math.max(lineStart, start - 200);
  // The value may sit inside a URL or after a scheme word (`Bearer `); skip back over quotes and spaces.
  while (i >= floor && /["'`\s]/.test(text[i]!)) i--;
  // An assignment operator (or the comma of a call / tuple).
  let sawOp = false;
  while (i >= floor && /[=:>,?|&]/.test(text[i]!)) {
    sawOp = true;
    i--;
  }
  if (!sawOp) return undefined;
  while (i >= floor && /["'`\s\]]/.test(text[i]!)) i--;
  const end = i + 1;
  while (i >= floor && /[\w.$-]/.test(text[i]!)) i--;
  const name = text.slice(i + 1, end).replace(/^[.$-]+/, '');
  return name.length > 0 && /[A-Za-z]/.test(name) ? name : undefined;
}

/** Maps offsets to 1-based line and column without splitting the text. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(private readonly text: string) {
    let i = -1;
    while ((i = text.indexOf('\n', i + 1)) !== -1) this.starts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }

  lineText(line: number): string {
    const s = this.starts[line - 1] ?? 0;
    const e = this.starts[line] ?? this.text.length + 1;
    return this.text.slice(s, Math.min(e - 1, s + 4000));
  }
}

let shared: SecretEngine | undefined;
/** The default engine (all rules), built once per process. */
export function defaultEngine(): SecretEngine {
  shared ??= new SecretEngine();
  return shared;
}
