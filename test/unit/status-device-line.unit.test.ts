/**
 * `tinyarena status` shows the device stage's board figures: the board and its kind, the output
 * check and the latency with its basis (on a virtual board, the instruction count behind the estimate).
 */
import { describe, expect, it } from 'vitest';
import type { StatusView } from '../../arena/status.js';
import { describeStatus } from '../../cli/commands/status.js';

const basis =
  'estimated on a virtual board: 25,457,600 Cortex-M4 instructions per inference (QEMU -icount, deterministic) x 0.9 cycles per instruction at 64 MHz (calibrated on the MLPerf Tiny reference latencies)';

function view(device: StatusView['stages'][number]): StatusView {
  return {
    id: 'sub1',
    challenge: 'kws-demo',
    person: 'ada',
    fileName: 'kws.tflite',
    kind: 'model',
    state: 'done',
    reason: null,
    stages: [{ name: 'validate', status: 'passed', startedAt: null, finishedAt: null, detail: {}, error: null }, device],
    score: 112.08,
    privateScore: null,
    eligible: true,
    unranked: null,
    rank: 1,
    track: null,
    disqualified: null,
    evaluatorVersion: null,
    queue: { position: 0, etaSeconds: 0 },
    quotaCharged: true,
    createdAt: '2026-12-03T00:00:00Z',
    report: 'https://arena.example/submissions/sub1',
  };
}

describe('tinyarena status, device stage', () => {
  it('names the board, the byte-for-byte check and the virtual board’s instruction count behind its latency estimate', () => {
    const text = describeStatus(view({ name: 'device', status: 'passed', startedAt: null, finishedAt: null, error: null, detail: { boardId: 'virtual-1', boardKind: 'virtual', latencyMs: 357.998, byteEqual: true, samples: 8, latencyBasis: basis } }));
    expect(text).toContain(`\n  device    passed\n            board virtual-1 (virtual), outputs byte-equal to the host engine on 8 samples; 357.998 ms per inference (${basis})\n`);
  });

  it('says nothing more for a stage without board figures', () => {
    const text = describeStatus(view({ name: 'device', status: 'skipped', startedAt: null, finishedAt: null, error: null, detail: { reason: 'no rack' } }));
    expect(text).toContain('\n  device    skipped\n  score 112.08, rank 1\n');
  });
});
