import { redactedValue } from '../net/redact.js';
import type { Severity } from '../model/severity.js';
import { KeywordPrefilter } from './prefilter.js';
import { secretDataEntries } from './sources/kubernetes.js';
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
      regex: new RegExp(rule.pattern.source, `${rule.pattern.flags.replace(/[gd]/g, '')}g`),
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

  /**
   * Scans one text. `path` decides file-type heuristics and is copied into every hit. Kubernetes Secret
   * manifests also have their base64 `data:` values decoded and scanned, reported at the data line.
   */
  scan(text: string, path: string): ScanTextResult {
    const plain = this.scanPlain(text, path);
    const entries = /\.(ya?ml|json)$|(^|\/)[^/.]+$/i.test(path) ? secretDataEntries(text) : [];
    if (entries.length === 0) return plain;
    const decodedLines = new Set(entries.map((e) => e.line));
    // The encoded form is not the secret: its judgement is replaced by the decoded value's.
    const hits = plain.hits.filter((h) => !decodedLines.has(h.line));
    let ignoredInline = plain.ignoredInline;
    for (const e of entries) {
      const multiLine = e.decoded.includes('\n');
      const synthetic = multiLine ? e.decoded : `${e.key}: "${e.decoded.replace(/"/g, '\\"')}"`;
      const r = this.scanPlain(synthetic, 'secret-data.yaml');
      ignoredInline += r.ignoredInline;
      for (const h of r.hits) {
        hits.push({ ...h, path, line: e.line, column: e.column, details: [...h.details, `decoded from the base64 value of "${e.key}" in a Kubernetes Secret (data:)`] });
      }
    }
    hits.sort((a, b) => a.line - b.line || a.column - b.column);
    return { hits, ignoredInline };
  }

  private scanPlain(text: string, path: string): ScanTextResult {
    const positions = this.prefilter.positions(text);
    if (positions.size === 0) return { hits: [], ignoredInline: 0 };
    // rule index → keyword start offsets (Infinity: too many to window, scan the whole text).
    const byRule = new Map<number, number[]>();
    for (const [k, list] of positions) {
      for (const r of this.rulesByKeyword[k]!) {
        const acc = byRule.get(r);
        if (acc) for (const p of list) acc.push(p);
        else byRule.set(r, list.slice());
      }
    }
    const lockfile = LOCKFILE.test(path);
    const candidates: Candidate[] = [];
    let lines: LineIndex | undefined;
    const ruleOrder = [...byRule.keys()].sort((a, b) => a - b);
    for (const idx of ruleOrder) {
      const { rule, regex } = this.compiled[idx]!;
      if (lockfile && rule.generic) continue;
      for (const [ws, we] of windowsFor(byRule.get(idx)!, text.length, rule.wholeText === true)) {
        const slice = ws === 0 && we === text.length ? text : text.slice(ws, we);
        regex.lastIndex = 0;
        let m: RegExpExecArray | null;
        let guard = 0;
        while ((m = regex.exec(slice)) !== null) {
          if (m[0].length === 0) regex.lastIndex++;
          if (++guard > 10_000) break;
          const groups = m.groups ?? {};
          const value = groups.secret ?? groups.secret2 ?? groups.secret3;
          if (!value) continue;
          const start = ws + m.index + Math.max(0, m[0].lastIndexOf(value));
          lines ??= new LineIndex(text);
          const cand = this.judge(rule, idx, value, start, m, text, path, lines);
          if (cand) candidates.push(cand);
        }
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
    const name = assignedName(text, start);
    // Name-based rules reject most candidates on the name or the shape of the value: ask them first.
    // (At most one validator call per candidate, so the context is built at most once, without a closure.)
    let verdict = rule.generic && rule.validate ? rule.validate(value, matchContext(m, path, lines, start, name)) : undefined;
    if (verdict && !verdict.valid) return undefined;
    if (!rule.keyBlock && looksLikePlaceholder(body.length >= 8 ? body : value, { allowLowVariety: rule.allowLowVariety ?? false })) return undefined;
    if (rule.entropy !== undefined && shannonEntropy(value) < rule.entropy) return undefined;
    if (!verdict && rule.validate) {
      verdict = rule.validate(value, matchContext(m, path, lines, start, name));
      if (!verdict.valid) return undefined;
    }
    let severity = rule.severity;
    let publicByDesign = rule.publicByDesign ?? false;
    let title = rule.title;
    let details: string[] = [];
    if (verdict) {
      if (verdict.severity) severity = verdict.severity;
      if (verdict.publicByDesign) publicByDesign = true;
      if (verdict.title) title = verdict.title;
      details = verdict.details ?? [];
    }
    if (publicByDesign && severity !== 'info') severity = 'info';
    return { rule, ruleIndex, start, end: start + value.length, value, severity, publicByDesign, title, ...(name ? { name } : {}), details };
  }
}

function matchContext(m: RegExpExecArray, path: string, lines: LineIndex, start: number, name: string | undefined): MatchContext {
  const { line } = lines.position(start);
  return { match: m[0], groups: m.groups ?? {}, path, line: lines.lineText(line), ...(name ? { name } : {}) };
}

/** How far a match may reach before / after one of its keywords (longer formats use `wholeText`). */
const WINDOW_BEFORE = 512;
const WINDOW_AFTER = 4096;

/**
 * The stretches of text a rule's regex must see: around each keyword occurrence, merged. Small texts,
 * multi-line rules and keywords seen everywhere get the whole text.
 */
function windowsFor(starts: number[], length: number, whole: boolean): Array<[number, number]> {
  if (whole || length <= 4 * (WINDOW_BEFORE + WINDOW_AFTER) || starts.some((p) => p === Infinity)) return [[0, length]];
  starts.sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  let covered = 0;
  for (const p of starts) {
    const ws = Math.max(0, p - WINDOW_BEFORE);
    const we = Math.min(length, p + WINDOW_AFTER);
    const last = out[out.length - 1];
    if (last && ws <= last[1]) {
      covered += Math.max(0, we - last[1]);
      last[1] = Math.max(last[1], we);
    } else {
      out.push([ws, we]);
      covered += we - ws;
    }
  }
  return covered > length / 2 ? [[0, length]] : out;
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
  const floor = Math.max(0, start - 200);
  const isSkip = (c: number): boolean => c === 34 || c === 39 || c === 96 || c === 32 || c === 9; // " ' ` space tab
  const isOp = (c: number): boolean => c === 61 || c === 58 || c === 62 || c === 44 || c === 63 || c === 124 || c === 38; // = : > , ? | &
  const isIdent = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 36 || c === 45;
  // The value may follow quotes or spaces; skip back over them (never past the line start).
  while (i >= floor && isSkip(text.charCodeAt(i))) i--;
  let sawOp = false;
  while (i >= floor && isOp(text.charCodeAt(i))) {
    sawOp = true;
    i--;
  }
  if (!sawOp) return undefined;
  while (i >= floor && (isSkip(text.charCodeAt(i)) || text.charCodeAt(i) === 93)) i--; // also `]`
  const end = i + 1;
  while (i >= floor && isIdent(text.charCodeAt(i))) i--;
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
