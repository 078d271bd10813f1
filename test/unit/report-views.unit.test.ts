import { describe, expect, it } from 'vitest';
import { classificationReport } from '../../grader/metrics/classification.js';
import { perClassTable } from '../../web/views/report.js';

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
});
