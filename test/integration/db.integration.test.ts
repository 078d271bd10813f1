/**
 * The same tests on both databases: migrations apply from empty, re-apply as a no-op, equal
 * schema.prisma exactly (drift check), and the domain model behaves (relations, uniqueness, JSON).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, pingDb, type Db } from '../../core/db/client.js';
import { applyMigrations, diffMigrationsToSchema, migrationStatus, readMigrations } from '../../core/db/migrate.js';
import { DB_PROVIDERS } from '../../core/db/providers.js';
import { scratchDatabase, type ScratchDb } from '../helpers/databases.js';
import { TEST_POSTGRES_URL } from '../helpers/env.js';

describe.each(DB_PROVIDERS)('database on %s', (provider) => {
  let scratch: ScratchDb;
  let db: Db;

  beforeAll(async () => {
    scratch = await scratchDatabase(provider);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await scratch?.drop();
  });

  it('has committed migrations for this provider', () => {
    const list = readMigrations(provider);
    expect(list.migrationDirectories.length).toBeGreaterThan(0);
    expect(list.lockfile.content).toContain(`provider = "${provider}"`);
  });

  it('migrations equal schema.prisma (no drift)', async () => {
    const drift = await diffMigrationsToSchema(provider, { postgresUrl: TEST_POSTGRES_URL });
    expect(drift, `prisma/migrations/${provider} is behind prisma/schema.prisma; run: npm run db:migration -- <name>`).toBe('');
  });

  it('brings an empty database up to date, then does nothing', async () => {
    const before = await migrationStatus(scratch.target);
    expect(before.pending.length).toBe(before.total);
    const first = await applyMigrations(scratch.target);
    expect(first.applied.length).toBe(first.total);
    const again = await applyMigrations(scratch.target);
    expect(again.applied).toEqual([]);
    expect(await migrationStatus(scratch.target)).toMatchObject({ pending: [], failed: [], edited: [] });
    db = await openDb(scratch.target);
    expect(await pingDb(db)).toBeGreaterThanOrEqual(0);
  });

  it('stores the domain: people, identities, challenges, submissions, stages, scores, boards, audit', async () => {
    const ada = await db.person.create({
      data: {
        handle: 'ada',
        displayName: 'Ada',
        roles: { create: [{ role: 'learner' }, { role: 'organizer' }] },
        identities: { create: [{ provider: 'discord', externalId: '80351110224678912', username: 'ada#1' }] },
      },
    });
    await expect(db.identity.create({ data: { personId: ada.id, provider: 'discord', externalId: '80351110224678912' } })).rejects.toThrow();

    const challenge = await db.challenge.create({
      data: { id: 'kws-demo', title: 'KWS demo', task: 'kws', state: 'open', definition: 'id: kws-demo\n', definitionHash: 'x'.repeat(64) },
    });
    const team = await db.team.create({ data: { challengeId: challenge.id, name: 'Tiny Ears', members: { create: [{ personId: ada.id, challengeId: challenge.id, isCaptain: true }] } } });
    // One team per person per challenge, enforced by the database.
    await expect(db.team.create({ data: { challengeId: challenge.id, name: 'Other', members: { create: [{ personId: ada.id, challengeId: challenge.id }] } } })).rejects.toThrow();

    const sha = 'ab'.repeat(32);
    await db.blob.create({ data: { sha256: sha, sizeBytes: 53_936, kind: 'tflite' } });
    const sub = await db.submission.create({
      data: { challengeId: challenge.id, personId: ada.id, teamId: team.id, blobSha256: sha, kind: 'model', fileName: 'kws.tflite', source: 'cli' },
    });
    expect(sub.state).toBe('queued');
    expect(sub.quotaCharged).toBe(true);
    // Same bytes, same person, same challenge: one submission.
    await expect(
      db.submission.create({ data: { challengeId: challenge.id, personId: ada.id, blobSha256: sha, kind: 'model', fileName: 'again.tflite', source: 'api' } }),
    ).rejects.toThrow();

    // Stage results are keyed so a re-run overwrites its own row.
    const key = { submissionId_stage_evaluatorVersion: { submissionId: sub.id, stage: 'validate' as const, evaluatorVersion: 'v1' } };
    for (const attempts of [1, 2]) {
      await db.stageResult.upsert({
        where: key,
        create: { submissionId: sub.id, stage: 'validate', evaluatorVersion: 'v1', status: 'passed', attempts, detail: { checks: [{ id: 'tfl3', status: 'pass' }] } },
        update: { status: 'passed', attempts },
      });
    }
    const stage = await db.stageResult.findUniqueOrThrow({ where: key });
    expect(stage.attempts).toBe(2);
    expect(stage.detail).toEqual({ checks: [{ id: 'tfl3', status: 'pass' }] });

    await db.score.create({ data: { submissionId: sub.id, split: 'public', evaluatorVersion: 'v1', metric: 'top1', value: 0.901, composite: 93.2, detail: { perClass: [0.9, 0.8] } } });
    await db.leaderboardEntry.create({
      data: { challengeId: challenge.id, split: 'public', participantKey: `team:${team.id}`, personId: ada.id, teamId: team.id, submissionId: sub.id, score: 93.2, rank: 1, submittedAt: sub.createdAt },
    });
    await db.submissionEvent.create({ data: { submissionId: sub.id, type: 'stage', data: { stage: 'validate', status: 'passed' } } });
    await db.auditLog.create({ data: { actorId: ada.id, action: 'challenge.open', targetType: 'challenge', targetId: challenge.id, reason: 'kick-off', data: { from: 'draft' } } });
    await db.board.create({ data: { id: 'SIM-0001', kind: 'simulated', location: 'pty:/dev/pts/9', state: 'idle' } });
    await db.quotaGrant.create({ data: { challengeId: challenge.id, personId: ada.id, extra: 3, reason: 'flaky upload', grantedById: ada.id } });

    const topic = await db.forumTopic.create({ data: { id: 1234, title: 'Board not detected', body: 'My Nano 33 BLE Sense does not show a port', authorUsername: 'lee', url: 'https://forum.example.org/t/1234', postedAt: new Date(), tags: ['arduino'] } });
    await db.triageDecision.create({ data: { topicId: topic.id, kind: 'hardware-setup', courseSection: '4.2', tags: ['arduino', 'usb'], confidence: 0.82, citations: [{ id: 'faq-port', title: 'Port missing', url: 'https://x' }] } });
    await db.knowledgeEntry.create({ data: { id: '4.2', source: 'syllabus', title: 'Deploying to the board', body: 'Flash with the Arduino IDE', contentHash: 'h' } });

    const full = await db.submission.findUniqueOrThrow({ where: { id: sub.id }, include: { stages: true, scores: true, events: true, boardEntries: true, team: { include: { members: true } } } });
    expect(full.scores[0]?.value).toBeCloseTo(0.901);
    expect(full.boardEntries[0]?.rank).toBe(1);
    expect(full.team?.members).toHaveLength(1);
    expect((await db.personRole.findMany({ where: { personId: ada.id } })).map((r) => r.role).sort()).toEqual(['learner', 'organizer']);

    // Deleting a person cascades to what is theirs and keeps the audit trail (actor set null).
    await db.person.delete({ where: { id: ada.id } });
    expect(await db.submission.count()).toBe(0);
    const audit = await db.auditLog.findFirstOrThrow();
    expect(audit.actorId).toBeNull();
  });
});
