import type { EnvInventory, EnvRead } from '../../secrets/env.js';
import { isPlatformVariable } from '../../secrets/env.js';

/** The app's own variables (platform-provided ones left out), with every place each is read. */
export function appVariables(env: EnvInventory): Map<string, EnvRead[]> {
  const out = new Map<string, EnvRead[]>();
  for (const r of env.reads) {
    if (isPlatformVariable(r.name)) continue;
    const list = out.get(r.name) ?? [];
    list.push(r);
    out.set(r.name, list);
  }
  return out;
}

export function usedAt(reads: EnvRead[]): string {
  const first = reads[0]!;
  return `${first.file}:${first.line}${reads.length > 1 ? ` and ${reads.length - 1} more place${reads.length > 2 ? 's' : ''}` : ''}`;
}
