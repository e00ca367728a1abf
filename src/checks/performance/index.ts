import type { Check } from '../../engine/check.js';
import { coreActionLatency } from './core-action-latency.js';

/** Checks of the `performance` area, in the order they run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [coreActionLatency];
