import type { Check } from '../../engine/check.js';
import { coreActionLatency } from './core-action-latency.js';
import { pageLcp } from './page-lcp.js';

/** Checks of the `performance` area, in the order they run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [coreActionLatency, pageLcp];
