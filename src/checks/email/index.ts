import type { Check } from '../../engine/check.js';
import { dkimKeys } from './dkim.js';
import { dmarcPolicy, dmarcReporting } from './dmarc.js';
import { mxRecords } from './mx.js';
import { spfLookups, spfPolicy, spfRecord } from './spf.js';
import { mtaSts, tlsRpt } from './transport-security.js';

export { mailEvidence, mailGatherer, type MailEvidence } from './evidence.js';

/** Checks of the `email` area, in the order they run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [mxRecords, spfRecord, spfLookups, spfPolicy, dkimKeys, dmarcPolicy, dmarcReporting, mtaSts, tlsRpt];
