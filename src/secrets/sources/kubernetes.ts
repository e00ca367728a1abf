/**
 * Kubernetes `Secret` manifests keep their values base64-encoded under `data:`; the encoded form hides
 * the secret from every format rule. This finds those entries (line-based, no YAML parser: manifests are
 * often templated Helm files that do not parse) and decodes them for the engine.
 */

export interface SecretDataEntry {
  key: string;
  /** 1-based line of the entry, and 1-based column where the encoded value starts. */
  line: number;
  column: number;
  decoded: string;
}

const KIND_SECRET = /^kind:\s*["']?Secret["']?\s*(#.*)?$/m;

/** Cheap test before any line work. */
export function mayHoldSecretManifest(text: string): boolean {
  return text.includes('kind:') && text.includes('Secret') && text.includes('data:') && KIND_SECRET.test(text);
}

/** Printable text (UTF-8 without control characters other than tab/newline): worth scanning. */
function printable(buf: Buffer): string | undefined {
  const s = buf.toString('utf8');
  if (s.includes('\uFFFD')) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s)) return undefined;
  return s;
}

/** The base64 `data:` entries of every `kind: Secret` document in a YAML text. */
export function secretDataEntries(text: string): SecretDataEntry[] {
  if (!mayHoldSecretManifest(text)) return [];
  const out: SecretDataEntry[] = [];
  const docs = text.split(/^---[^\S\n]*$/m);
  let lineBase = 0;
  for (const doc of docs) {
    const lines = doc.split('\n');
    if (KIND_SECRET.test(doc)) {
      let dataIndent = -1;
      for (let i = 0; i < lines.length; i++) {
        const l = lines[i]!.replace(/\r$/, '');
        const indent = l.length - l.trimStart().length;
        if (/^\s*data:\s*(#.*)?$/.test(l)) {
          dataIndent = indent;
          continue;
        }
        if (dataIndent < 0 || l.trim() === '' || l.trimStart().startsWith('#')) continue;
        if (indent <= dataIndent) {
          dataIndent = -1;
          continue;
        }
        const m = /^(\s+)["']?([A-Za-z0-9_.-]+)["']?:\s*(["']?)([A-Za-z0-9+/]{4,}={0,2})\3\s*(#.*)?$/.exec(l);
        if (!m) continue;
        const encoded = m[4]!;
        if (encoded.length % 4 !== 0) continue;
        const decoded = printable(Buffer.from(encoded, 'base64'));
        if (decoded === undefined || decoded.trim().length === 0) continue;
        out.push({ key: m[2]!, line: lineBase + i + 1, column: l.indexOf(encoded) + 1, decoded });
      }
    }
    // Each "---" separator line was consumed by the split: count it.
    lineBase += lines.length;
  }
  return out;
}
