import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { sharedPath } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';

const COURSE = sharedPath('course');

describe.skipIf(!COURSE)('tinyarena triage', () => {
  it('prints one §5 JSON line per post, in order; exits 2 on a post without a body', async () => {
    const dir = tempDir();
    const posts = join(dir, 'posts.jsonl');
    writeFileSync(posts, [
      { title: 'Upload fails: No device found on COM5', body: 'Compiles fine, then bossac says No device found on COM5. Windows 10, kit cable.' },
      { title: 'Limited offer: 60% off essays', body: 'Premium essays, assignments, thesis writing service. WhatsApp us now, click here.' },
      // The Discourse author fields may come along (as in the labelled corpus): a new account's referral link.
      { title: 'Great notes for Course 2', body: 'I put my KWS notes together, they helped me a lot: https://tiny-notes-deal.example/kws?ref=991 enjoy', meta: { author_trust_level: 0, author_post_count: 0 } },
    ].map((p) => JSON.stringify(p)).join('\n'));
    const run = runCli(['triage', '--file', posts, '--json'], { KNOWLEDGE_DIRS: COURSE! });
    expect((await run.exited).code, run.output.stderr).toBe(0);
    const [first, second, third] = run.output.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(first!).sort()).toEqual(['answer', 'course_section', 'duplicate_of', 'kind', 'tags']);
    expect(first).toMatchObject({ kind: 'hardware-setup', answer: { abstained: false } });
    expect((first!.answer as { citations: unknown[] }).citations[0]).toMatchObject({ id: 'upload-no-device-found', url: 'faq/upload-no-device-found.md' });
    expect(second).toEqual({ kind: 'spam', course_section: null, tags: [], duplicate_of: null, answer: { citations: [], abstained: true } });
    expect(third).toMatchObject({ kind: 'spam' });

    writeFileSync(posts, '{"title": "no body"}\n');
    const bad = runCli(['triage', '--file', posts, '--json'], { KNOWLEDGE_DIRS: COURSE! });
    expect((await bad.exited).code).toBe(2);
    expect(bad.output.stderr).toMatch(/line 1 needs "title" and "body"/);
  });
});
