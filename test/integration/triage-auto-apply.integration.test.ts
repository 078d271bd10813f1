import { describe, expect, it } from 'vitest';
import { triageTopic } from '../../bot/discourse/triage-topic.js';
import { sharedPath } from '../helpers/shared.js';
import { testServices } from '../helpers/services.js';

const COURSE = sharedPath('course');

describe.skipIf(!COURSE)('triage auto-apply rules', () => {
  it('applies a matching proposal without review (audited with the rule), and leaves others for moderators', async () => {
    const s = await testServices({ KNOWLEDGE_DIRS: COURSE!, TRIAGE_AUTO_APPLY: 'deployment:*@0.2' });
    const body = 'My sketch prints `Arena size is too small for all buffers. Needed 150000 but only 136000 was available.` What should kTensorArenaSize be?';
    await s.db.forumTopic.create({ data: { id: 1, title: 'Arena too small on the Nano', body, authorUsername: 'lee', url: 'https://forum.example/t/1', categorySlug: 'deployment', postedAt: new Date() } });
    await s.db.forumTopic.create({ data: { id: 2, title: 'Arena too small on the Nano', body, authorUsername: 'kim', url: 'https://forum.example/t/2', categorySlug: 'general', postedAt: new Date() } });
    const applied = await triageTopic(s, 1);
    expect(applied.autoApplied).toBe('deployment:*@0.2');
    expect(await s.db.triageDecision.findUniqueOrThrow({ where: { id: applied.decisionId! } })).toMatchObject({ status: 'approved', reviewerId: null });
    const entry = await s.db.auditLog.findFirstOrThrow({ where: { action: 'triage.approve' } });
    expect(entry).toMatchObject({ actorId: null, reason: 'auto-applied by rule deployment:*@0.2' });
    const waiting = await triageTopic(s, 2);
    expect(waiting.autoApplied).toBeUndefined();
    expect((await s.db.triageDecision.findUniqueOrThrow({ where: { id: waiting.decisionId! } })).status).toBe('proposed');
  });
});
