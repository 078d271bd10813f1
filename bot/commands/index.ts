/**
 * Every slash command, explicitly listed (no directory scan): the Discord adapter routes by name and
 * the deploy script registers exactly these.
 */
import ask from './ask.js';
import challenge from './challenge.js';
import challenges from './challenges.js';
import disqualify from './disqualify.js';
import final from './final.js';
import leaderboard from './leaderboard.js';
import quota from './quota.js';
import rack from './rack.js';
import rejudge from './rejudge.js';
import rules from './rules.js';
import status from './status.js';
import submit from './submit.js';
import team from './team.js';
import type { Command } from './types.js';

export const commands: Command[] = [submit, status, final, team, leaderboard, challenges, rules, ask, challenge, rejudge, disqualify, quota, rack];
