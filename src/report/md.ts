import { stripControl } from './describe.js';

/**
 * Markdown for text a target chose (titles, cookie names, paths, reasons, evidence): nothing in it
 * can become markup — not raw HTML (a renderer with HTML enabled would run it), not a link, not
 * emphasis, not a heading or a table cell break.
 */

/** Markdown text: ASCII punctuation that could start markup (or raw HTML) is backslash-escaped. */
export function mdText(value: unknown): string {
  return (
    stripControl(String(value ?? ''))
      .replace(/\r?\n/g, ' ')
      .replace(/([\\`*_[\]|~!])/g, '\\$1')
      // Entities, not backslashes, for what could open raw HTML: an autolinker (linkify) may swallow a
      // backslash into a URL, an entity is text to every CommonMark renderer.
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // What would start a heading, a list or a quote at the beginning of a line or cell.
      .replace(/^(\s*)([#+\-=])/, '$1\\$2')
      // Only punctuation can be backslash-escaped (CommonMark): "1." becomes "1\." not "\1.".
      .replace(/^(\s*)(\d+)([.)])/, '$1$2\\$3')
  );
}

/** Inline code, safe inside a table cell: a fence longer than any backtick run, pipes escaped. */
export function mdCode(value: unknown): string {
  const text = stripControl(String(value ?? ''))
    .replace(/\r?\n/g, ' ')
    .replace(/\|/g, '\\|');
  if (text === '') return '';
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced code block whose fence no line of the content can close (content is shown literally). */
export function mdFence(value: unknown): string {
  const text = stripControl(String(value ?? '')).replace(/\r\n?/g, '\n');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}`;
}
