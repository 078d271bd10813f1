import type { TriageRule } from '../types.js';

/** Promotions: money, urgency and contact channels, in a post with little course vocabulary. */
const PROMO = [/\b\d{1,2} ?% off\b/i, /\bdiscount|\bcoupon|\bpromo code|\bcheap\b|\bbest price/i, /\b(essays?|assignments?|homework|thesis) (writing|help|service)|\bwrite (your|my) (essay|assignment)|premium essays?/i, /\bwhats ?app\b|\btelegram\b|\bcontact us\b|\border now\b|\bclick here\b|\blimited (time|offer)/i, /\bcasino|\bbetting|\bcrypto|\bforex|\bloans?\b|\bviagra|\bseo services?/i];

const rule: TriageRule = {
  id: 'spam',
  description: 'promotional posts (discounts, essay services, contact channels) with little course vocabulary',
  apply(_post, ctx) {
    const hits = PROMO.filter((p) => p.test(ctx.text)).length;
    const links = (ctx.text.match(/https?:\/\//g) ?? []).length;
    if (!hits && links < 3) return [];
    // Course posts quote course words; promotions mostly do not.
    const weight = (hits * 1.8 + (links >= 3 ? 1 : 0)) * (1.3 - ctx.knownShare);
    return [{ kind: 'spam', weight, reason: `spam: ${hits} promotion pattern(s), ${links} link(s), course vocabulary ${ctx.knownShare.toFixed(2)}` }];
  },
};
export default rule;
