import { describe, expect, it } from 'vitest';
import { barChart, confusionHeatmap, markParetoFront, paretoPlot, rocCurve, textWidth } from '../../web/views/plots.js';

/**
 * Text runs of an SVG that would be cut off by its viewBox (estimated width per character, anchor
 * and rotation taken into account): what a reader would see clipped.
 */
function clippedTexts(svg: string): string[] {
  const [, , w, h] = /viewBox="([\d.\s-]+)"/.exec(svg)![1]!.split(/\s+/).map(Number) as [number, number, number, number];
  const out: string[] = [];
  for (const m of svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)) {
    const attrs = m[1]!;
    const text = m[2]!.replace(/&[a-z#0-9]+;/g, 'x');
    const attr = (name: string) => new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attrs)?.[1];
    const size = Number(attr('font-size') ?? 16);
    const len = textWidth(text, size);
    const t = /translate\(([\d.-]+),([\d.-]+)\)(?: rotate\(([\d.-]+)\))?/.exec(attr('transform') ?? '');
    const x = Number(t ? t[1] : attr('x') ?? 0);
    const y = Number(t ? t[2] : attr('y') ?? 0);
    const angle = ((t?.[3] ? Number(t[3]) : 0) * Math.PI) / 180;
    const anchor = attr('text-anchor') ?? 'start';
    const from = anchor === 'end' ? -len : anchor === 'middle' ? -len / 2 : 0;
    const ends = [from, from + len].map((d) => [x + d * Math.cos(angle), y + d * Math.sin(angle)] as const);
    if (ends.some(([ex, ey]) => ex < 0 || ex > w || ey - size < -size || ey > h)) out.push(text);
  }
  return out;
}

