import { computeMemoryFit } from './memoryFit';

const llama8b = {
  parametersBillions: 8.03,
  layers: 32,
  kvHeads: 8,
  headDim: 128,
};
const llama70b = {
  parametersBillions: 70.6,
  layers: 80,
  kvHeads: 8,
  headDim: 128,
};
const L4 = { usableMemoryGiB: 22.49, gpuMemoryUtilization: 0.92 };
const H100 = { usableMemoryGiB: 79.1, gpuMemoryUtilization: 0.92 };

describe('computeMemoryFit (provisioning reference §c worked checks)', () => {
  it('Llama-3.1-8B bf16: 128 KiB of KV cache per token and ≈14.96 GiB of weights', () => {
    const fit = computeMemoryFit({ ...llama8b, ...L4, contextTokens: 8192 });
    expect(fit.kvCacheBytesPerToken).toBe(131072);
    expect(fit.weightsGiB).toBeCloseTo(14.96, 2);
    // 8192 tokens × 128 KiB = 1 GiB per sequence
    expect(fit.kvCacheGiB).toBeCloseTo(1, 6);
  });

  it('Llama-3.1-8B on L4 at 8k context fits: 22.49 × 0.92 = 20.69 GiB usable', () => {
    const fit = computeMemoryFit({ ...llama8b, ...L4, contextTokens: 8192 });
    expect(fit.availableGiBPerGpu).toBeCloseTo(20.69, 2);
    expect(fit.overheadGiBPerGpu).toBe(2);
    expect(fit.fits).toBe(true);
    expect(fit.summary).toBe(
      'fits: 15.0 GiB weights + 1.0 GiB KV + 2.0 GiB overhead ≤ 20.7 GiB usable',
    );
    // 20.69 − 14.96 − 2 = 3.73 GiB left → 3 full 8k sequences
    expect(fit.maxConcurrentSequences).toBe(3);
  });

  it('Llama-3.1-8B on L4 does not fit 4 concurrent 8k sequences', () => {
    const fit = computeMemoryFit({
      ...llama8b,
      ...L4,
      contextTokens: 8192,
      concurrentSequences: 4,
    });
    expect(fit.fits).toBe(false);
    expect(fit.summary).toBe(
      'does not fit: 15.0 GiB weights + 4.0 GiB KV + 2.0 GiB overhead = 21.0 GiB > 20.7 GiB usable',
    );
  });

  it('Llama-3.1-8B on L4 at 131072 tokens does not fit (16 GiB of KV for one sequence)', () => {
    const fit = computeMemoryFit({ ...llama8b, ...L4, contextTokens: 131072 });
    expect(fit.kvCacheGiB).toBeCloseTo(16, 6);
    expect(fit.fits).toBe(false);
    expect(fit.maxConcurrentSequences).toBe(0);
  });

  it('Llama-3.1-70B: 320 KiB per token, 2.5 GiB per 8k sequence', () => {
    const fit = computeMemoryFit({ ...llama70b, ...H100, contextTokens: 8192 });
    expect(fit.kvCacheBytesPerToken).toBe(320 * 1024);
    expect(fit.kvCacheGiB).toBeCloseTo(2.5, 6);
  });

  it('Llama-3.1-70B bf16 does not fit one H100-80GB, nor two, but fits four', () => {
    const one = computeMemoryFit({ ...llama70b, ...H100, contextTokens: 8192 });
    expect(one.weightsGiB).toBeCloseTo(131.5, 1);
    expect(one.fits).toBe(false);
    const two = computeMemoryFit({
      ...llama70b,
      ...H100,
      contextTokens: 8192,
      tensorParallelSize: 2,
    });
    expect(two.fits).toBe(false);
    const four = computeMemoryFit({
      ...llama70b,
      ...H100,
      contextTokens: 8192,
      tensorParallelSize: 4,
    });
    expect(four.fits).toBe(true);
    expect(four.weightsGiBPerGpu).toBeCloseTo(32.9, 1);
    // overhead is 10% of the weights per GPU once that exceeds 2 GiB
    expect(four.overheadGiBPerGpu).toBeCloseTo(3.29, 2);
    expect(four.summary).toMatch(/per GPU \(tensor parallel 4\)$/);
  });

  it('Llama-3.1-70B fp8 (1 byte per weight) is marginal on one H100 at 8k context', () => {
    const fit = computeMemoryFit({
      ...llama70b,
      ...H100,
      dtypeBytes: 1,
      contextTokens: 8192,
    });
    expect(fit.weightsGiB).toBeCloseTo(65.75, 1);
    expect(fit.fits).toBe(false);
  });

  it('rejects impossible inputs naming the field', () => {
    expect(() =>
      computeMemoryFit({ ...llama8b, ...L4, contextTokens: 0 }),
    ).toThrow('contextTokens must be a positive number, got 0');
    expect(() =>
      computeMemoryFit({
        ...llama8b,
        usableMemoryGiB: 22.49,
        gpuMemoryUtilization: 1.5,
        contextTokens: 8192,
      }),
    ).toThrow('gpuMemoryUtilization must be greater than 0 and at most 1');
  });
});
