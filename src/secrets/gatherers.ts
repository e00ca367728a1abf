import { isAbsolute, resolve } from 'node:path';
import { NotApplicable, defineGatherer } from '../engine/check.js';
import type { GatherContext } from '../engine/context.js';
import type { EnvVarFact } from '../report/facts.js';
import { isPlatformVariable } from './env.js';
import { scanRepository, type SecretScanOptions, type SecretScanResult } from './scan.js';

/**
 * What `launchready scan` asks for. The CLI passes it to the runner as the run service
 * `secretScan` (RunInput.services); `audit` has none and scans the config's `repo:` working tree.
 */
export type SecretScanRequest = Omit<SecretScanOptions, 'signal' | 'engine'>;

export function secretScanRequestOf(ctx: GatherContext): SecretScanRequest | undefined {
  const ext = ctx.services.secretScan;
  if (ext && typeof ext.root === 'string') return ext;
  if (ctx.config.repo) {
    const fromConfig = (p: string): string => (isAbsolute(p) ? p : resolve(ctx.configDir, p));
    const s = ctx.config.secrets;
    return {
      root: fromConfig(ctx.config.repo),
      history: s.history,
      allFiles: s.allFiles,
      ...(s.bundles.length ? { bundles: s.bundles.map(fromConfig) } : {}),
      ...(s.logs.length ? { logs: s.logs } : {}),
      ...(s.envFile ? { envFile: fromConfig(s.envFile) } : {}),
    };
  }
  return undefined;
}

/** The repository side: working tree, history, bundles, logs and the env inventory, gathered once per run. */
export const repoScanGatherer = defineGatherer<SecretScanResult>({
  id: 'secrets/repo-scan',
  async gather(ctx) {
    const request = secretScanRequestOf(ctx);
    if (!request) throw new NotApplicable('no repository to scan: set repo: in launchready.yml, or run launchready scan PATH');
    const result = await scanRepository({ ...request, signal: ctx.signal });
    ctx.contribute({ facts: { env: envFacts(result), secretScan: scanFacts(result) } });
    return result;
  },
});

function envFacts(result: SecretScanResult): EnvVarFact[] {
  const byName = new Map<string, EnvVarFact>();
  for (const r of result.env.reads) {
    if (isPlatformVariable(r.name)) continue;
    let f = byName.get(r.name);
    if (!f) {
      f = { name: r.name, usedIn: [], documentedIn: result.env.documented[r.name] ?? [], optional: true };
      if (result.env.provided) f.setIn = result.env.provided.names.includes(r.name) ? [result.env.provided.source] : [];
      byName.set(r.name, f);
    }
    if (f.usedIn.length < 10) f.usedIn.push({ file: r.file, line: r.line });
    if (!r.hasDefault) f.optional = false;
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function scanFacts(result: SecretScanResult): Record<string, unknown> {
  return {
    tree: { files: result.tree.files, bytes: result.tree.bytes, skipped: result.tree.skipped, ignoredInline: result.tree.ignoredInline, ms: Math.round(result.tree.ms) },
    ...(result.history ? { history: { commits: result.history.commits, blobs: result.history.blobs, bytes: result.history.bytes, ms: Math.round(result.history.ms) } } : {}),
    ...(result.historyError ? { historyError: result.historyError } : {}),
    ...(result.bundles ? { bundles: { files: result.bundles.files, maps: result.bundles.maps, bytes: result.bundles.bytes } } : {}),
    ...(result.logs ? { logs: { files: result.logs.files.length } } : {}),
  };
}
