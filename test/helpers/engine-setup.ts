/**
 * Every test file may make interpreters directly (`Interpreter.create`): hand the pure engine its
 * SIMD kernels first, as the I/O edge (grader/inference/engine.ts) does in production.
 */
import { loadEngine } from '../../grader/inference/engine.js';

loadEngine();
