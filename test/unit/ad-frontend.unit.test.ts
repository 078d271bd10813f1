import { describe, expect, it } from 'vitest';
import { AD_FRAMES, adFeatures, logMelSpectrogram, slaneyMelFilters } from '../../grader/tasks/front-ends/ad-logmel.js';

describe('AD log-mel front end', () => {
  it('has 128 Slaney-normalised triangular filters over 513 bins', () => {
    const f = slaneyMelFilters();
    expect(f).toHaveLength(128);
    expect(f[0]).toHaveLength(513);
    // Slaney normalisation: each filter's area over frequency is 1 (within the bin grid's accuracy).
    const area = (row: Float64Array) => row.reduce((a, v) => a + v, 0) * (16000 / 1024);
    for (const m of [10, 64, 120]) expect(area(f[m]!)).toBeGreaterThan(0.8);
    for (const m of [10, 64, 120]) expect(area(f[m]!)).toBeLessThan(1.2);
  });

  it('gives 10·log10(ε) for silence and 313 frames for 10 s', () => {
    const { frames, data } = logMelSpectrogram(new Float32Array(160000));
    expect(frames).toBe(313);
    expect(data[0]).toBeCloseTo(10 * Math.log10(2.220446049250313e-16), 4);
    expect(adFeatures(new Float32Array(160000))).toHaveLength(AD_FRAMES * 128);
    expect(() => adFeatures(new Float32Array(16000))).toThrow(/AD features need 250/);
  });

  it('puts a 1 kHz tone in the band around 1 kHz', () => {
    const tone = Float32Array.from({ length: 160000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 16000));
    const { data } = logMelSpectrogram(tone);
    const frame = data.subarray(100 * 128, 101 * 128);
    const peak = frame.indexOf(Math.max(...frame));
    const filters = slaneyMelFilters();
    const centre = filters[peak]!.indexOf(Math.max(...filters[peak]!)) * (16000 / 1024);
    expect(Math.abs(centre - 1000)).toBeLessThan(60);
  });
});
