import type { Report } from '../model/report.js';
import type { Store } from '../store/types.js';
import { parseReport } from './report-schema.js';

/**
 * Keeps a report in the store's audit history, after checking it against the JSON contract (so a
 * report that holds more than a redacted secret is refused, not stored). Returns the audit id.
 * `launchready audit … --save` and POST /api/audits both come through here.
 */
export async function saveReport(store: Store, report: Report | unknown): Promise<string> {
  return store.saveAudit(parseReport(report));
}