describe('server-rendered plots', () => {
  it('marks the Pareto front: better quality or smaller size, not dominated', () => {
    const pts = [
      { id: 'a', quality: 0.9, sizeBytes: 50_000 },
      { id: 'b', quality: 0.92, sizeBytes: 80_000 },
      { id: 'c', quality: 0.88, sizeBytes: 90_000 }, // dominated by a and b
      { id: 'd', quality: 0.9, sizeBytes: 50_000 }, // equal to a: neither dominates the other
      { id: 'e', quality: 0.7, sizeBytes: 10_000 },
    ];
    expect(markParetoFront(pts).filter((p) => p.front).map((p) => p.id)).toEqual(['a', 'b', 'd', 'e']);
  });

  it('draws one cell per confusion entry with counts, labels escaped', () => {
    const svg = confusionHeatmap([[5, 1], [0, 7]], ['no <person>', 'person']);
    expect(svg.match(/<rect /g)).toHaveLength(4);
    expect(svg).toContain('no &lt;person&gt;');
    expect(svg).not.toContain('<person>');
    expect(svg).toContain('true person, predicted person: 7');
    expect(svg.startsWith('<svg role="img"')).toBe(true);
  });

  it('draws the ROC curve through its points and states the AUC', () => {
    const svg = rocCurve([{ fpr: 0, tpr: 0 }, { fpr: 0.5, tpr: 1 }, { fpr: 1, tpr: 1 }], 0.75);
    expect(svg).toContain('AUC 0.7500');
    expect(svg).toMatch(/M40\.0,280\.0L160\.0,40\.0L280\.0,40\.0/);
  });

  it('bars are sorted, capped and labelled; the Pareto plot marks its budget', () => {
    const svg = barChart([{ label: 'CONV_2D', value: 10 }, { label: 'FULLY_CONNECTED', value: 30 }, { label: 'ADD', value: 1 }], { title: 'MACs', max: 2 });
    expect(svg.indexOf('FULLY_CONNECTED')).toBeLessThan(svg.indexOf('CONV_2D'));
    expect(svg).not.toContain('>ADD<');
    const p = paretoPlot(markParetoFront([{ label: 'x', quality: 0.9, sizeBytes: 5e4 }, { label: 'y', quality: 0.8, sizeBytes: 9e4, href: '/submissions/y' }]), { qualityLabel: 'top-1', budgetBytes: 2e5 });
    expect(p).toContain('flash budget');
    expect(p).toContain('href="/submissions/y"');
    expect(paretoPlot([], { qualityLabel: 'top-1' })).toBe('');
  });

  it('keeps every label and the caption of a confusion matrix inside the picture (VWW: 2 classes, long names)', () => {
    expect(clippedTexts(confusionHeatmap([[40, 10], [12, 38]], ['no person', 'person']))).toEqual([]);
    const kws = ['down', 'go', 'left', 'no', 'off', 'on', 'right', 'stop', 'up', 'yes', 'silence', 'unknown'];
    expect(clippedTexts(confusionHeatmap(kws.map((_, i) => kws.map((_, j) => (i === j ? 9 : 1))), kws))).toEqual([]);
    expect(clippedTexts(confusionHeatmap([[1, 0], [0, 1]], ['a class with a very long name', 'b']))).toEqual([]);
    // The check itself catches a clipped caption.
    expect(clippedTexts('<svg viewBox="0 0 100 50"><text x="90" y="20" font-size="11">rows: true class</text></svg>')).toEqual(['rows: true class']);
  });

  it('the Pareto plot is readable: axes with units and ticks, a hover label for every point, a legend of exactly what is drawn', () => {
    const pts = markParetoFront([
      { label: '#1 ada', quality: 0.93, sizeBytes: 53_936, href: '/submissions/a' },
      { label: '#2 bob', quality: 0.9, sizeBytes: 120_000, href: '/submissions/b' },
      { label: '#3 cy', quality: 0.95, sizeBytes: 250_000, href: '/submissions/c' },
    ]);
    const svg = paretoPlot(pts, { qualityLabel: 'top-1 accuracy', percent: true, budgetBytes: 262_144 });
    expect(svg).toContain('>flash the entry takes (KiB, log scale)</text>');
    expect(svg).toContain('>top-1 accuracy (%)</text>');
    expect(svg).toMatch(/>50 KiB<\/text>/);
    expect(svg).toMatch(/>9[0-9]\.\d %<\/text>/);
    // Every point: a tooltip with its figures and a label shown on hover or focus (CSS: .pt:hover .tip).
    expect(svg.match(/<a class="pt" href="\/submissions\/[abc]"><title>#\d \w+: top-1 accuracy [\d.]+ %, flash [\d.]+ KiB = [\d,]+ bytes<\/title><circle [^>]*\/><text class="tip"/g)).toHaveLength(3);
    expect(svg).toContain('>#2 bob · 90.0 % · 117 KiB</text>');
    // Legend: the front (orange, with its line), the others (blue), the budget — each drawn.
    const legend = [...svg.matchAll(/<g transform="translate\([\d.]+,14\)">[\s\S]*?<text[^>]*>([^<]+)<\/text><\/g>/g)].map((m) => m[1]);
    expect(legend).toEqual(['Pareto front', 'other entries', 'flash budget']);
    expect(svg.match(/fill="#c2410c"/g)!.length - 1).toBe(pts.filter((p) => p.front).length);
    expect(svg.match(/<circle [^>]*fill="#1f5fa8"/g)!.length - 1).toBe(pts.filter((p) => !p.front).length);
    expect(clippedTexts(svg)).toEqual([]);
    // Nothing dominated, no budget: no legend entry for what is not drawn.
    const front = paretoPlot(markParetoFront([{ label: 'a', quality: 0.9, sizeBytes: 1e4 }, { label: 'b', quality: 0.95, sizeBytes: 2e4 }]), { qualityLabel: 'ROC AUC' });
    expect([...front.matchAll(/<g transform="translate\([\d.]+,14\)">[\s\S]*?<text[^>]*>([^<]+)<\/text><\/g>/g)].map((m) => m[1])).toEqual(['Pareto front']);
    expect(front).toContain('>ROC AUC</text>');
    expect(front).toContain('<g class="pt" tabindex="0">');
  });
});
