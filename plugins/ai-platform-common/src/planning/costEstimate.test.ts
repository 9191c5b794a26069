import { estimateEndpointCost, formatUsd } from './costEstimate';

describe('estimateEndpointCost', () => {
  it('multiplies the GPU-hour price by GPUs, replicas and 730 hours', () => {
    expect(
      estimateEndpointCost({
        gpuHourUsd: 3.2,
        gpusPerReplica: 1,
        minReplicas: 1,
        maxReplicas: 4,
      }),
    ).toEqual({
      gpuHourUsd: 3.2,
      gpusPerReplica: 1,
      hoursPerMonth: 730,
      monthlyMinUsd: 2336,
      monthlyMaxUsd: 9344,
    });
  });

  it('counts every GPU of a tensor-parallel replica and allows scale to zero', () => {
    const cost = estimateEndpointCost({
      gpuHourUsd: 3.2,
      gpusPerReplica: 4,
      minReplicas: 0,
      maxReplicas: 2,
    });
    expect(cost.monthlyMinUsd).toBe(0);
    expect(cost.monthlyMaxUsd).toBe(18688);
  });

  it('rejects negative inputs naming the field', () => {
    expect(() =>
      estimateEndpointCost({
        gpuHourUsd: -1,
        gpusPerReplica: 1,
        minReplicas: 1,
        maxReplicas: 1,
      }),
    ).toThrow('gpuHourUsd must be a non-negative number, got -1');
  });

  it('formats dollars with cents', () => {
    expect(formatUsd(9344)).toBe('9,344.00 USD');
  });
});
