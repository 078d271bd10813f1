// Worker-thread entry for demo-set generation: registers tsx's loader (the sources are TypeScript, run
// without a build step), then loads the worker proper.
import { register } from 'tsx/esm/api';

register();
await import('./demo-worker.ts');
