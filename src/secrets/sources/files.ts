import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Extensions that are never text worth scanning (images, fonts, archives, media, compiled code). */
const BINARY_EXT =
  /\.(png|jpe?g|gif|webp|avif|ico|icns|bmp|tiff?|psd|svgz|woff2?|ttf|otf|eot|zip|gz|tgz|bz2|xz|zst|7z|rar|jar|war|ear|class|dll|exe|so|dylib|a|o|obj|lib|bin|dat|db|sqlite3?|wasm|node|pyc|pyo|mp3|mp4|m4a|wav|ogg|flac|mov|avi|mkv|webm|pdf|docx?|xlsx?|pptx?|odt|ods|iso|dmg|deb|rpm|apk|ipa|lockb)$/i;

export interface SkipStats {
  binary: number;
  tooLarge: number;
  ignored: number;
}

export function isBinaryPath(path: string): boolean {
  return BINARY_EXT.test(path);
}

/** A NUL byte in the first 8 KB marks binary content (git's own heuristic). */
export function looksBinary(buf: Buffer): boolean {
  const n = Math.min(buf.length, 8000);
  for (let i = 0; i < n; i++) if (buf[i] === 0) return true;
  return false;
}

export interface WalkOptions {
  /** Scan files .gitignore excludes, and node_modules (never .git). */
  allFiles?: boolean;
  maxFileBytes: number;
  /** Directory names never entered (besides .git). */
  skipDirs?: readonly string[];
}

export interface WalkedFile {
  /** `/`-separated path relative to the root. */
  path: string;
  abs: string;
  size: number;
}

/**
 * The working tree as git would see it: .gitignore files at every level are honoured (with the
 * `ignore` package), `.git` is never entered, and node_modules is left out unless `allFiles`.
 */
export function walkTree(root: string, opts: WalkOptions, skipped: SkipStats): WalkedFile[] {
  const out: WalkedFile[] = [];
  const skipDirs = new Set(['.git', ...(opts.allFiles ? [] : ['node_modules', ...(opts.skipDirs ?? [])])]);
  const visit = (dir: string, rules: Array<{ base: string; ig: Ignore }>): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    let here = rules;
    if (!opts.allFiles && entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      try {
        const ig = ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8'));
        here = [...rules, { base: dir, ig }];
      } catch {
        /* unreadable .gitignore: keep the parent's rules */
      }
    }
    for (const e of entries) {
      if (e.isSymbolicLink()) continue;
      const abs = join(dir, e.name);
      const isDir = e.isDirectory();
      if (isDir && skipDirs.has(e.name)) continue;
      if (!opts.allFiles) {
        let ignored = false;
        for (const r of here) {
          const rel = relative(r.base, abs).split(sep).join('/');
          if (rel && r.ig.ignores(isDir ? `${rel}/` : rel)) {
            ignored = true;
            break;
          }
        }
        if (ignored) {
          skipped.ignored++;
          continue;
        }
      }
      if (isDir) {
        visit(abs, here);
        continue;
      }
      if (!e.isFile()) continue;
      const path = relative(root, abs).split(sep).join('/');
      if (isBinaryPath(path)) {
        skipped.binary++;
        continue;
      }
      let size: number;
      try {
        size = statSync(abs).size;
      } catch {
        continue;
      }
      if (size > opts.maxFileBytes) {
        skipped.tooLarge++;
        continue;
      }
      out.push({ path, abs, size });
    }
  };
  visit(root, []);
  return out;
}

/** Reads a file as latin1 text (one char per byte: fast, and offsets are byte columns), or undefined for binary. */
export function readText(abs: string, skipped: SkipStats): { text: string; bytes: number } | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(abs);
  } catch {
    return undefined;
  }
  if (looksBinary(buf)) {
    skipped.binary++;
    return undefined;
  }
  return { text: buf.toString('latin1'), bytes: buf.length };
}

/** Minimal glob → RegExp: `**` any depth, `*` within a segment, `?` one character, `{a,b}` alternatives. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
        i += glob[i + 2] === '/' ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const close = glob.indexOf('}', i);
      if (close > i) {
        re += `(?:${glob
          .slice(i + 1, close)
          .split(',')
          .map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
          .join('|')})`;
        i = close;
      } else re += '\\{';
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The directory part of a glob before its first wildcard (where the walk starts). */
export function globBase(glob: string): string {
  const parts = glob.split('/');
  const base: string[] = [];
  for (const p of parts) {
    if (/[*?{[]/.test(p)) break;
    base.push(p);
  }
  if (base.length === parts.length) base.pop();
  return base.join('/') || '.';
}
