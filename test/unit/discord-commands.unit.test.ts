import { describe, expect, it } from 'vitest';
import { commands } from '../../bot/commands/index.js';
import { completionNote, renderProgress, settled } from '../../bot/commands/shared.js';
import { commandName } from '../../bot/commands/types.js';
import { allowedAttachmentUrl } from '../../bot/discord/attachments.js';
import { toDiscordCommand } from '../../bot/discord/definitions.js';
import type { StatusView } from '../../arena/status.js';

const ctx = { challenges: [{ id: 'kws-2026', title: 'Keyword spotting' }] };

describe('slash command definitions', () => {
  it('are valid for Discord: unique lower-case names, short descriptions, required options first', () => {
    const names = commands.map(commandName);
    expect(new Set(names).size).toBe(names.length);
    for (const c of commands) {
      const json = toDiscordCommand(c, ctx) as { name: string; description: string; options: { name: string; description: string; required?: boolean; type: number; options?: { required?: boolean; name: string; description: string }[] }[] };
      expect(json.name).toMatch(/^[a-z][a-z0-9-]{0,31}$/);
      expect(json.description.length).toBeGreaterThan(0);
      expect(json.description.length).toBeLessThanOrEqual(100);
      const lists = json.options.some((o) => o.type === 1) ? json.options.map((o) => o.options ?? []) : [json.options];
      expect(json.options.length).toBeLessThanOrEqual(25);
      for (const list of lists) {
        const req = list.map((o) => o.required === true);
        expect(req).toEqual([...req].sort((a, b) => Number(b) - Number(a)));
        for (const o of list) {
          expect(o.name).toMatch(/^[a-z][a-z0-9_-]{0,31}$/);
          expect(o.description.length).toBeLessThanOrEqual(100);
        }
      }
    }
  });

  it('offer the stored challenges as choices and hide organizer commands by default', () => {
    const submit = toDiscordCommand(commands.find((c) => commandName(c) === 'submit')!, ctx) as { options: { name: string; choices?: unknown[] }[]; default_member_permissions?: string };
    expect(submit.options[0]).toMatchObject({ name: 'challenge', choices: [{ name: 'Keyword spotting (kws-2026)', value: 'kws-2026' }] });
    expect(submit.default_member_permissions).toBeUndefined();
    for (const c of commands.filter((x) => x.organizerOnly)) expect(toDiscordCommand(c, ctx)).toMatchObject({ default_member_permissions: '32' });
    expect(commands.filter((x) => x.organizerOnly).map(commandName).sort()).toEqual(['challenge', 'disqualify', 'quota', 'rack', 'rejudge']);
  });
});

describe('attachment hosts', () => {
  it('accepts only Discord CDN hosts, or the API host when it is a stand-in', () => {
    const api = 'https://discord.com/api';
    expect(allowedAttachmentUrl('https://cdn.discordapp.com/attachments/1/2/m.tflite?ex=1', api)).toBe(true);
    expect(allowedAttachmentUrl('https://media.discordapp.net/attachments/1/2/m.tflite', api)).toBe(true);
    expect(allowedAttachmentUrl('http://cdn.discordapp.com/attachments/1/2/m.tflite', api)).toBe(false);
    expect(allowedAttachmentUrl('https://evil.example/m.tflite', api)).toBe(false);
    expect(allowedAttachmentUrl('https://discord.com/m.tflite', api)).toBe(false);
    expect(allowedAttachmentUrl('http://127.0.0.1:4000/cdn/attachments/1/2/m.tflite', 'http://127.0.0.1:4000/api')).toBe(true);
    expect(allowedAttachmentUrl('http://127.0.0.1:4001/cdn/m.tflite', 'http://127.0.0.1:4000/api')).toBe(false);
    expect(allowedAttachmentUrl('not a url', api)).toBe(false);
  });
});

