/** RFC 6901 JSON pointer lookup; undefined when any step is missing. */
export function getByPointer(doc: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '/') return pointer === '' ? doc : (doc as Record<string, unknown> | undefined)?.[''];
  if (!pointer.startsWith('/')) pointer = `/${pointer.replace(/\./g, '/')}`;
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
