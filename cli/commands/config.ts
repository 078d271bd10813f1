import { describeConfig, loadConfig } from '../../core/config.js';
import type { RegisterCommand } from './types.js';

const register: RegisterCommand = (program) => {
  program
    .command('config')
    .description('check the configuration and print it as JSON (secrets masked)')
    .action(() => {
      process.stdout.write(JSON.stringify(describeConfig(loadConfig()), null, 2) + '\n');
    });
};
export default register;
