import type { Check } from '../../engine/check.js';
import { bruteForceThrottling } from './brute-force.js';
import { forwardedForBypass } from './forwarded-for-bypass.js';

/** Checks of the `rate-limiting` area, in the order they run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [bruteForceThrottling, forwardedForBypass];
