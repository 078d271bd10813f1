/**
 * The reference-model drift check: every N jobs a board runs a fixed model on a fixed input, and its
 * outputs must equal the host engine's byte for byte; a board that drifts leaves service.
 */
import type { RackConfig } from './rack-config.js';
import type { BoardSession } from './rack-job.js';

interface Reference {
  model: Uint8Array;
  input: Uint8Array;
  expected: Uint8Array;
}

export class DriftCheck {
  private reference: Reference | null = null;

  constructor(private readonly config: NonNullable<RackConfig['driftCheck']>) {}

  /** The reference model, its input (a ramp) and the host engine's outputs (computed once). */
  private async referenceRun(): Promise<Reference> {
    if (!this.reference) {
      const { readFileSync } = await import('node:fs');
      const { parseModel } = await import('../tflite/parse.js');
      const { createInterpreter } = await import('../inference/engine.js');
      const model = new Uint8Array(readFileSync(this.config.model));
      const interp = createInterpreter(parseModel(model), { arithmetic: this.config.arithmetic });
      // A fixed, non-trivial input (a ramp), the same on every board and every run.
      const input = Uint8Array.from({ length: interp.inputBytes }, (_, i) => (i * 37 + 11) & 0xff);
      interp.setInputBytes(input);
      interp.invoke();
      this.reference = { model, input, expected: interp.getOutputBytes() };
    }
    return this.reference;
  }

  /** Run the check on a leased board: null when the outputs are byte-equal, else where they differ. */
  async probe(session: BoardSession): Promise<string | null> {
    const ref = await this.referenceRun();
    // A board that reproduces several arithmetics (a virtual board) computes the reference's.
    if (session.board.info.arithmetics?.includes(this.config.arithmetic)) await session.client.setArithmetic(this.config.arithmetic);
    await session.client.uploadModel(ref.model, session.board.info.chunk);
    await session.client.loadInput(ref.input);
    await session.client.infer(1, 0, session.inferTimeoutMs(1, 0));
    const out = await session.client.output();
    const at = out.length === ref.expected.length ? out.findIndex((b, i) => b !== ref.expected[i]) : 0;
    return at === -1 ? null : `output byte ${at}: board ${out[at] ?? 'none'} vs host ${ref.expected[at]}`;
  }
}
