/**
 * `api.exclude` patterns: "METHOD /path" or "/path", where `*` matches within one segment, `**` any
 * run of characters, and a trailing `/*` the rest of the path. One matcher for every component that
 * sends traffic (the HTTP client, the browser, the load generator, the route inventory), so scope is
 * one thing.
 */
const ROUTE_RE = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\s+(\/\S*)$/i;

interface Compiled {
  source: string;
  method?: string;
  re: RegExp;
}

const cache = new Map<string, Compiled>();

function compile(pattern: string): Compiled {
  let c = cache.get(pattern);
  if (c) return c;
  const m = ROUTE_RE.exec(pattern.trim());
  const method = m ? m[1]!.toUpperCase() : undefined;
  const path = m ? m[2]! : pattern.trim();
  const re = new RegExp(
    '^' +
      path
        .split(/(\*\*|\*)/)
        .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
        .join('')
        .replace(/\/\[\^\/\]\*$/, '(?:/.*)?') +
      '$',
  );
  c = { source: pattern, ...(method ? { method } : {}), re };
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, c);
  return c;
}

/** The first pattern that excludes this route or request path, or undefined. */
export function excludedBy(route: { method: string; path: string }, exclude: readonly string[]): string | undefined {
  const method = route.method.toUpperCase();
  for (const e of exclude) {
    const c = compile(e);
    if (c.method && c.method !== method) continue;
    if (c.re.test(route.path)) return e;
  }
  return undefined;
}

export function isExcluded(route: { method: string; path: string }, exclude: readonly string[]): boolean {
  return excludedBy(route, exclude) !== undefined;
}

/**
 * A route template ("/api/users/{id}") may be excluded by a pattern written against concrete paths
 * ("/api/users/42") or the other way round: `{param}` counts as a segment wildcard.
 */
export function patternMatchesTemplate(pattern: string, route: { method: string; path: string }): boolean {
  if (isExcluded(route, [pattern])) return true;
  if (!route.path.includes('{')) return false;
  const c = compile(pattern);
  if (c.method && c.method !== route.method.toUpperCase()) return false;
  const m = ROUTE_RE.exec(pattern.trim());
  const concrete = m ? m[2]! : pattern.trim();
  if (concrete.includes('*')) return isExcluded({ method: route.method, path: route.path.replace(/\{[^}]+\}/g, 'x') }, [pattern]);
  const template = new RegExp('^' + route.path.split(/(\{[^}]+\})/).map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))).join('') + '$');
  return template.test(concrete);
}

/** Thrown when code tries to send a request `api.exclude` forbids: a bug guard, like the scope guard. */
export class ExcludedRequest extends Error {
  constructor(
    public readonly url: string,
    public readonly method: string,
    public readonly pattern: string,
  ) {
    super(`refused to send ${method} ${new URL(url).pathname}: excluded by api.exclude "${pattern}"`);
    this.name = 'ExcludedRequest';
  }
}
