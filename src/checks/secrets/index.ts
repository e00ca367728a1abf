import type { Check } from '../../engine/check.js';
import { bundleSecrets } from './bundle-secrets.js';
import { committedSecrets } from './committed-secrets.js';
import { deployedSecrets } from './deployed-secrets.js';
import { historySecrets } from './history-secrets.js';
import { logLeaks } from './log-leaks.js';

/**
 * Checks of the `secrets` area, in the order they run. `logging/log-leaks` judges the same scan
 * (log files), so it lives here with its evidence while reporting in the `logging` row.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [committedSecrets, historySecrets, bundleSecrets, deployedSecrets, logLeaks];
