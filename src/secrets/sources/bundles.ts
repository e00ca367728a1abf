import type { SecretEngine } from '../engine.js';
import type { LocatedHit, SourceOrigin } from '../types.js';

export interface SourceMapScan {
  hits: LocatedHit[];
  sources: number;
  bytes: number;
  ignoredInline: number;
  /** The map could not be parsed as JSON: it was scanned as plain text instead. */
  unparsable: boolean;
}

/** `webpack://app/./src/config.ts` → `src/config.ts`. */
export function originalSourcePath(source: string, sourceRoot = ''): string {
  const joined = sourceRoot && !/^[a-z]+:\/\//i.test(source) ? `${sourceRoot.replace(/\/$/, '')}/${source}` : source;
  return (
    joined
      .replace(/^(webpack|vite|rollup|turbopack|ng|file):\/\/+(?:[^/]*\/)?/i, '')
      .replace(/^\/?(?:\.\.?\/)+/, '')
      .replace(/^\/+/, '')
      .replace(/\?.*$/, '') || source
  );
}

/**
 * A source map's `sourcesContent` is the original code, comments and all: each entry is scanned on its
 * own and attributed to the original path inside the map, with the map (and bundle) as `via`.
 */
export function scanSourceMap(text: string, mapOrigin: SourceOrigin, engine: SecretEngine): SourceMapScan {
  const out: SourceMapScan = { hits: [], sources: 0, bytes: 0, ignoredInline: 0, unparsable: false };
  let map: { sources?: unknown; sourcesContent?: unknown; sourceRoot?: unknown; sections?: unknown };
  try {
    map = JSON.parse(text) as typeof map;
  } catch {
    out.unparsable = true;
    const r = engine.scan(text, mapOrigin.path);
    out.ignoredInline += r.ignoredInline;
    out.hits.push(...r.hits.map((h) => ({ ...h, origin: mapOrigin })));
    return out;
  }
  const maps: Array<typeof map> = Array.isArray(map.sections)
    ? (map.sections as Array<{ map?: typeof map }>).map((s) => s.map ?? {})
    : [map];
  for (const m of maps) {
    const sources = Array.isArray(m.sources) ? (m.sources as unknown[]) : [];
    const contents = Array.isArray(m.sourcesContent) ? (m.sourcesContent as unknown[]) : [];
    const root = typeof m.sourceRoot === 'string' ? m.sourceRoot : '';
    contents.forEach((content, i) => {
      if (typeof content !== 'string' || content.length === 0) return;
      const original = originalSourcePath(typeof sources[i] === 'string' ? (sources[i] as string) : `source-${i}`, root);
      // Third-party code bundled from node_modules is not the team's secret to rotate; still scanned.
      out.sources++;
      out.bytes += content.length;
      const r = engine.scan(content, original);
      out.ignoredInline += r.ignoredInline;
      for (const h of r.hits) out.hits.push({ ...h, origin: { ...mapOrigin, path: original, via: mapOrigin.via ?? mapOrigin.path } });
    });
  }
  return out;
}

/** Finds `//# sourceMappingURL=…` (or the CSS form) at the end of a bundle. */
export function sourceMappingUrl(text: string): string | undefined {
  const tail = text.slice(-2000);
  const m = /[#@]\s*sourceMappingURL=([^\s'"*]+)\s*(?:\*\/)?\s*$/m.exec(tail);
  return m?.[1];
}
