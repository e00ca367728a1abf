/**
 * DKIM tag-lists (RFC 6376 §3.2), also the syntax of DMARC, MTA-STS and TLS-RPT records:
 * `name=value; name=value;` with optional whitespace. Never throws.
 */

export interface Tag {
  name: string;
  value: string;
}

export interface TagList {
  tags: Tag[];
  /** name → value (first occurrence). */
  map: Map<string, string>;
  errors: string[];
}

const TAG_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export function parseTagList(input: unknown): TagList {
  const text = typeof input === 'string' ? input : '';
  const tags: Tag[] = [];
  const map = new Map<string, string>();
  const errors: string[] = [];
  if (text.trim() === '') return { tags, map, errors };
  const specs = text.split(';');
  // A trailing ";" leaves one empty spec at the end, which is allowed.
  if (specs.length > 1 && specs.at(-1)!.trim() === '') specs.pop();
  specs.forEach((spec, i) => {
    if (spec.trim() === '') {
      errors.push(`empty tag at position ${i + 1} (";;")`);
      return;
    }
    const eq = spec.indexOf('=');
    if (eq < 0) {
      errors.push(`"${spec.trim().slice(0, 40)}" is not a tag=value pair`);
      return;
    }
    const name = spec.slice(0, eq).trim();
    const value = spec.slice(eq + 1).trim();
    if (!TAG_NAME.test(name)) {
      errors.push(`"${name.slice(0, 40)}" is not a valid tag name`);
      return;
    }
    for (const ch of value) {
      const c = ch.codePointAt(0)!;
      const whitespace = c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
      if (!whitespace && (c < 0x21 || c > 0x7e)) {
        errors.push(`tag "${name}" has a character outside printable ASCII (U+${c.toString(16).toUpperCase().padStart(4, '0')})`);
        return;
      }
    }
    if (map.has(name)) {
      errors.push(`tag "${name}" appears more than once`);
      return;
    }
    tags.push({ name, value });
    map.set(name, value);
  });
  return { tags, map, errors };
}
