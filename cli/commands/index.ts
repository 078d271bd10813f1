import type { RegisterCommand } from './types.js';
import config from './config.js';
import dbGenerate from './db-generate.js';
import validate from './validate.js';
import infer from './infer.js';
import score from './score.js';
import dataset, { registerDemo } from './dataset.js';
import migrate from './migrate.js';
import start from './start.js';
import submit from './submit.js';
import status from './status.js';
import leaderboard from './leaderboard.js';
import challenge from './challenge.js';
import rejudge from './rejudge.js';
import disqualify from './disqualify.js';
import quota from './quota.js';
import token from './token.js';
import results from './results.js';
import ask from './ask.js';
import triage from './triage.js';
import rack from './rack.js';
import team from './team.js';
import discordDeploy from './discord-deploy.js';

/** Every sub-command, explicitly listed. */
export const commands: RegisterCommand[] = [start, migrate, config, dbGenerate, validate, infer, score, dataset, registerDemo, submit, status, leaderboard, challenge, rejudge, disqualify, quota, token, team, results, ask, triage, rack, discordDeploy];
