import type { Check } from '../../engine/check.js';
import { cookieFlags } from './cookie-flags.js';

/** Checks of the `session` area, in the order they run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [cookieFlags];
