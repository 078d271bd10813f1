import type { LeaderboardView } from '../../arena/leaderboard.js';
import { CliError } from '../errors.js';
import { apiRequest, output, remote, withServices } from '../services.js';
import type { RegisterCommand } from './types.js';

const register: RegisterCommand = (program) => {
  program
    .command('leaderboard')
    .description("a challenge's leaderboard (the private split is shown here on the server machine; remotely only once revealed)")
    .argument('<challenge>')
    .option('--split <split>', 'public or private', 'public')
    .option('--server <url>', 'remote: the TinyArena server URL')
    .option('--token <token>', 'remote: your API token')
    .option('--json', 'print JSON: { challenge, split, frozen, entries }')
    .action(async (challenge: string, opts: { split: string; server?: string; token?: string; json?: boolean }) => {
      if (opts.split !== 'public' && opts.split !== 'private') throw new CliError('--split must be public or private', 2);
      const split = opts.split;
      const r = remote(opts);
      const board = r
        ? ((await apiRequest(r, `/api/challenges/${encodeURIComponent(challenge)}/leaderboard?split=${split}`)) as LeaderboardView)
        : await withServices(async (services) => {
            const { readLeaderboard } = await import('../../arena/leaderboard.js');
            return readLeaderboard(services, challenge, split, { privileged: true });
          });
      output(opts.json, board, () => {
        const head = `${board.challenge} — ${board.split} leaderboard${board.frozen ? ' (frozen)' : ''}`;
        if (!board.visible) return `${head}\n  the private split is revealed when the challenge closes`;
        if (!board.entries.length) return `${head}\n  no ranked submissions yet`;
        // Separate tracks (leaderboard.tracks): a heading per track, each with its own ranks.
        const lines = [head];
        let track = '';
        for (const e of board.entries) {
          if (board.tracks === 'separate' && e.track !== track) lines.push(`${(track = e.track)} track:`);
          lines.push(`${String(e.rank).padStart(4)}  ${e.score.toFixed(3).padStart(9)}  ${e.team ? `${e.team} (${e.person})` : e.person}  ${e.submittedAt}`);
        }
        return lines.join('\n');
      });
    });
};
export default register;
