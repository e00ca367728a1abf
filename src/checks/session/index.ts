import type { Check } from '../../engine/check.js';
import { cookieFlags } from './cookie-flags.js';
import { inviteTokenReuse, resetTokenReuse, sessionAfterLogout, sessionAfterPasswordChange, sessionFixation } from './lifecycle-checks.js';

/** Checks of the `session` area, in the order they run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [cookieFlags, sessionAfterLogout, sessionFixation, sessionAfterPasswordChange, resetTokenReuse, inviteTokenReuse];
import { signedCookieSecret } from './signed-cookie-secret.js';
checks.push(signedCookieSecret);
