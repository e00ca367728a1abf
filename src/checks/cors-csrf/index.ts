import type { Check } from '../../engine/check.js';
import { corsPolicy } from './cors-policy.js';
import { csrfProtection } from './csrf.js';

/** Checks of the `cors-csrf` area, in the order they run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [corsPolicy, csrfProtection];
