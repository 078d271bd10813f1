// Worker-thread entry: registers tsx's loader (the engine is TypeScript, run without a build step),
// then loads the worker proper.
import { register } from 'tsx/esm/api';

register();
await import('./shared-pool-worker.ts');