describe('progress rendering', () => {
  const base: StatusView = {
    id: 'sub1',
    challenge: 'kws-2026',
    person: 'ada',
    fileName: 'm.tflite',
    kind: 'model',
    state: 'queued',
    reason: null,
    stages: [],
    score: null,
    privateScore: null,
    eligible: false,
    unranked: null,
    rank: null,
    track: null,
    disqualified: null,
    evaluatorVersion: null,
    queue: { position: 3, etaSeconds: 40 },
    quotaCharged: true,
    createdAt: '2026-11-22T00:00:00Z',
    report: 'http://arena/submissions/sub1',
  };
  const stage = (name: string, status: string, detail: unknown = {}, error: string | null = null) => ({ name, status, startedAt: null, finishedAt: null, detail, error });

  it('shows the queue, each stage and the outcome', () => {
    expect(renderProgress(base)).toMatch(/🕒 queued: 3 ahead of you, ETA about 40 s/);
    const running = { ...base, state: 'running' as const, stages: [stage('validate', 'passed', { sizeBytes: 53936, arenaBytes: 24000 }), stage('score', 'running')] };
    expect(renderProgress(running)).toMatch(/✅ validated: 52\.7 KiB, arena 23\.4 KiB\n⏳ scoring on the held-out set…/);
    expect(settled(running)).toBe(false);
    const done = {
      ...base,
      state: 'done' as const,
      eligible: true,
      score: 81.234,
      rank: 2,
      stages: [stage('validate', 'passed'), stage('score', 'passed', { public: { metric: 'top1', value: 0.9123 } }), stage('device', 'skipped', { reason: 'no board rack is attached: latency scores 0' }), stage('publish', 'passed')],
    };
    const text = renderProgress(done);
    expect(text).toMatch(/✅ scored: top1 0\.9123 \(public split\)\n⏭️ device: skipped \(no board rack is attached\)\n✅ ranked\n🏁 score \*\*81\.23\*\* · rank \*\*#2\*\*/);
    expect(settled(done)).toBe(true);
    // Separate tracks: each has a #1, so the rank names its track.
    expect(renderProgress({ ...done, rank: 1, track: 'firmware' })).toMatch(/🏁 score \*\*81\.23\*\* · rank \*\*#1\*\* on the firmware track\n/);
    expect(completionNote({ ...done, rank: 1, track: 'model' })).toMatch(/scored \*\*81\.23\*\*, rank \*\*#1\*\* on the model track/);
    expect(settled({ ...done, stages: done.stages.slice(0, 3) })).toBe(false);
    const rejected = { ...base, state: 'rejected' as const, reason: 'float32 model — quantize it', stages: [stage('validate', 'failed', {}, 'float32 model')] };
    expect(renderProgress(rejected)).toMatch(/❌ validate: float32 model\n❌ rejected: float32 model — quantize it/);
    expect(settled(rejected)).toBe(true);
  });

  it('shows a firmware run on the board as it goes, and its on-board quality', () => {
    const fw = { ...base, fileName: 'fw.hex', kind: 'firmware' as const, state: 'running' as const };
    const flashing = { ...fw, stages: [stage('validate', 'passed'), stage('score', 'skipped', { reason: 'firmware is scored on a board of the rack (device stage), on a fixed subset of each split' }), stage('device', 'running', { progress: { phase: 'flash', board: 'nano-02', fraction: 0.4 } })] };
    expect(renderProgress(flashing)).toMatch(/⏭️ score: skipped \(firmware is scored on a board of the rack \(device stage\), on a fixed subset of each split\)\n⏳ running on a board · flashing the firmware on nano-02 40%…/);
    const done = { ...fw, state: 'done' as const, stages: [stage('device', 'passed', { firmware: true, samples: 100, latencyMs: 181.92, scores: { public: { metric: 'top1', value: 0.92 } } })] };
    expect(renderProgress(done)).toMatch(/✅ device: top1 0\.9200 on 100 samples \(public split\), 181\.92 ms per inference/);
  });
});
