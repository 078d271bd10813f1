import type { Command } from 'commander';

/** A sub-command adds itself to the program (listed in ./index.ts). */
export type RegisterCommand = (program: Command) => void;
