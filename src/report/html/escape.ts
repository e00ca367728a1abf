import { showControl } from '../describe.js';

/**
 * Text for HTML element content and quoted attribute values: nothing a server sent can become markup.
 * C0 control characters are not allowed in HTML text: they are shown as `\x1b`, never emitted.
 */
export function esc(value: unknown): string {
  return showControl(String(value ?? ''))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** An id attribute value derived from arbitrary text. */
export function domId(prefix: string, value: string): string {
  return `${prefix}-${value.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
