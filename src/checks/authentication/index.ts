import type { Check } from '../../engine/check.js';
import { credentialErrorLeak, identityLogin, jwtExpiry, jwtVerification, jwtWeakSecret, missingAuthentication, specMarksPrivatePublic } from './checks.js';
import { userEnumeration } from './user-enumeration.js';

/** Checks of the `authentication` area, in the order they run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [identityLogin, missingAuthentication, jwtVerification, jwtWeakSecret, jwtExpiry, userEnumeration, credentialErrorLeak, specMarksPrivatePublic];
import { tokenQuality } from './token-quality.js';
checks.push(tokenQuality);
import { passwordPolicy } from './password-policy.js';
checks.push(passwordPolicy);
