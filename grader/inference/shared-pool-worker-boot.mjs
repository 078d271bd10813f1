// Worker-thread entry: registers tsx's loader (the engine is TypeScript, run without a build step),
// then loads the worker proper. The compiled build bundles the worker into one file (build: bundle):
// a thread then starts by reading one module instead of resolving some fifty.
import { register } from 'tsx/esm/api';

register();
await import('./shared-pool-worker.ts');
