import { spamEvidence } from '../signals.js';
import type { TriageRule } from '../types.js';

/**
 * Promotion and fraud: independent forum signals (outside links, money, urgency and promotion language,
 * contact channels, phone numbers, text repeated inside the post or across topics, a new account's first
 * post with a link, low trust), weighed by how little of the post is course vocabulary.
 */
const rule: TriageRule = {
  id: 'spam',
  description: 'promotion and fraud: outside links, money/urgency/promotion language, contact channels, repeats, new accounts',
  apply(_post, ctx) {
    const { score, reasons } = spamEvidence(ctx.signals);
    if (score < 1) return [];
    // Course posts quote course words; promotions mostly do not.
    const weight = score * (1.3 - ctx.knownShare);
    return [{ kind: 'spam', weight, reason: `spam: ${reasons.join('; ')}; course vocabulary ${ctx.knownShare.toFixed(2)}` }];
  },
};
export default rule;
