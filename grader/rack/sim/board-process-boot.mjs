// Child-process entry: registers tsx's loader (the rack is TypeScript, run without a build step),
// then loads the simulated board proper.
import { register } from 'tsx/esm/api';

register();
await import('./board-process.ts');
