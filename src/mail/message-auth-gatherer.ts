import { NotApplicable, defineGatherer } from '../engine/check.js';
import type { GatherContext } from '../engine/context.js';
import { resolverFor } from '../net/dns/context.js';
import { authenticateMessage, type MessageAuthEvidence, type MessageAuthInput } from './message-auth.js';

/** What `launchready mail-check` hands the run (the run service `mailCheck`): the raw message and the SMTP facts known. */
export const MAIL_CHECK_EXTENSION = 'mailCheck';
export interface MailCheckRequest extends MessageAuthInput {
  /** Where the message came from, for evidence (`reset.eml`, `stdin`). */
  source: string;
}

function requestOf(ctx: GatherContext): MailCheckRequest | undefined {
  const ext = ctx.services.mailCheck;
  return ext && Buffer.isBuffer(ext.raw) ? ext : undefined;
}

/** One saved message authenticated as a receiver would, gathered once per run. */
export const messageAuthGatherer = defineGatherer<MessageAuthEvidence & { source: string }>({
  id: 'email/message-auth',
  async gather(ctx) {
    const request = requestOf(ctx);
    if (!request) throw new NotApplicable('no message to check: run launchready mail-check MESSAGE.eml');
    const evidence = await authenticateMessage(request, resolverFor(ctx));
    return { ...evidence, source: request.source };
  },
});
