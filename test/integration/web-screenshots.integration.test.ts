/**
 * The learner-facing pages in real headless Chromium, on a graded board of seven participants run on
 * simulated boards: home, a challenge page with the upload form, an upload through that form followed
 * live to its report, the leaderboard, a report, a rejected model's report, "my submissions", the
 * audit log and a VWW confusion matrix. Every page: no horizontal overflow at 1280 px and no axe
 * (WCAG 2 A/AA) violations. Screenshots go to $TINYARENA_SCREENSHOTS (default: <tmp>/tinyarena-
 * screenshots), never into the repository: people look at them (see the issue-16 notes).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changeChallenge, disqualify, grantQuota } from '../../arena/admin.js';
import { submit } from '../../arena/intake.js';
import { grantRole, issueToken } from '../../arena/people.js';
import { createTeam, joinTeam } from '../../arena/teams.js';
import { confusionHeatmap } from '../../web/views/plots.js';
import { WorkerPool } from '../../worker/workers.js';
import { freePort } from '../helpers/cli.js';
import { tinyKwsModel } from '../helpers/kws-variants.js';
import { kwsModel, person, pipelineServices, waitSettled } from '../helpers/pipeline.js';
import { HAVE_SOCAT, simRack } from '../helpers/rack.js';
import { noisyModel, relabelWithModel } from '../helpers/screenshot-board.js';
import { HAVE_SHARED_MODELS, sharedModel } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';
import { webUp } from '../helpers/web.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = process.env.TINYARENA_SCREENSHOTS ?? join(tmpdir(), 'tinyarena-screenshots');

describe.skipIf(!existsSync(CHROMIUM) || !HAVE_SOCAT || !HAVE_SHARED_MODELS)('learner pages in Chromium (screenshots)', () => {
  it('home, challenge and upload, leaderboard, reports, my submissions, audit log: readable, accessible, nothing runs off the page', { timeout: 300_000 }, async () => {
    // As many device jobs at once as boards: a job finding every board busy fails (rack.ts), see the notes.
    const s = await pipelineServices({ challenge: { samples: 60, teamSize: 2 }, env: { PORT: String(await freePort()), WORKER_CONCURRENCY: '2' } });
    relabelWithModel(join(dirname(s.config.CHALLENGES_DIR), 'sets', 'kws-test'), kwsModel());
    await simRack(s, [{ id: 'sim-a' }, { id: 'sim-b' }], { active: true });
    const base = await webUp(s);

    // Seven participants (one a team of two), seven graded entries, one float model rejected.
    const id = async (handle: string) => (await person(s, handle)).id;
    const team = await createTeam(s, 'kws-test', await id('eve'), 'Tiny Ears');
    await joinTeam(s, await id('fay'), team.joinCode!);
    const send = async (handle: string, body: Uint8Array, fileName: string) => (await submit(s, { challengeId: 'kws-test', personId: await id(handle), fileName, source: 'cli', body })).id;
    const ids = [
      await send('ada', kwsModel(), 'kws_int8.tflite'),
      await send('bob', noisyModel(kwsModel(), 20, 20, 20_000), 'bob_v3.tflite'),
      await send('cy', noisyModel(kwsModel(), 90, 90), 'cy.tflite'),
      await send('dee', tinyKwsModel(64, 4), 'tiny64.tflite'),
      await send('eve', noisyModel(kwsModel(), 10, 10, 80_000), 'ears.tflite'),
      await send('fay', tinyKwsModel(16, 2), 'ears_small.tflite'),
      await send('gus', noisyModel(kwsModel(), 40, 40, 5_000), 'gus.tflite'),
      await send('hal', tinyKwsModel(200, 9), 'hal.tflite'),
    ];
    const rejected = await submit(s, { challengeId: 'kws-test', personId: await id('ada'), fileName: 'kws_float.tflite', source: 'cli', body: sharedModel('kws_ref_model_float32') });
    expect(rejected.status).toBe('rejected');
    const olga = await id('olga');
    await grantRole(s.db, olga, 'organizer');
    await grantQuota(s, { actorId: olga, reason: 'lost two runs to the rack outage on Monday' }, 'kws-test', await id('bob'), 2);
    await disqualify(s, { actorId: olga, reason: 'same bytes as another participant, under review' }, ids[7]!);
    await disqualify(s, { actorId: olga, reason: 'reviewed: independent work' }, ids[7]!, false);
    await changeChallenge(s, { actorId: olga, reason: 'checking the freeze before the final week' }, 'kws-test', 'freeze');
    await changeChallenge(s, { actorId: olga, reason: 'checked' }, 'kws-test', 'unfreeze');

    let pool = new WorkerPool(s);
    await pool.start();
    mkdirSync(OUT, { recursive: true });
    const { chromium } = await import('playwright-core');
    const { AxeBuilder } = await import('@axe-core/playwright');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    try {
      await waitSettled(s, ids, 180_000);
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      /** Look: no horizontal overflow, no axe violation, a full-page screenshot. */
      const shoot = async (name: string) => {
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect([name, overflow]).toEqual([name, 0]);
        const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
        expect([name, axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)]).toEqual([name, []]);
        await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
      };

      await page.goto(`${base}/`);
      await expect(page.getByRole('heading', { name: 'Challenges' }).isVisible()).resolves.toBe(true);
      await shoot('01-home');

      await page.goto(`${base}/challenges/kws-test/leaderboard`);
      const states = await s.db.submission.findMany({ select: { fileName: true, state: true, stateReason: true, eligible: true, publicScore: true } });
      expect(await page.locator('tbody tr').count(), JSON.stringify({ states, board: await s.db.leaderboardEntry.findMany({ where: { split: 'public' } }) })).toBe(7);
      // Every point of the plot shows its label when hovered.
      const point = page.locator('svg a.pt').first();
      await point.locator('circle').hover();
      await expect(point.locator('text.tip').isVisible()).resolves.toBe(true);
      await shoot('02-leaderboard');
      await page.getByRole('link', { name: 'Latency (ms)' }).click();
      await page.waitForURL(/sort=latency/);
      await expect(page.locator('th[aria-sort="ascending"]').textContent()).resolves.toBe('Latency (ms)');
      await shoot('03-leaderboard-by-latency');

      // Reports are for their authors, their team and organizers (arena/report-access.ts): looked at as
      // the organizer here; the learner's own flow below signs in through the page.
      await page.setExtraHTTPHeaders({ authorization: `Bearer ${(await issueToken(s.db, olga, 'screens')).secret}` });
      const best = await s.db.leaderboardEntry.findFirstOrThrow({ where: { split: 'public', rank: 1 } });
      await page.goto(`${base}/submissions/${best.submissionId}`);
      await expect(page.getByRole('heading', { name: 'Stages' }).isVisible()).resolves.toBe(true);
      await shoot('04-report');
      await page.goto(`${base}/submissions/${rejected.id}`);
      await expect(page.getByText('dynamic-range quantization: 5 of 10 weight tensors are int8').count()).resolves.toBe(1);
      await shoot('05-report-rejected');
      await page.setExtraHTTPHeaders({});
      await page.goto(`${base}/`);

      // A learner signs in, opens the challenge, uploads through the form and follows it live.
      const adaToken = (await issueToken(s.db, await id('ada'), 'web')).secret;
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.getByLabel('API token').fill(adaToken);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.goto(`${base}/challenges/kws-test`);
      await expect(page.getByRole('button', { name: 'Submit as ada' }).isVisible()).resolves.toBe(true);
      await shoot('06-challenge-upload-form');
      const upload = tempDir('tinyarena-upload-');
      const file = join(upload, 'kws_int8_v2.tflite');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(file, kwsModel(4096));
      await page.getByLabel('Model file').setInputFiles(file);
      await page.getByLabel(/Note/).fill('same model, padded: does flash matter?');
      // Workers paused: the report shows the queued submission, then follows it live once they resume.
      await pool.stop();
      const live: string[] = [];
      await page.exposeFunction('recordLive', (text: string) => live.push(text));
      await page.addInitScript("addEventListener('DOMContentLoaded', () => { const el = document.getElementById('live'); if (el) new MutationObserver(() => window.recordLive(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true }); })");
      await page.getByRole('button', { name: 'Submit as ada' }).click();
      await page.waitForURL(/\/submissions\//);
      await expect(page.getByRole('status').first().textContent()).resolves.toMatch(/Accepted and queued \(98 submissions left today\)/);
      await expect(page.locator('#live').getAttribute('data-events')).resolves.toMatch(/^\/submissions\/\w+\/events$/);
      await shoot('07-upload-landed-queued');
      pool = new WorkerPool(s);
      await pool.start();
      await expect.poll(() => live.length, { timeout: 60_000 }).toBeGreaterThan(0);
      // A look at the page while it runs (it reloads by itself when the run ends: best effort).
      await page.screenshot({ path: join(OUT, '08-upload-live-progress.png') }).catch(() => undefined);
      // The page follows the run and reloads when it is done.
      // Polled from the test (a string function in the page would be eval, which the CSP refuses).
      await expect.poll(async () => (await page.locator('main p').first().textContent()) ?? '', { timeout: 120_000, interval: 500 }).toMatch(/\bdone\b/);
      expect(live).toEqual(expect.arrayContaining(['Scoring on the held-out set…', 'Running on a board…', 'Done: loading the report…']));
      await shoot('09-upload-done');
      await page.goto(`${base}/me/submissions`);
      expect(await page.locator('tbody tr').count()).toBe(3);
      await shoot('10-my-submissions');

      // The organizer's audit log: handles, wrapped data.
      const olgaToken = (await issueToken(s.db, olga, 'web')).secret;
      const org = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      await org.goto(`${base}/login?next=%2Fadmin%2Faudit`);
      await org.getByLabel('API token').fill(olgaToken);
      await org.getByRole('button', { name: 'Sign in' }).click();
      await org.waitForURL(`${base}/admin/audit`);
      const orgShoot = async (name: string) => {
        const overflow = await org.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect([name, overflow]).toEqual([name, 0]);
        const axe = await new AxeBuilder({ page: org }).withTags(['wcag2a', 'wcag2aa']).analyze();
        expect([name, axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)]).toEqual([name, []]);
        await org.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
      };
      await orgShoot('11-audit-log');

      // A VWW confusion matrix as the report draws it (two classes, long names): caption and labels whole.
      await page.goto(`${base}/help/quantization`);
      await page.setContent(`<!doctype html><html lang="en"><head><title>VWW confusion</title><link rel="stylesheet" href="/static/site.css"></head><body><main><figure>${confusionHeatmap([[41, 9], [14, 36]], ['no person', 'person'])}<figcaption>Confusion matrix (public split)</figcaption></figure></main></body></html>`);
      await page.screenshot({ path: join(OUT, '12-vww-confusion.png'), fullPage: true });
    } finally {
      await browser.close();
      await pool.stop();
    }
    console.log(`screenshots in ${OUT}`);
  });
});
