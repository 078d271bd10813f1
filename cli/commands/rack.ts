import { CliError } from '../errors.js';
import { output, withServices } from '../services.js';
import type { RegisterCommand } from './types.js';

export type { BoardStatus } from '../../grader/rack/status.js';

const register: RegisterCommand = (program) => {
  const rack = program.command('rack').description('the board rack (device stage)');
  rack
    .command('status')
    .description('boards, leases, health and quarantine')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const boards = await withServices(async (services) => {
        const { rackStatus } = await import('../../grader/rack/status.js');
        return rackStatus(services.db);
      });
      output(opts.json, { boards }, () =>
        boards.length === 0
          ? 'no boards (the rack starts with `tinyarena start` / `tinyarena worker`; see RACK_CONFIG and RACK_SIM_BOARDS)'
          : boards
              .map((b) => `${b.id.padEnd(12)} ${b.kind.padEnd(10)} ${b.state.padEnd(12)} health ${b.health.toFixed(2)}  ${b.location}${b.leasedBy ? `  leased by ${b.leasedBy} until ${b.leaseExpiresAt}` : ''}${b.lastError ? `\n             ${b.lastError}` : ''}`)
              .join('\n'),
      );
    });
  rack
    .command('unquarantine')
    .description('clear a quarantine; the running rack re-probes the board')
    .argument('<board>', 'board id')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const row = await withServices(async (services) => {
        const b = await services.db.board.findUnique({ where: { id } });
        if (!b) throw new CliError(`no board ${id}`, 2);
        if (b.state !== 'quarantined') throw new CliError(`board ${id} is ${b.state}, not quarantined`, 1);
        return services.db.board.update({ where: { id }, data: { state: 'offline', consecutiveFailures: 0, health: 1, lastError: `quarantine cleared (was: ${b.lastError ?? 'no reason'})` } });
      });
      output(opts.json, { id: row.id, state: row.state }, () => `board ${id}: quarantine cleared; the rack re-probes it within its health interval`);
    });
  rack
    .command('check-firmware')
    .description('check a firmware submission (.bin/.hex/.elf) against a board\'s memory map (the Nano 33 BLE, or the virtual board)')
    .argument('<file>')
    .option('--flash-budget <bytes>', "a challenge's flash budget")
    .option('--board <kind>', 'nano33ble (default) or virtual (QEMU mps2-an386: firmware/template/)', 'nano33ble')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean; flashBudget?: string; board: string }) => {
      const fs = await import('node:fs/promises');
      const { checkFirmware, firmwareBoardProfile } = await import('../../grader/firmware/check.js');
      if (!['nano33ble', 'sim', 'virtual'].includes(opts.board)) throw new CliError(`--board must be nano33ble or virtual, not "${opts.board}"`, 2);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await fs.readFile(file));
      } catch (err) {
        throw new CliError(`cannot read ${file}: ${(err as Error).message}`, 2);
      }
      const budget = opts.flashBudget === undefined ? undefined : Number(opts.flashBudget);
      if (budget !== undefined && !(Number.isInteger(budget) && budget > 0)) throw new CliError('--flash-budget must be a positive number of bytes', 2);
      const report = checkFirmware(bytes, { fileName: file, board: firmwareBoardProfile([opts.board]), ...(budget ? { flashBudgetBytes: budget } : {}) });
      output(opts.json, report, () => [`${report.ok ? 'OK' : 'REJECTED'}: ${file} (${report.format ?? 'unreadable'}, ${report.board})`, ...report.checks.map((c) => `  ${c.status.padEnd(4)} ${c.id}: ${c.message}`)].join('\n'));
      if (!report.ok) process.exitCode = report.format === null ? 2 : 1;
    });
  rack
    .command('sim-firmware')
    .description('write a firmware image a simulated board runs like an MLPerf Tiny reference firmware (try firmware submissions without a kit)')
    .requiredOption('--model <file>', 'the .tflite model the firmware embeds')
    .requiredOption('--profile <id>', 'MLPerf Tiny model id: kws01, vww01, ad01 or ic01')
    .requiredOption('--out <file>', 'where to write the image')
    .option('--format <format>', 'bin, hex or elf (default: from the --out extension: .hex/.ihex, .elf, else bin)')
    .option('--name <name>', 'the DUT name the firmware reports')
    .option('--json', 'print JSON')
    .action(async (opts: { model: string; profile: string; out: string; format?: string; name?: string; json?: boolean }) => {
      const fs = await import('node:fs/promises');
      const { buildSimFirmwareImage } = await import('../../grader/rack/sim/firmware-image.js');
      const { DUT_PROFILES, scanFirmwareImage } = await import('../../grader/rack/sim/sim-dut-firmware.js');
      const { toElf, toIntelHex } = await import('../../grader/firmware/write.js');
      const { checkFirmware, NANO33BLE } = await import('../../grader/firmware/check.js');
      const profile = DUT_PROFILES.find((p) => p === opts.profile);
      if (!profile) throw new CliError(`--profile must be one of ${DUT_PROFILES.join(', ')} (got "${opts.profile}")`, 2);
      const format = firmwareFormatFor(opts.out, opts.format);
      let model: Uint8Array;
      try {
        model = new Uint8Array(await fs.readFile(opts.model));
      } catch (err) {
        throw new CliError(`cannot read ${opts.model}: ${(err as Error).message}`, 2);
      }
      let image: Uint8Array;
      try {
        image = buildSimFirmwareImage({ model, profile, ...(opts.name !== undefined ? { name: opts.name } : {}) });
      } catch (err) {
        throw new CliError((err as Error).message, 2);
      }
      // A model the simulator cannot find would make a board that never boots: say so now.
      const scan = scanFirmwareImage(image);
      if (!scan) throw new CliError(`${opts.model} is not a readable .tflite model`, 2);
      const appStart = NANO33BLE.flashStart + NANO33BLE.bootloaderBytes;
      const resetVector = new DataView(image.buffer, image.byteOffset, 8).getUint32(4, true);
      const bytes = format === 'hex' ? toIntelHex(image, appStart, resetVector) : format === 'elf' ? toElf(image, appStart) : image;
      try {
        await fs.writeFile(opts.out, bytes);
      } catch (err) {
        throw new CliError(`cannot write ${opts.out}: ${(err as Error).message}`, 2);
      }
      const report = checkFirmware(bytes, { fileName: opts.out });
      const result = { out: opts.out, format, bytes: bytes.length, flashBytes: report.flashSpanBytes, profile, name: scan.name, modelOffset: appStart + scan.offset, modelBytes: scan.length, checksOk: report.ok };
      output(opts.json, result, () => `wrote ${opts.out}: ${format.toUpperCase()}, ${report.flashSpanBytes} bytes of flash from 0x${appStart.toString(16)}; ${profile} model (${scan.length} bytes) at 0x${result.modelOffset.toString(16)}, DUT name "${scan.name}"`);
    });
};
export default register;

/**
 * The image format for `--out`: as asked, else from the file name (a `.hex` of raw BIN bytes is
 * rejected at intake). An explicit format that contradicts the extension is refused.
 */
export function firmwareFormatFor(out: string, asked?: string): 'bin' | 'hex' | 'elf' {
  const ext = /\.(bin|hex|ihex|elf)$/i.exec(out)?.[1]?.toLowerCase();
  const implied = ext === 'hex' || ext === 'ihex' ? 'hex' : ext === 'elf' ? 'elf' : ext === 'bin' ? 'bin' : null;
  if (asked === undefined) return implied ?? 'bin';
  if (asked !== 'bin' && asked !== 'hex' && asked !== 'elf') throw new CliError(`--format must be bin, hex or elf (got "${asked}")`, 2);
  if (implied && implied !== asked) throw new CliError(`--format ${asked} does not match ${out} (a .${ext} file): drop --format, or name the file .${asked}`, 2);
  return asked;
}
