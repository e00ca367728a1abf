import type { Check } from '../../engine/check.js';
import { identityLogin, jwtExpiry, jwtVerification, jwtWeakSecret, missingAuthentication } from './checks.js';
import { userEnumeration } from './user-enumeration.js';

/** Checks of the `authentication` area, in the order they run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [identityLogin, missingAuthentication, jwtVerification, jwtWeakSecret, jwtExpiry, userEnumeration];
import { tokenQuality } from './token-quality.js';
checks.push(tokenQuality);
import { passwordPolicy } from './password-policy.js';
checks.push(passwordPolicy);
