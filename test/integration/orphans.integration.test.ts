/**
 * Nothing outlives the process that started it (issue 17 #7): a simulated board process killed
 * outright takes its socat pty pair with it, as the private Redis goes with the service.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchSimBoard } from '../../grader/rack/sim/launch.js';
import { isAlive, pidsWhere, waitFor } from '../helpers/process.js';
import { HAVE_SOCAT } from '../helpers/rack.js';
import { tempDir } from '../helpers/tmp.js';

describe.skipIf(!HAVE_SOCAT)('simulated boards leave nothing behind', () => {
  it('a SIGKILLed board process takes its socat with it', async () => {
    const dir = tempDir('tinyarena-orphan-');
    const board = await launchSimBoard({ id: 'orphan-test', dir, board: {}, faults: [] });
    const hostLink = join(dir, 'orphan-test.host');
    const socat = pidsWhere((argv) => argv[0] === 'socat' && argv.some((a) => a.includes(hostLink)));
    const boardProcess = pidsWhere((argv) => argv[0] === process.execPath && argv.some((a) => a.includes(hostLink)));
    expect(socat).toHaveLength(1);
    expect(boardProcess).toHaveLength(1);
    process.kill(boardProcess[0]!, 'SIGKILL');
    await board.gone;
    await waitFor(() => !isAlive(socat[0]!), 5000, 'socat to go with its board process');
  });
});
