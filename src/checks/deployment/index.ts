import type { Check } from '../../engine/check.js';
import { envCommittedFiles } from './env-committed-files.js';
import { envUndocumented, envUnused } from './env-documentation.js';
import { envMissing } from './env-missing.js';
import { envProductionTargets } from './env-production-targets.js';
import { webhookSignatures } from './webhook-signatures.js';
import { internalPathChecks } from './internal-paths.js';
import { undocumentedEndpoints } from './undocumented-endpoints.js';

/** Checks of the `deployment` area, in the order they run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [envMissing, envUndocumented, envUnused, envCommittedFiles, envProductionTargets, webhookSignatures, ...internalPathChecks, undocumentedEndpoints];
