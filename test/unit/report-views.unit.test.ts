import { describe, expect, it } from 'vitest';
import { classificationReport } from '../../grader/metrics/classification.js';
import { latencyText, perClassTable, stageFigures } from '../../web/views/report.js';

describe('report views', () => {
  it('a class with no samples shows "—" for recall (and F1), a class never predicted "—" for precision', () => {
    // Three people (one taken for "no person"), no sample of "no person" in the split.
    const m = classificationReport([1, 1, 1], [0, 1, 1], 2);
    const html = perClassTable(m.perClass, ['no person', 'person'], m.confusion);
    const row = (label: string) => new RegExp(`<th scope="row">${label}</th>((?:<td[^>]*>[^<]*</td>){4})`).exec(html)![1]!.match(/<td[^>]*>[^<]*/g)!.map((x) => x.replace(/<td[^>]*>/, ''));
    expect(row('no person')).toEqual(['0', '0.000', '—', '—']);
    expect(row('person')).toEqual(['3', '1.000', '0.667', '0.800']);
    expect(html).toContain('— : undefined');
    // Nothing predicted as "person".
    const never = classificationReport([0, 0, 1], [0, 0, 0], 2);
    const n = perClassTable(never.perClass, ['no person', 'person'], never.confusion);
    expect(/<th scope="row">person<\/th><td class="num">1<\/td><td class="num">([^<]*)<\/td><td class="num">([^<]*)<\/td><td class="num">([^<]*)</.exec(n)!.slice(1)).toEqual(['—', '0.000', '—']);
  });

  it("lists each stage's figures: MACs and arena, the metric, the board with latency median and spread", () => {
    expect(latencyText(377.1, [377.0, 377.4, 377.1])).toBe('377.1 ms median, 377.0 ms–377.4 ms over 3 runs');
    expect(latencyText(0.93, [0.93])).toBe('0.93 ms (1 run)');
    expect(stageFigures('validate', 'passed', { sizeBytes: 53_936, macs: 2_664_780, arenaBytes: 24_272, params: 22_604 })).toBe(
      '<ul class="figures"><li>model 52.7 KiB (53,936 bytes)</li><li>2,664,780 MACs</li><li>tensor arena estimated at 23.7 KiB (24,272 bytes)</li><li>22,604 parameters</li></ul>',
    );
    expect(stageFigures('device', 'passed', { boardId: 'nano-02', boardKind: 'nano33ble', firmwareVersion: '1.4.0', latencyMs: 181.92, latencyRunsMs: [181.9, 182.4, 181.92], arenaBytes: 23_000, samples: 8, byteEqual: true })).toBe(
      '<ul class="figures"><li>board nano-02 (nano33ble, firmware 1.4.0)</li><li>latency 181.9 ms median, 181.9 ms–182.4 ms over 3 runs</li><li>tensor arena on the board 22.5 KiB (23,000 bytes)</li><li>outputs byte-equal to the grader\'s on 8 samples</li></ul>',
    );
    expect(stageFigures('score', 'passed', { public: { metric: 'auc', value: 0.8912, n: 120, durationMs: 840 } })).toBe('<ul class="figures"><li>ROC AUC 0.8912 on 120 samples (public split)</li><li>took 840.0 ms</li></ul>');
    expect(stageFigures('publish', 'passed', { publicScore: 81.2, eligible: false, terms: { quality: 0.6, latency: null, flash: 1 } })).toContain('<li>terms: quality 0.6000, latency not measured (0), flash 1.000</li><li>below the quality gate: not ranked</li>');
    expect(stageFigures('device', 'running', { progress: {} })).toBe('');
    expect(stageFigures('device', 'passed', { boardId: '<b>' })).toContain('board &lt;b&gt;');
  });
});
