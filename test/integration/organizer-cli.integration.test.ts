/**
 * The organizer's command line, as a new organizer meets it: a missing person says how to create one,
 * required options say so in --help, times are shown in the challenge's own zone, counts read as
 * words, `results publish` without GitHub writes a local export, `rack sim-firmware` takes the format
 * from the file name, and a file rejected at intake is judged when the same bytes come back under a
 * name that makes them valid.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changeChallenge } from '../../arena/admin.js';
import { submit } from '../../arena/intake.js';
import { buildSimFirmwareImage } from '../../grader/rack/sim/firmware-image.js';
import { cliOn } from '../helpers/cli.js';
import { kwsModel, person, pipelineServices } from '../helpers/pipeline.js';
import { HAVE_SHARED_MODELS, sharedPath } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';

describe.skipIf(!HAVE_SHARED_MODELS)('organizer commands', () => {
  it('says how to create a missing person, marks required options, shows times in the challenge zone and counts in words', async () => {
    const s = await pipelineServices({ challenge: { timeZone: 'Europe/Berlin', perDay: 1 } });
    const cli = cliOn(s);

    const noAda = await cli(['quota', 'grant', 'kws-test', 'ada', '1', '--reason', 'outage']);
    expect(noAda.code).toBe(2);
    expect(noAda.err).toMatch(/no person "ada": people are created when they first submit .*"tinyarena submit <file> --challenge <id> --as ada"/);

    await person(s, 'ada');
    const noOlga = await cli(['quota', 'grant', 'kws-test', 'ada', '1', '--reason', 'outage', '--by', 'olga']);
    expect(noOlga.code).toBe(2);
    expect(noOlga.err).toContain('no person "olga" for --by: "tinyarena token create olga --role organizer" makes olga an organizer');
    await person(s, 'olga');
    const notOrganizer = await cli(['quota', 'grant', 'kws-test', 'ada', '1', '--reason', 'outage', '--by', 'olga']);
    expect(notOrganizer.code).toBe(1);
    expect(notOrganizer.err).toContain('olga is not an organizer: "tinyarena token create olga --role organizer"');

    const help = await cli(['quota', 'grant', '--help']);
    expect(help.out).toMatch(/--reason <text> +why \(audit log\) \(required\)/);
    expect(help.out).toMatch(/--by <handle> +the organizer doing it\n/);

    const show = await cli(['quota', 'show', 'kws-test', 'ada']);
    expect(show.err).toBe('');
    expect(show.out.trim()).toMatch(/^1 submission left \(today 0\/1\); resets at \d{4}-\d\d-\d\d 00:00 Europe\/Berlin \(\d{4}-\d\d-\d\d 2[23]:00 UTC\) \(daily at 00:00 Europe\/Berlin\)$/);

    const granted = await cli(['quota', 'grant', 'kws-test', 'ada', '1', '--reason', 'outage']);
    expect(granted.out.trim()).toBe('granted 1 extra submission to ada in kws-test');

    // The learner's side: the refusal at quota's end names the reset in the challenge's zone.
    const ada = await person(s, 'ada');
    for (const pad of [1, 2]) expect((await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'm.tflite', source: 'cli', body: kwsModel(pad) })).status).toBe('accepted');
    await expect(submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'm.tflite', source: 'cli', body: kwsModel(3) })).rejects.toThrow(
      /today's 1 submission is used; the quota resets at \d{4}-\d\d-\d\d 00:00 Europe\/Berlin \(\d{4}-\d\d-\d\d 2[23]:00 UTC\) \(daily at 00:00 Europe\/Berlin\)/,
    );
    // Seven CLI processes, each opening the database and Redis: slow on a loaded 2-core machine.
  }, 180_000);

  it('results publish without GitHub settings writes the results locally instead of failing', async () => {
    const s = await pipelineServices();
    await changeChallenge(s, { actorId: null, reason: 'end' }, 'kws-test', 'close');
    const r = await cliOn(s)(['results', 'publish', 'kws-test', '--reason', 'final']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const folder = join(s.config.DATA_DIR, 'results', 'results', 'kws-test');
    expect(r.out).toContain('GitHub is not configured (GITHUB_TOKEN and RESULTS_REPO are not set), so the results were written locally:');
    expect(r.out).toContain(`written   ${join(folder, 'README.md')}`);
    expect(readFileSync(join(folder, 'README.md'), 'utf8')).toMatch(/^# KWS pipeline test — final results/);
    expect(JSON.parse(readFileSync(join(folder, 'leaderboard.json'), 'utf8'))).toMatchObject({ challenge: 'kws-test', private: [], public: [] });
    expect(await s.db.auditLog.count({ where: { action: 'results.export' } })).toBe(1);

    const out = tempDir();
    const explicit = await cliOn(s)(['results', 'publish', 'kws-test', '--reason', 'final', '--out', out, '--json']);
    expect(JSON.parse(explicit.out)).toMatchObject({ folder: out, github: false, reason: null });
    expect(existsSync(join(out, 'results', 'kws-test', 'leaderboard.json'))).toBe(true);
  });

  it('rack sim-firmware takes the format from --out, and the same bytes rejected as .hex are judged as .bin', async () => {
    const s = await pipelineServices({ challenge: { firmware: {} } });
    const cli = cliOn(s);
    const dir = tempDir();
    const model = sharedPath('models/kws_ref_model.tflite')!;
    const hex = await cli(['rack', 'sim-firmware', '--model', model, '--profile', 'kws01', '--out', join(dir, 'fw.hex')]);
    expect(hex.err).toBe('');
    expect(hex.out).toMatch(/^wrote .*fw\.hex: HEX, /);
    expect(readFileSync(join(dir, 'fw.hex'), 'utf8')).toMatch(/^:[0-9A-F]{8}/);
    const elf = await cli(['rack', 'sim-firmware', '--model', model, '--profile', 'kws01', '--out', join(dir, 'fw.elf'), '--json']);
    expect(JSON.parse(elf.out)).toMatchObject({ format: 'elf', checksOk: true });
    const clash = await cli(['rack', 'sim-firmware', '--model', model, '--profile', 'kws01', '--out', join(dir, 'fw2.hex'), '--format', 'bin']);
    expect(clash.code).toBe(2);
    expect(clash.err).toContain('--format bin does not match');

    // Raw BIN bytes in a .hex file (what the old default wrote) are rejected at intake …
    const ada = await person(s, 'ada');
    const raw = buildSimFirmwareImage({ model: kwsModel(), profile: 'kws01' });
    writeFileSync(join(dir, 'raw.hex'), raw);
    const asHex = await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'fw.hex', source: 'cli', body: raw });
    expect(asHex.status).toBe('rejected');
    // … and the same bytes named .bin are judged, not answered with that rejection.
    const asBin = await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'fw.bin', source: 'cli', body: raw });
    expect(asBin).toMatchObject({ status: 'accepted', state: 'queued', reason: null });
    expect(asBin.id).toBe(asHex.id);
    expect(await s.db.submission.findUniqueOrThrow({ where: { id: asBin.id } })).toMatchObject({ fileName: 'fw.bin', kind: 'firmware', quotaCharged: true });
  });
});
